#include "server/admin/fault_rules.h"

#include <algorithm>

namespace swapi::server {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kJwksPath = "/.well-known/jwks.json";
constexpr std::string_view kDiscoveryPath = "/.well-known/openid-configuration";
constexpr std::string_view kTokenPath = "/oauth/token";

bool is_jwks_only(const FaultSpec& spec) {
  return spec.body || !spec.drop_kids.empty() || spec.cache_control;
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// A header value we put on the wire as given: no CR, LF or other control byte (RFC 9110 §5.5).
bool is_field_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}

std::optional<BodyFault> parse_body(std::string_view name) {
  if (name == "garbage") return BodyFault::garbage;
  if (name == "empty-set") return BodyFault::empty_set;
  if (name == "truncated") return BodyFault::truncated;
  return std::nullopt;
}

// The members a spec may have; anything else is a typo the user should hear of.
constexpr std::string_view kMembers[] = {"route", "path", "status", "delay_ms", "body", "drop_kid",
                                         "cache_control", "skew", "count", "for"};

}  // namespace

std::string_view route_name(FaultRoute route) noexcept {
  switch (route) {
    case FaultRoute::jwks: return "jwks";
    case FaultRoute::discovery: return "discovery";
    case FaultRoute::token: return "token";
    case FaultRoute::api: return "api";
    case FaultRoute::clock: return "clock";
  }
  return "?";
}

std::optional<FaultRoute> parse_route(std::string_view name) noexcept {
  for (auto route : {FaultRoute::jwks, FaultRoute::discovery, FaultRoute::token, FaultRoute::api, FaultRoute::clock})
    if (route_name(route) == name) return route;
  return std::nullopt;
}

std::optional<FaultRoute> route_of_path(std::string_view path) noexcept {
  if (path == kJwksPath) return FaultRoute::jwks;
  if (path == kDiscoveryPath) return FaultRoute::discovery;
  if (path == kTokenPath) return FaultRoute::token;
  if (path == "/api" || path.starts_with("/api/")) return FaultRoute::api;
  return std::nullopt;
}

std::string_view body_fault_name(BodyFault body) noexcept {
  switch (body) {
    case BodyFault::garbage: return "garbage";
    case BodyFault::empty_set: return "empty-set";
    case BodyFault::truncated: return "truncated";
  }
  return "?";
}

bool path_matches(std::string_view pattern, std::string_view path) noexcept {
  if (pattern.ends_with('*')) return path.starts_with(pattern.substr(0, pattern.size() - 1));
  return path == pattern;
}

std::variant<FaultSpec, std::string> parse_fault_spec(const nlohmann::json& body) {
  if (!body.is_object()) return std::string("the body must be a JSON object");
  for (const auto& [name, value] : body.items()) {
    (void)value;
    if (std::find(std::begin(kMembers), std::end(kMembers), name) == std::end(kMembers))
      return "unknown member '" + name + "'";
  }
  FaultSpec spec;
  auto route_member = body.find("route");
  if (route_member == body.end() || !route_member->is_string())
    return std::string("'route' is required: jwks, discovery, token, api or clock");
  auto route = parse_route(route_member->get<std::string>());
  if (!route) return "unknown route '" + route_member->get<std::string>() + "': use jwks, discovery, token, api or clock";
  spec.route = *route;

  // Integers only where counts and times are meant: 1.5 requests is a mistake, not a rounding.
  auto integer = [&](const char* name, std::int64_t min, std::int64_t max) -> std::variant<std::optional<std::int64_t>, std::string> {
    auto it = body.find(name);
    if (it == body.end()) return std::optional<std::int64_t>{};
    if (!it->is_number_integer()) return "'" + std::string(name) + "' must be an integer";
    auto value = it->get<std::int64_t>();
    if (value < min || value > max)
      return "'" + std::string(name) + "' must be between " + std::to_string(min) + " and " + std::to_string(max);
    return std::optional<std::int64_t>{value};
  };
  std::optional<std::int64_t> status, delay, skew, count, duration;
  for (auto [name, target, min, max] :
       // No 1xx: an interim answer, after which the client waits for one that never comes.
       {std::tuple{"status", &status, std::int64_t{200}, std::int64_t{599}},
        std::tuple{"delay_ms", &delay, std::int64_t{0}, std::int64_t{kMaxDelay.count()}},
        std::tuple{"skew", &skew, -kMaxSkewSeconds, kMaxSkewSeconds},
        std::tuple{"count", &count, std::int64_t{1}, std::int64_t{1} << 40},
        std::tuple{"for", &duration, std::int64_t{1}, kMaxSkewSeconds}}) {
    auto read = integer(name, min, max);
    if (auto* error = std::get_if<std::string>(&read)) return *error;
    *target = std::get<std::optional<std::int64_t>>(read);
  }
  if (status) spec.status = static_cast<int>(*status);
  if (delay) spec.delay = std::chrono::milliseconds(*delay);
  if (count) spec.count = static_cast<std::uint64_t>(*count);
  if (duration) spec.duration = std::chrono::seconds(*duration);

  if (auto it = body.find("body"); it != body.end()) {
    auto parsed = it->is_string() ? parse_body(it->get<std::string>()) : std::nullopt;
    if (!parsed) return std::string("'body' must be garbage, empty-set or truncated");
    spec.body = parsed;
  }
  if (auto it = body.find("drop_kid"); it != body.end()) {
    auto kids = it->is_array() ? *it : nlohmann::json::array({*it});
    if (kids.size() > kMaxDropKids) return "'drop_kid' names at most " + std::to_string(kMaxDropKids) + " kids";
    for (const auto& kid : kids) {
      if (!kid.is_string() || kid.get<std::string>().empty() || kid.get<std::string>().size() > kMaxSpecTextBytes)
        return "'drop_kid' must be a kid or a list of kids (each at most " + std::to_string(kMaxSpecTextBytes) + " bytes)";
      spec.drop_kids.push_back(kid.get<std::string>());
    }
  }
  if (auto it = body.find("cache_control"); it != body.end()) {
    if (!it->is_string() || !is_field_value(it->get<std::string>()) || it->get<std::string>().size() > kMaxSpecTextBytes)
      return "'cache_control' must be a header value of at most " + std::to_string(kMaxSpecTextBytes) +
             " bytes (\"\" sends none)";
    spec.cache_control = it->get<std::string>();
  }
  if (auto it = body.find("path"); it != body.end()) {
    if (spec.route != FaultRoute::api) return std::string("'path' applies to the api route only");
    std::string_view pattern = it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : "";
    // The requests this route sees are /api and /api/...: a pattern that names neither never matches.
    std::string_view base = pattern.ends_with('*') ? pattern.substr(0, pattern.size() - 1) : pattern;
    if (base != "/api" && !base.starts_with("/api/"))
      return std::string("'path' must be an /api path, or a prefix ending in '*' (/api/films*)");
    if (pattern.size() > kMaxSpecTextBytes)
      return "'path' must be an /api path, or a prefix ending in '*' (/api/films*), of at most " +
             std::to_string(kMaxSpecTextBytes) + " bytes";
    spec.path = std::string(pattern);
  }

  if (spec.route == FaultRoute::clock) {
    if (!skew) return std::string("a clock fault needs 'skew' (seconds, may be negative)");
    if (spec.status || spec.delay.count() || is_jwks_only(spec))
      return std::string("a clock fault takes only 'skew' and 'for'");
    // The skew is read by every clock reading, not by requests: a count would mean nothing.
    if (spec.count) return std::string("a clock skew lasts 'for' a duration or until cleared, not a 'count'");
    spec.skew_seconds = *skew;
    return spec;
  }
  if (skew) return std::string("'skew' applies to the clock route only");
  if (spec.status && status_has_no_body(*spec.status) && (spec.body || !spec.drop_kids.empty()))
    return std::string("a 204 or 304 answer has no body: 'body' and 'drop_kid' cannot go with it");
  if (is_jwks_only(spec) && spec.route != FaultRoute::jwks)
    return std::string("'body', 'drop_kid' and 'cache_control' apply to the jwks route only");
  if (!spec.status && spec.delay.count() == 0 && !is_jwks_only(spec))
    return std::string("the fault does nothing: give a status, a delay") +
           (spec.route == FaultRoute::jwks ? ", a body, a kid to drop or a Cache-Control value" : "");
  return spec;
}

std::string describe(const FaultSpec& spec) {
  std::string text(route_name(spec.route));
  if (spec.route == FaultRoute::api) text += " " + spec.path;
  std::vector<std::string> parts;
  if (spec.route == FaultRoute::clock)
    parts.push_back("skew " + std::string(spec.skew_seconds >= 0 ? "+" : "") + std::to_string(spec.skew_seconds) + " s");
  if (spec.status) parts.push_back("status " + std::to_string(*spec.status));
  if (spec.delay.count()) parts.push_back("delay " + std::to_string(spec.delay.count()) + " ms");
  if (spec.body) parts.push_back("body " + std::string(body_fault_name(*spec.body)));
  for (const auto& kid : spec.drop_kids) parts.push_back("drop kid " + kid);
  if (spec.cache_control)
    parts.push_back(spec.cache_control->empty() ? "no Cache-Control" : "Cache-Control '" + *spec.cache_control + "'");
  text += ":";
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? ", " : " ") + parts[i];
  if (spec.count) text += ", for the next " + plural(*spec.count, "request", "requests");
  if (spec.duration) text += std::string(spec.count ? " or" : ",") + " for " + std::to_string(spec.duration->count()) + " s";
  if (!spec.count && !spec.duration) text += ", until cleared";
  return text;
}

nlohmann::json to_json(const FaultState& fault, Clock::time_point now) {
  const FaultSpec& spec = fault.spec;
  nlohmann::json json = {{"id", fault.id}, {"route", route_name(spec.route)}, {"applied", fault.applied},
                         {"description", describe(spec)}};
  if (spec.route == FaultRoute::api) json["path"] = spec.path;
  if (spec.route == FaultRoute::clock) json["skew"] = spec.skew_seconds;
  if (spec.status) json["status"] = *spec.status;
  if (spec.delay.count()) json["delay_ms"] = spec.delay.count();
  if (spec.body) json["body"] = body_fault_name(*spec.body);
  if (!spec.drop_kids.empty()) json["drop_kid"] = spec.drop_kids;
  if (spec.cache_control) json["cache_control"] = *spec.cache_control;
  if (spec.count) json["remaining"] = *spec.count - std::min(*spec.count, fault.applied);
  if (fault.until)
    json["seconds_left"] = std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::seconds>(*fault.until - now).count());
  return json;
}

FaultBook::FaultBook(FaultClock clock, FaultNotice notice) : clock_(std::move(clock)), notice_(std::move(notice)) {
  if (!clock_) clock_ = [] { return Clock::now(); };
  if (!notice_) notice_ = [](const std::string&) {};
}

std::optional<std::uint64_t> FaultBook::add(FaultSpec spec) {
  std::lock_guard lock(mutex_);
  auto now = clock_();
  expire(now);
  if (faults_.size() >= kMaxFaults) return std::nullopt;
  FaultState fault;
  fault.id = next_id_++;
  if (spec.duration) fault.until = now + *spec.duration;
  fault.spec = std::move(spec);
  faults_.push_back(std::move(fault));
  active_.store(faults_.size(), std::memory_order_release);
  return faults_.back().id;
}

bool FaultBook::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(faults_.begin(), faults_.end(), [id](const FaultState& f) { return f.id == id; });
  if (it == faults_.end()) return false;
  faults_.erase(it);
  active_.store(faults_.size(), std::memory_order_release);
  return true;
}

std::size_t FaultBook::clear() {
  std::lock_guard lock(mutex_);
  std::size_t count = faults_.size();
  faults_.clear();
  active_.store(0, std::memory_order_release);
  return count;
}

std::vector<FaultState> FaultBook::list() {
  std::lock_guard lock(mutex_);
  expire(clock_());
  return faults_;
}

void FaultBook::expire(Clock::time_point now) {
  std::erase_if(faults_, [&](const FaultState& fault) {
    bool spent = fault.spec.count && fault.applied >= *fault.spec.count;
    bool over = fault.until && now >= *fault.until;
    if (!spent && !over) return false;
    notice_("fault #" + std::to_string(fault.id) + " ended (" + describe(fault.spec) + "): " +
            (spent ? "used up after " + plural(fault.applied, "request", "requests")
                   : "time is over after " + plural(fault.applied, "request", "requests")));
    return true;
  });
  active_.store(faults_.size(), std::memory_order_release);
}

FaultEffect FaultBook::take(FaultRoute route, std::string_view path) {
  FaultEffect effect;
  std::lock_guard lock(mutex_);
  expire(clock_());
  for (auto& fault : faults_) {
    const FaultSpec& spec = fault.spec;
    if (spec.route != route || route == FaultRoute::clock) continue;
    if (route == FaultRoute::api && !path_matches(spec.path, path)) continue;
    ++fault.applied;
    effect.ids.push_back(fault.id);
    effect.delay += spec.delay;
    if (spec.status) effect.status = spec.status;  // oldest first: the newest wins
    if (spec.body) effect.body = spec.body;
    if (spec.cache_control) effect.cache_control = spec.cache_control;
    effect.drop_kids.insert(effect.drop_kids.end(), spec.drop_kids.begin(), spec.drop_kids.end());
  }
  // A fault used up by this request ends now, so `fault list` never shows "0 remaining".
  expire(clock_());
  return effect;
}

std::int64_t FaultBook::skew() {
  std::lock_guard lock(mutex_);
  expire(clock_());
  for (auto it = faults_.rbegin(); it != faults_.rend(); ++it)
    if (it->spec.route == FaultRoute::clock) return it->spec.skew_seconds;
  return 0;
}

}  // namespace swapi::server
