#pragma once
// The counters of scenario control (DESIGN.md "Scenario control"), GET /_swapi/stats: how
// often the JWKS was fetched, discovery and the token endpoint asked, each route served and
// each auth rule decided, since the server started or since the last reset. So a test can
// assert "the app fetched the JWKS once, then once more after the rotation".
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace swapi::server {

// Distinct route keys kept; past this every new one counts as "other" (a scanner trying
// random paths must not grow the map without bound).
inline constexpr std::size_t kMaxStatsRoutes = 256;

// "GET /api/films/{id}" for GET /api/films/3/: numeric segments become {id} and a trailing
// slash goes, so one route is one counter whatever the id.
std::string route_key(std::string_view method, std::string_view path);

struct StatsSnapshot {
  std::int64_t since = 0;  // Unix seconds of the start or of the last reset
  std::uint64_t jwks_fetches = 0, discovery_requests = 0, token_requests = 0, requests = 0;
  std::map<std::string, std::uint64_t> routes;  // route_key -> requests
  std::map<std::string, std::uint64_t> auth;    // the guard's rule ("ok", "expired", ...) -> requests
  std::map<std::string, std::uint64_t> statuses;  // "200", "401", ... -> responses

  // {"since": "2026-...Z", "since_unix": N, "jwks_fetches": N, "discovery_requests": N,
  //  "token_requests": N, "requests": N, "routes": {...}, "auth": {...}, "statuses": {...}}
  nlohmann::json to_json() const;
};

class AdminStats {
 public:
  explicit AdminStats(std::int64_t now) { snapshot_.since = now; }
  // One answered request; `rule` is the guard's decision, empty when the guard did not run.
  void record(std::string_view method, std::string_view path, int status, std::string_view rule);
  StatsSnapshot snapshot() const;
  // Returns the counters up to now and starts again from zero at `now`, in one step, so no
  // request is counted twice or lost between a read and a reset.
  StatsSnapshot reset(std::int64_t now);

 private:
  mutable std::mutex mutex_;
  StatsSnapshot snapshot_;
};

}  // namespace swapi::server
