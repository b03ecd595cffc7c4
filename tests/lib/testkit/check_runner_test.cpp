// The check runner against an in-process target with hand-made cases: each verdict rule
// (status, challenge, 5xx, canary, no answer), order kept under parallel sending, an
// unreachable target, and --only/--skip.
#include <doctest/doctest.h>

#include <atomic>

#include "base/diagnostic.h"
#include "testkit/check_runner.h"
#include "testkit/input_error.h"
#include "tests/support/local_server.h"

using namespace swapi::testkit;
using Placement = Credentials::Placement;

namespace {

AttackCase make_case(std::string name, std::string defect, std::vector<int> expected, Credentials credentials) {
  AttackCase attack;
  attack.name = std::move(name);
  attack.defect = std::move(defect);
  attack.description = "a hand-made case";
  attack.expected = std::move(expected);
  attack.credentials = std::move(credentials);
  return attack;
}

Credentials bearer(std::string token) { return {Placement::header, "Bearer", std::move(token)}; }

// A target whose answer depends on the token text: "good" passes, "evil" is wrongly
// accepted, "bare401" lacks the challenge, "boom" is a 500, "fetch:URL" fetches URL first.
class Target {
 public:
  Target() {
    local.server().Get("/api/films/", [](const httplib::Request& request, httplib::Response& response) {
      const char* challenge = "Bearer realm=\"t\", error=\"invalid_token\", error_description=\"bad: no\"";
      if (request.get_header_value_count("Authorization") > 1) {
        response.status = 400;
        response.set_content(R"({"error":"invalid_request","error_description":"two headers"})", "application/json");
        return;
      }
      std::string auth = request.get_header_value("Authorization");
      std::string token = auth.size() > 7 ? auth.substr(7) : "";
      if (token.starts_with("fetch:")) {
        std::string url = token.substr(6);
        auto slash = url.find('/', 7);
        httplib::Client(url.substr(0, slash)).Get(url.substr(slash).c_str());
        token = "";
      }
      if (token == "good" || token == "evil") {
        response.set_content(R"({"count":6})", "application/json");
      } else if (token == "boom") {
        response.status = 500;
      } else if (token == "bare401") {
        response.status = 401;
      } else {
        response.status = 401;
        response.set_header("WWW-Authenticate", auth.empty() ? "Bearer realm=\"t\"" : challenge);
      }
    });
    local.start();
  }
  std::string url() const { return local.url("/api/films/"); }
  swapi::test::LocalServer local;
};

}  // namespace

TEST_CASE("judge: status, challenge, 5xx and canary rules") {
  swapi::http::Response ok;
  ok.status = 200;
  auto valid = make_case("valid", "valid", {200}, bearer("good"));
  CHECK(judge(valid, &ok, "", 0).ok);

  auto none = make_case("alg-none-kid", "alg-none", {401}, bearer("x"));
  auto accepted = judge(none, &ok, "", 0);
  CHECK_FALSE(accepted.ok);
  CHECK(accepted.status == 200);
  CHECK(accepted.detail == "expected 401, got 200: the token was accepted");

  swapi::http::Response bare;
  bare.status = 401;
  CHECK(judge(none, &bare, "", 0).detail == "401 without WWW-Authenticate: Bearer (RFC 6750 section 3)");
  none.challenge_required = false;
  CHECK(judge(none, &bare, "", 0).ok);

  swapi::http::Response refused;
  refused.status = 401;
  refused.headers = {{"WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"alg_not_allowed: none\""}};
  auto right = judge(none, &refused, "", 0);
  CHECK(right.ok);
  CHECK(right.detail == "invalid_token: alg_not_allowed: none");

  auto either = make_case("oversize", "oversize", {400, 401, 413, 431}, bearer("x"));
  swapi::http::Response crash;
  crash.status = 502;
  CHECK(judge(either, &crash, "", 0).detail == "server error 502");

  auto jku = make_case("jku-kid", "jku", {401}, bearer("x"));
  jku.canary_path = "/jku/jku-kid";
  auto fetched = judge(jku, &refused, "", 1);
  CHECK_FALSE(fetched.ok);
  CHECK(fetched.status == 401);
  CHECK(fetched.detail ==
        "the target fetched the URL in the token (/jku/jku-kid, 1 request) (server: invalid_token: alg_not_allowed: none)");

  auto silent = judge(valid, nullptr, "connection reset", 0);
  CHECK_FALSE(silent.ok);
  CHECK_FALSE(silent.status);
  CHECK(silent.detail == "no answer: connection reset");
}

TEST_CASE("run_check: every rule over HTTP, results in case order") {
  Target target;
  CanaryListener canary;
  std::vector<AttackCase> cases = {
      make_case("valid", "valid", {200}, bearer("good")),
      make_case("no-token", "no-token", {401}, {Placement::none, "Bearer", ""}),
      make_case("two-authorization-headers", "two-authorization-headers", {400, 401}, {Placement::two_headers, "Bearer", "good"}),
      make_case("query-token", "query-token", {400, 401}, {Placement::query, "Bearer", "good"}),
      make_case("accepted", "alg-none", {401}, bearer("evil")),
      make_case("bare", "expired", {401}, bearer("bare401")),
      make_case("boom", "malformed", {401}, bearer("boom")),
  };
  auto jku = make_case("jku-kid", "jku", {401}, bearer("fetch:" + canary.base_url() + "/jku/jku-kid"));
  jku.canary_path = "/jku/jku-kid";
  jku.canary_body = R"({"keys":[]})";
  cases.push_back(jku);
  auto quiet = make_case("jku-nokid", "jku", {401}, bearer("other"));
  quiet.canary_path = "/jku/jku-nokid";
  cases.push_back(quiet);

  std::atomic<std::size_t> calls{0};
  RunnerOptions options;
  options.progress = [&](std::size_t done, std::size_t total) {
    ++calls;
    CHECK(total == cases.size());
    CHECK(done <= total);
  };
  CheckRun run = run_check(target.url(), cases, options, &canary);
  CHECK(calls == cases.size());
  REQUIRE(run.results.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) CHECK(run.results[i].attack.name == cases[i].name);
  CHECK(run.results[0].ok);
  CHECK(run.results[1].ok);
  CHECK(run.results[2].ok);
  CHECK(run.results[2].status == 400);
  CHECK(run.results[2].detail == "invalid_request: two headers");
  CHECK(run.results[3].ok);
  CHECK(run.results[4].detail == "expected 401, got 200: the token was accepted");
  CHECK(run.results[5].detail == "401 without WWW-Authenticate: Bearer (RFC 6750 section 3)");
  CHECK(run.results[6].detail == "server error 500");
  CHECK(run.results[7].detail ==
        "the target fetched the URL in the token (/jku/jku-kid, 1 request) (server: invalid_token: bad: no)");
  CHECK(run.results[8].ok);
  CHECK(run.passed() == 5);
  CHECK(run.failed() == 4);
  auto hits = canary.hits_for("/jku/jku-kid");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].method == "GET");
}

TEST_CASE("run_check: many cases over parallel connections keep their order") {
  Target target;
  std::vector<AttackCase> cases;
  for (int i = 0; i < 60; ++i)
    cases.push_back(make_case("case-" + std::to_string(i), "d", {i % 2 ? 200 : 401}, bearer(i % 2 ? "good" : "bad")));
  RunnerOptions options;
  options.connections = 4;
  CheckRun run = run_check(target.url(), cases, options, nullptr);
  REQUIRE(run.results.size() == 60);
  for (int i = 0; i < 60; ++i) {
    CHECK(run.results[i].attack.name == "case-" + std::to_string(i));
    CHECK(run.results[i].status == (i % 2 ? 200 : 401));
  }
  CHECK(run.failed() == 0);
}

TEST_CASE("run_check: an unreachable target is one diagnostic, nothing else sent") {
  std::string url;
  {
    swapi::test::LocalServer gone;
    gone.start();
    url = gone.url("/api/films/?access_token=secret");
  }
  std::vector<AttackCase> cases = {make_case("valid", "valid", {200}, bearer("secret-token"))};
  try {
    run_check(url, cases, {}, nullptr);
    FAIL("expected a diagnostic");
  } catch (const swapi::base::Diagnostic& e) {
    CHECK(e.what_failed == "check " + url.substr(0, url.find('=') + 1) + "REDACTED");
    CHECK(e.why == "connection refused");
    CHECK(e.hint == "nothing listens there: start 'swapi serve', or point the URL argument or SWAPI_URL at your server");
  }
}

TEST_CASE("select_cases: case or defect names, did-you-mean, nothing left") {
  std::vector<AttackCase> cases = {make_case("valid", "valid", {200}, bearer("a")),
                                   make_case("alg-none-kid", "alg-none", {401}, bearer("a")),
                                   make_case("alg-none-nokid", "alg-none", {401}, bearer("a")),
                                   make_case("expired", "expired", {401}, bearer("a"))};
  auto names = [](const std::vector<AttackCase>& selected) {
    std::vector<std::string> result;
    for (const auto& attack : selected) result.push_back(attack.name);
    return result;
  };
  std::vector<std::string> none;
  std::vector<std::string> only = {"alg-none", "valid"};
  CHECK(names(select_cases(cases, only, none)) == std::vector<std::string>{"valid", "alg-none-kid", "alg-none-nokid"});
  std::vector<std::string> skip = {"alg-none-kid"};
  CHECK(names(select_cases(cases, none, skip)) == std::vector<std::string>{"valid", "alg-none-nokid", "expired"});
  std::vector<std::string> typo = {"alg-nine"};
  try {
    select_cases(cases, typo, none);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.what_failed == "--only alg-nine");
    CHECK(e.why == "no case or defect of this run has that name");
    CHECK(e.hint == "did you mean 'alg-none'?");
  }
  std::vector<std::string> all = {"valid", "alg-none", "expired"};
  CHECK_THROWS_AS(select_cases(cases, none, all), InputError);
}
