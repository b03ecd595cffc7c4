#pragma once
// The fault rules of scenario control (DESIGN.md "Scenario control"), without HTTP: what a
// fault is, which requests it matches, and when it ends. Pure logic on an injected clock, so
// "the next 3 requests" and "for 60 s" are unit-tested exactly.
//
// A fault targets one route family (the JWKS, discovery, the token endpoint, /api paths that
// match a pattern) or the clock. It lasts for `count` matching requests, for a duration, both
// (whichever ends first), or until cleared. A request that matches several faults gets all of
// their effects: delays add up, the newest fault's status / body / Cache-Control wins, dropped
// kids accumulate; each fault counts the request once.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace swapi::server {

enum class FaultRoute { jwks, discovery, token, api, clock };

std::string_view route_name(FaultRoute route) noexcept;
std::optional<FaultRoute> parse_route(std::string_view name) noexcept;

// The route family a request path belongs to, or nullopt (health, OpenAPI, /_swapi/ itself).
std::optional<FaultRoute> route_of_path(std::string_view path) noexcept;

// 204 and 304 answers carry no body (RFC 9110 §15.3.5, §15.4.5): a fault with either status
// sends none, or the client would read the body as the start of the next response.
constexpr bool status_has_no_body(int status) noexcept { return status == 204 || status == 304; }

// What a JWKS body fault serves instead of the published set.
enum class BodyFault { garbage, empty_set, truncated };
std::string_view body_fault_name(BodyFault body) noexcept;

// What was asked for (POST /_swapi/faults, `swapi fault ...`).
struct FaultSpec {
  FaultRoute route = FaultRoute::jwks;
  std::string path = "/api*";           // api: exact path, or a prefix ending in '*'
  std::optional<int> status;            // answer this status (200-599) instead
  std::chrono::milliseconds delay{0};   // wait this long before answering
  std::optional<BodyFault> body;        // jwks only
  std::vector<std::string> drop_kids;   // jwks only: leave these keys out of the set
  std::optional<std::string> cache_control;  // jwks only: "" = no Cache-Control header at all
  std::int64_t skew_seconds = 0;        // clock only: added to the issuer's and the guard's now
  std::optional<std::uint64_t> count;   // this many matching requests; nullopt = no limit
  std::optional<std::chrono::seconds> duration;  // for this long from now; nullopt = no limit
};

// Limits that keep a scenario from hurting the machine it runs on.
inline constexpr std::chrono::milliseconds kMaxDelay = std::chrono::minutes(10);
inline constexpr std::int64_t kMaxSkewSeconds = 10LL * 365 * 86400;
inline constexpr std::size_t kMaxFaults = 64;
inline constexpr std::size_t kMaxDropKids = 16;       // per fault
inline constexpr std::size_t kMaxSpecTextBytes = 256;  // a kid, a Cache-Control value, a path

// The JSON body of POST /_swapi/faults as a spec:
//   {"route": "jwks", "status": 503, "delay_ms": 2000, "body": "garbage" | "empty-set" |
//    "truncated", "drop_kid": "KID" | ["KID", ...], "cache_control": "no-store",
//    "path": "/api/films*", "skew": 3600, "count": 3, "for": 60}
// Returns the spec, or the sentence saying what is wrong (the route answers 400 with it).
std::variant<FaultSpec, std::string> parse_fault_spec(const nlohmann::json& body);

// A fault as listed: its id, what it does, and how much of it is left.
struct FaultState {
  std::uint64_t id = 0;
  FaultSpec spec;
  std::uint64_t applied = 0;  // requests it has acted on
  std::optional<std::chrono::steady_clock::time_point> until;
};

// The effects for one request, merged from every fault it matched.
struct FaultEffect {
  std::vector<std::uint64_t> ids;  // the faults that acted, oldest first
  std::optional<int> status;
  std::chrono::milliseconds delay{0};
  std::optional<BodyFault> body;
  std::vector<std::string> drop_kids;
  std::optional<std::string> cache_control;
  bool any() const noexcept { return !ids.empty(); }
};

// "jwks: status 503, for the next 3 requests" — the sentence the log and `fault list` show.
std::string describe(const FaultSpec& spec);
nlohmann::json to_json(const FaultState& fault, std::chrono::steady_clock::time_point now);

// Whether path matches an api fault's pattern: exact, or a prefix when it ends in '*'.
bool path_matches(std::string_view pattern, std::string_view path) noexcept;

using FaultClock = std::function<std::chrono::steady_clock::time_point()>;
// Told about every change a fault goes through by itself (used up, expired), for the log.
using FaultNotice = std::function<void(const std::string&)>;

// The active faults. Thread-safe: every request thread asks take(), admin requests edit.
class FaultBook {
 public:
  explicit FaultBook(FaultClock clock = {}, FaultNotice notice = {});

  // Adds a fault and returns its id (1, 2, ...; never reused). nullopt when kMaxFaults are
  // active already.
  std::optional<std::uint64_t> add(FaultSpec spec);
  // Removes one; false when no such fault is active.
  bool remove(std::uint64_t id);
  // Removes every fault; returns how many there were.
  std::size_t clear();
  std::vector<FaultState> list();

  // The effects for one request of `route` at `path`, counted against each fault that matched
  // (a fault whose count is spent or whose time is over is dropped first, and noticed).
  FaultEffect take(FaultRoute route, std::string_view path);
  // The clock skew in force now (the newest active clock fault), in seconds; 0 when none.
  // Does not count as a use: a skew lasts for its duration or until cleared.
  std::int64_t skew();

  // True while any fault is active: the request path asks this (one atomic load) first.
  bool empty() const noexcept { return active_.load(std::memory_order_acquire) == 0; }

 private:
  void expire(std::chrono::steady_clock::time_point now);  // with mutex_ held

  FaultClock clock_;
  FaultNotice notice_;
  std::mutex mutex_;
  std::vector<FaultState> faults_;  // oldest first
  std::uint64_t next_id_ = 1;
  std::atomic<std::size_t> active_{0};
};

}  // namespace swapi::server
