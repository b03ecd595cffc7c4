#include "server/admin/admin_stats.h"

#include <algorithm>

#include "base/utc_time.h"
#include "server/admin/fault_rules.h"

namespace swapi::server {

std::string route_key(std::string_view method, std::string_view path) {
  if (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  std::string key(method);
  key += ' ';
  if (!path.starts_with('/')) return key + std::string(path);  // "*" (OPTIONS), or bytes
  for (std::size_t start = 0; start < path.size();) {
    std::size_t end = std::min(path.find('/', start + 1), path.size());
    std::string_view name = path.substr(start + 1, end - start - 1);
    bool numeric = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
    key += numeric ? std::string("/{id}") : std::string(path.substr(start, end - start));
    start = end;
  }
  return key;
}

nlohmann::json StatsSnapshot::to_json() const {
  return {{"since", base::format_utc(static_cast<std::time_t>(since))},
          {"since_unix", since},
          {"jwks_fetches", jwks_fetches},
          {"discovery_requests", discovery_requests},
          {"token_requests", token_requests},
          {"requests", requests},
          {"routes", routes},
          {"auth", auth},
          {"statuses", statuses}};
}

void AdminStats::record(std::string_view method, std::string_view path, int status, std::string_view rule) {
  std::string key = route_key(method, path);
  auto route = route_of_path(path);
  std::lock_guard lock(mutex_);
  auto& s = snapshot_;
  ++s.requests;
  if (route == FaultRoute::jwks) ++s.jwks_fetches;
  if (route == FaultRoute::discovery) ++s.discovery_requests;
  if (route == FaultRoute::token) ++s.token_requests;
  if (s.routes.size() >= kMaxStatsRoutes && !s.routes.contains(key)) key = "other";
  ++s.routes[key];
  if (!rule.empty()) ++s.auth[std::string(rule)];
  ++s.statuses[std::to_string(status)];
}

StatsSnapshot AdminStats::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

StatsSnapshot AdminStats::reset(std::int64_t now) {
  std::lock_guard lock(mutex_);
  StatsSnapshot previous = std::move(snapshot_);
  snapshot_ = StatsSnapshot{};
  snapshot_.since = now;
  return previous;
}

}  // namespace swapi::server
