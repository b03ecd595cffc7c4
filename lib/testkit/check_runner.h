#pragma once
// `swapi check`'s engine (DESIGN.md "`swapi check`"): sends every AttackCase to one target,
// over a few keep-alive connections in parallel, and judges each answer against the token
// validation contract. Knows nothing of how the cases were made (defect_catalogue.h) nor of
// how results are printed (check_report.h).
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.h"
#include "testkit/attack_case.h"
#include "testkit/canary_listener.h"

namespace swapi::testkit {

struct CaseResult {
  AttackCase attack;
  std::optional<int> status;  // nullopt: no answer came
  bool ok = false;
  // Why the case failed ("the token was accepted"; "401 without WWW-Authenticate: Bearer"),
  // else the reason the server gave ("invalid_token: expired: ..."), else "".
  std::string detail;
  std::string server_reason;  // what the server said, for every case that got an answer
  double seconds = 0;
};

struct CheckRun {
  std::string target;
  std::vector<CaseResult> results;  // in the order the cases were given
  double seconds = 0;
  std::size_t passed() const;
  std::size_t failed() const;
};

struct RunnerOptions {
  std::string method = "GET";
  std::chrono::milliseconds timeout{10000};  // per request
  std::string ca_file;
  // Keep-alive connections used in parallel. Four keep a default run against `swapi serve`
  // well under a second on two cores without looking like a flood to a small app.
  unsigned connections = 4;
  // How long check goes on listening after the last answer when a case named a canary URL
  // that nothing fetched yet: a target may answer at once and fetch the URL from a background
  // refresh a moment later, and that fetch is as wrong as one made before answering. A correct
  // target never fetches, so a run with canary cases always waits this long.
  std::chrono::milliseconds canary_grace{500};
  // Called after each case (from worker threads, one call at a time).
  std::function<void(std::size_t done, std::size_t total)> progress;
};

// The verdict on one case (DESIGN.md): wrong when the status is not expected, when a 401
// lacks "WWW-Authenticate: Bearer" (RFC 6750 §3), when it is a 5xx, when the canary saw a
// request for the case. response is null when no answer came (then no_answer says why).
CaseResult judge(const AttackCase& attack, const http::Response* response, std::string_view no_answer,
                 std::size_t canary_hits);

// Sends the cases and judges them. The first case goes alone: when it cannot reach the target
// (refused, DNS, TLS, timeout) nothing else is sent and base::Diagnostic("check <url>", why,
// hint) is thrown, which the CLI maps to exit 3. canary may be null when no case names one.
CheckRun run_check(const std::string& target, std::span<const AttackCase> cases, const RunnerOptions& options,
                   CanaryListener* canary);

// --only / --skip: each name is a case name or a defect name (all of its cases). Keeps the
// given order. Throws InputError for a name no case carries, with "did you mean" when one is
// close, and when nothing is left to run.
std::vector<AttackCase> select_cases(std::vector<AttackCase> cases, std::span<const std::string> only,
                                     std::span<const std::string> skip);

}  // namespace swapi::testkit
