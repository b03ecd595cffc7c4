// `swapi check` must be able to fail: against resource servers written for the tests, each
// correct but for one deliberately weakened rule (tests/support/flawed_resource_server.h), the
// real binary reports exactly the cases of that rule, and no others.
#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "state/keyset_store.h"
#include "tests/server/auth/auth_test_tokens.h"
#include "tests/support/flawed_resource_server.h"
#include "tests/support/server_process.h"

using namespace swapi;
using namespace swapi::test;
using json = nlohmann::json;

namespace {

const std::string kFlawedIssuer = "https://issuer.flawed.test/";

struct Outcome {
  int exit_code;
  std::set<std::string> wrong;  // names of the cases reported wrong
  json report;
};

// Runs `swapi check URL --json` with a fresh state dir whose keyset the flawed server trusts.
Outcome check_against(Flaw flaw) {
  TempDir home;
  auto keyset = server::open_keyset(home.path().string(), unix_now());
  FlawedResourceServer target({keyset.public_keys(), kFlawedIssuer, std::string(kTestAudience), "read:films", flaw});
  auto r = run_swapi({"check", target.url(), "--iss", kFlawedIssuer, "--aud", std::string(kTestAudience), "--json"},
                     {{"SWAPI_HOME", home.path().string()}});
  INFO("stderr: " << r.err);
  Outcome outcome{r.exit_code, {}, json::parse(r.out)};
  for (const auto& item : outcome.report["cases"])
    if (!item["ok"].get<bool>()) outcome.wrong.insert(item["name"].get<std::string>());
  return outcome;
}

std::set<std::string> names_of(const json& report, const std::string& defect) {
  std::set<std::string> names;
  for (const auto& item : report["cases"])
    if (item["defect"] == defect) names.insert(item["name"].get<std::string>());
  return names;
}

}  // namespace

TEST_CASE("check vs flawed servers: the same server without a flaw passes every case") {
  auto outcome = check_against(Flaw::none);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.wrong.empty());
  CHECK(outcome.report["cases"].size() > 50);
}

TEST_CASE("check vs flawed servers: accepting alg none fails the eight alg-none cases, only them") {
  auto outcome = check_against(Flaw::accepts_alg_none);
  CHECK(outcome.exit_code == 1);
  std::set<std::string> expected = {"alg-none-lower-kid", "alg-none-lower-nokid", "alg-none-capitalized-kid",
                                    "alg-none-capitalized-nokid", "alg-none-upper-kid", "alg-none-upper-nokid",
                                    "alg-none-mixed-kid", "alg-none-mixed-nokid"};
  CHECK(outcome.wrong == expected);
  CHECK(names_of(outcome.report, "alg-none") == expected);
  for (const auto& item : outcome.report["cases"]) {
    if (item["defect"] != "alg-none") continue;
    CHECK(item["status"] == 200);
    CHECK(item["detail"] == "expected 401, got 200: the token was accepted");
  }
}

TEST_CASE("check vs flawed servers: ignoring aud fails wrong-aud and no-aud, only them") {
  auto outcome = check_against(Flaw::ignores_aud);
  CHECK(outcome.exit_code == 1);
  CHECK(outcome.wrong == std::set<std::string>{"wrong-aud", "no-aud"});
}

TEST_CASE("check vs flawed servers: ignoring exp fails expired and no-exp, only them") {
  auto outcome = check_against(Flaw::ignores_exp);
  CHECK(outcome.exit_code == 1);
  CHECK(outcome.wrong == std::set<std::string>{"expired", "no-exp"});
}

TEST_CASE("check vs flawed servers: checking no scope fails missing-scope, only it") {
  auto outcome = check_against(Flaw::skips_scope_check);
  CHECK(outcome.exit_code == 1);
  CHECK(outcome.wrong == std::set<std::string>{"missing-scope"});
}

TEST_CASE("check vs flawed servers: trusting an embedded jwk fails both embedded-jwk cases, only them") {
  auto outcome = check_against(Flaw::trusts_embedded_jwk);
  CHECK(outcome.exit_code == 1);
  CHECK(outcome.wrong == std::set<std::string>{"embedded-jwk-kid", "embedded-jwk-nokid"});
}

TEST_CASE("check vs flawed servers: fetching jku fails both jku cases, for the fetch and the 200") {
  auto outcome = check_against(Flaw::fetches_jku);
  CHECK(outcome.exit_code == 1);
  CHECK(outcome.wrong == std::set<std::string>{"jku-kid", "jku-nokid"});
  for (const auto& item : outcome.report["cases"]) {
    if (item["defect"] != "jku") continue;
    CHECK(item["status"] == 200);  // the canary served the attacker's key, so the forgery verified
    std::string detail = item["detail"];
    CHECK(detail.find("expected 401, got 200: the token was accepted") == 0);
    CHECK(detail.find("; the target fetched the URL in the token (/" + item["name"].get<std::string>() + ".json, 1 request)") !=
          std::string::npos);
  }
}
