#include "testkit/check_runner.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "base/closest_match.h"
#include "base/diagnostic.h"
#include "http/error.h"
#include "testkit/answer_reason.h"
#include "testkit/attack_request.h"
#include "testkit/defect_catalogue.h"
#include "testkit/input_error.h"
#include "testkit/transport_error.h"

namespace swapi::testkit {

namespace {

bool contains(const std::vector<int>& statuses, int status) {
  return std::find(statuses.begin(), statuses.end(), status) != statuses.end();
}

bool any_success(const std::vector<int>& statuses) {
  return std::any_of(statuses.begin(), statuses.end(), [](int s) { return s >= 200 && s < 300; });
}

http::Options request_options(const RunnerOptions& options) {
  http::Options http_options;
  http_options.connect_timeout = options.timeout;
  http_options.total_timeout = options.timeout;
  http_options.ca_file = options.ca_file;
  // The answers are small error bodies or one page of JSON; a target that streams more is
  // not worth reading to the end.
  http_options.max_response_bytes = 1u << 20;
  return http_options;
}

struct Sent {
  std::optional<http::Response> response;
  std::optional<http::Error> error;
  http::Request request;
  double seconds = 0;
};

Sent send_case(http::Client& client, const std::string& target, const AttackCase& attack,
               const RunnerOptions& options) {
  Sent sent;
  sent.request.method = options.method;
  sent.request.url = target;
  present(attack.credentials, sent.request);
  auto start = std::chrono::steady_clock::now();
  try {
    sent.response = client.send(sent.request, request_options(options));
  } catch (const http::Error& e) {
    sent.error = e;
  }
  sent.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sent;
}

}  // namespace

std::size_t CheckRun::passed() const {
  return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) { return r.ok; }));
}
std::size_t CheckRun::failed() const { return results.size() - passed(); }

CaseResult judge(const AttackCase& attack, const http::Response* response, std::string_view no_answer,
                 std::size_t canary_hits) {
  CaseResult result;
  result.attack = attack;
  std::vector<std::string> wrong;
  if (!response) {
    wrong.push_back("no answer: " + std::string(no_answer));
  } else {
    int status = static_cast<int>(response->status);
    result.status = status;
    result.server_reason = answer_reason(*response);
    if (status >= 500) {
      wrong.push_back("server error " + std::to_string(status));
    } else if (!contains(attack.expected, status)) {
      std::string line = "expected " + statuses_text(attack.expected) + ", got " + std::to_string(status);
      if (status >= 200 && status < 300 && !any_success(attack.expected)) line += ": the token was accepted";
      wrong.push_back(line);
    }
    if (status == 401 && attack.challenge_required && !has_bearer_challenge(*response))
      wrong.push_back("401 without WWW-Authenticate: Bearer (RFC 6750 section 3)");
  }
  if (canary_hits > 0 && attack.canary_path) {
    wrong.push_back("the target fetched the URL in the token (" + *attack.canary_path + ", " +
                    std::to_string(canary_hits) + (canary_hits == 1 ? " request)" : " requests)"));
  }
  result.ok = wrong.empty();
  if (result.ok) {
    result.detail = result.server_reason;
  } else {
    for (std::size_t i = 0; i < wrong.size(); ++i) result.detail += (i ? "; " : "") + wrong[i];
    if (!result.server_reason.empty()) result.detail += " (server: " + result.server_reason + ")";
  }
  return result;
}

CheckRun run_check(const std::string& target, std::span<const AttackCase> cases, const RunnerOptions& options,
                   CanaryListener* canary) {
  CheckRun run;
  run.target = target;
  if (cases.empty()) return run;
  if (canary) {
    for (const auto& attack : cases)
      if (attack.canary_path)
        canary->serve(*attack.canary_path, attack.canary_body,
                      attack.canary_content_type.empty() ? "application/json" : attack.canary_content_type);
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<Sent> sent(cases.size());
  std::mutex progress_mutex;
  std::size_t done = 0;
  auto finished = [&] {
    if (!options.progress) return;
    std::lock_guard lock(progress_mutex);
    options.progress(++done, cases.size());
  };

  // The first case alone: an unreachable target is one error, not one per case.
  {
    http::Client client;
    sent[0] = send_case(client, target, cases[0], options);
    if (sent[0].error && target_unreachable(*sent[0].error)) {
      const auto& error = *sent[0].error;
      throw base::Diagnostic("check " + redacted_url(target), transport_reason(error, sent[0].request, options.timeout),
                             transport_hint(error, sent[0].request, "the URL argument or SWAPI_URL"));
    }
    finished();
  }

  std::atomic<std::size_t> next{1};
  auto worker = [&] {
    http::Client client;  // one keep-alive connection per worker
    for (std::size_t i = next++; i < cases.size(); i = next++) {
      sent[i] = send_case(client, target, cases[i], options);
      finished();
    }
  };
  unsigned workers = std::max(1u, std::min<unsigned>(options.connections, static_cast<unsigned>(cases.size() - 1)));
  std::vector<std::thread> threads;
  for (unsigned i = 0; i + 1 < workers; ++i) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();

  if (canary) {
    std::vector<std::string> paths;
    for (const auto& attack : cases)
      if (attack.canary_path) paths.push_back(*attack.canary_path);
    if (!paths.empty()) canary->wait_for_hits(paths, std::chrono::steady_clock::now() + options.canary_grace);
  }

  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& attack = cases[i];
    std::size_t hits = canary && attack.canary_path ? canary->hits_for(*attack.canary_path).size() : 0;
    std::string no_answer = sent[i].error ? transport_reason(*sent[i].error, sent[i].request, options.timeout) : "";
    CaseResult result = judge(attack, sent[i].response ? &*sent[i].response : nullptr, no_answer, hits);
    result.seconds = sent[i].seconds;
    run.results.push_back(std::move(result));
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

std::vector<AttackCase> select_cases(std::vector<AttackCase> cases, std::span<const std::string> only,
                                     std::span<const std::string> skip) {
  std::vector<std::string> names;
  std::set<std::string, std::less<>> known;
  for (const auto& attack : cases) {
    for (const std::string* name : {&attack.defect, &attack.name}) {
      if (known.insert(*name).second) names.push_back(*name);
    }
  }
  auto check_known = [&](const std::string& name, const char* option) {
    if (known.count(name)) return;
    std::string hint = "'swapi token defects' lists the defects; a case name is a defect name plus its variant";
    if (auto guess = base::closest_match(name, names)) hint = "did you mean '" + *guess + "'?";
    throw InputError(std::string(option) + " " + name, "no case or defect of this run has that name", hint);
  };
  for (const auto& name : only) check_known(name, "--only");
  for (const auto& name : skip) check_known(name, "--skip");
  auto named = [](std::span<const std::string> list, const AttackCase& attack) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& name) { return name == attack.name || name == attack.defect; });
  };
  std::vector<AttackCase> selected;
  for (auto& attack : cases) {
    if (!only.empty() && !named(only, attack)) continue;
    if (named(skip, attack)) continue;
    selected.push_back(std::move(attack));
  }
  if (selected.empty()) throw InputError("check", "--only and --skip leave no case to run");
  return selected;
}

}  // namespace swapi::testkit
