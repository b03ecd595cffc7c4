#pragma once
// `swapi serve --admin` (DESIGN.md "Scenario control"): make the issuer misbehave on command
// and count what the clients did. The routes under /_swapi/ (access: admin_access.h):
//
//   GET    /_swapi/faults          {"faults": [...], "skew": S, "extra_claims": {...}|null}
//   POST   /_swapi/faults          a fault (fault_rules.h parse_fault_spec) -> 201 {"id", ...}
//   DELETE /_swapi/faults          every fault, the skew and pending extra claims -> {"cleared": N}
//   DELETE /_swapi/faults/ID       one fault
//   POST   /_swapi/actions/rotate  {"alg"?} -> {"kid", "previous"}: a new active key, now
//   POST   /_swapi/actions/claims  {"claims": {...}, "count": N} merged into the next N tokens
//   GET    /_swapi/stats           admin_stats.h; DELETE returns the counters and resets them
//
// The server calls intercept() from its pre-routing handler (delays, statuses, and the JWKS
// bodies of body, kid and Cache-Control faults are answered there, before the route runs) and
// record() from its post-routing handler, which runs before the response is written: a client
// that has its answer finds it counted. Every change is logged.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/jwk.h"
#include "server/admin/admin_stats.h"
#include "server/admin/fault_rules.h"
#include "server/admin/request_delay.h"
#include "server/issuer/issuer.h"  // UnixClock

namespace httplib { class Server; struct Request; struct Response; }

namespace swapi::server {

// What scenario control needs from the server it runs in.
struct AdminHooks {
  // The keys an admin token must be signed by: the local keyset's public keys.
  std::function<std::vector<jose::Jwk>()> admin_keys;
  // The JWKS the issuer publishes now, as served; empty function when there is no local issuer
  // (then body, kid and Cache-Control faults have nothing to act on).
  std::function<std::string()> jwks_body;
  // Rotates the signing key now (alg empty: the active key's) and makes the server publish and
  // sign with the new set before returning {"kid": new, "previous": old}. Empty function when
  // there is no local issuer. Throws base::Diagnostic or KeysetError.
  std::function<nlohmann::json(const std::string& alg)> rotate;
  std::function<void(const std::string&)> log;
  bool loopback_shape = false;  // errors on /api in the LoopBack flavor's shape
};

class ScenarioControl {
 public:
  // real_clock: Unix seconds before any skew; steady: for fault durations; delay: how delayed
  // requests wait (default: WorkerSleepDelay holding at most 32). Tests inject all three.
  explicit ScenarioControl(AdminHooks hooks, UnixClock real_clock = system_unix_time, FaultClock steady = {},
                           std::unique_ptr<RequestDelay> delay = {});
  ~ScenarioControl();
  ScenarioControl(const ScenarioControl&) = delete;
  ScenarioControl& operator=(const ScenarioControl&) = delete;

  // The clock the issuer stamps iat/exp with and the guard checks against: real + skew.
  std::int64_t now();
  // For the token endpoint: the extra claims for this token ({} when none are pending),
  // counted against the N tokens they were asked for.
  nlohmann::json take_extra_claims();

  // Pre-routing: applies the faults matching this request. True when it has answered (a
  // status, a JWKS body); false to let the request go on (maybe after a delay).
  bool intercept(const httplib::Request& request, httplib::Response& response);
  // Post-routing: counts the answered request (not the /_swapi/ ones). rule: the guard's.
  void record(const httplib::Request& request, const httplib::Response& response, std::string_view rule);

  void register_routes(httplib::Server& http);
  // The server is stopping: every delayed request goes on now, and no new one waits.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Without --admin: every /_swapi/ path answers 404 saying how to turn scenario control on.
void register_admin_off_routes(httplib::Server& http, bool loopback_shape);

inline constexpr std::string_view kAdminPrefix = "/_swapi/";
// On every answer of an enabled /_swapi/ route, refusals included: a client tells "no such
// fault" (404 with it) from "no scenario control here" (404 without it) by a header, not by text.
inline constexpr const char* kAdminHeader = "Swapi-Scenario-Control";

}  // namespace swapi::server
