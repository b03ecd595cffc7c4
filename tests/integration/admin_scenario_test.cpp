// The proof that scenario control is useful (issue 13): a second `swapi serve` trusting the
// first's JWKS (--jwks-uri) keeps serving with its last good keys while the first answers 503
// or garbage, picks up a rotation after one refetch, and refuses a dropped kid once its cache
// expires, every step asserted with exact JWKS fetch counts from `swapi stats` on the first.
#include <doctest/doctest.h>

#include "tests/integration/admin_test_support.h"

using namespace swapi;
using namespace swapi::test;

TEST_CASE("scenario: an app on --jwks-uri rides out 503 and garbage, follows a rotation, drops a retired kid") {
  ServerProcess issuer({"--admin"});
  // The app caches a set whose response has no Cache-Control for 3 s (--jwks-max-age); the
  // issuer's own answers say max-age=300, so the app only refetches when the test makes it.
  ServerProcess app({"--jwks-uri", issuer.base_url() + "/.well-known/jwks.json", "--issuer", issuer.base_url() + "/",
                     "--jwks-max-age", "3"});
  auto films = [&](const std::string& token) {
    auto res = app.client().Get("/api/films/1/", bearer(token));
    REQUIRE(res);
    return res->status;
  };
  auto fault = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"fault", "jwks"});
    auto result = swapi_at(issuer, args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
  };
  // A token whose kid the app has never seen makes it refetch at once (rate-limited).
  std::string unknown_kid =
      mint(rsa_key(), good_claims(issuer.base_url() + "/", unix_now()), {{"kid", "not-published-anywhere"}});

  std::string t1 = issued_token(issuer);
  std::string k1 = header_of(t1)["kid"];
  CHECK(films(t1) == 200);
  auto start = cli_stats(issuer, /*reset=*/true);
  CHECK(start["jwks_fetches"] == 1);  // the app's first fetch, before it listened

  // 1. The issuer answers 503 once: the app keeps its last good keys, retries 1 s later.
  fault({"--status", "503", "--count", "1"});
  CHECK(films(unknown_kid) == 401);  // the refetch it caused got the 503
  CHECK(films(t1) == 200);
  REQUIRE(eventually([&] { return cli_stats(issuer)["jwks_fetches"] == 2; }));
  CHECK(films(t1) == 200);
  auto outage = cli_stats(issuer, true);
  CHECK(outage["jwks_fetches"] == 2);
  CHECK(outage["statuses"] == nlohmann::json{{"200", 1}, {"503", 1}});

  // 2. Garbage once: the same.
  fault({"--body", "garbage", "--count", "1"});
  CHECK(films(unknown_kid) == 401);
  CHECK(films(t1) == 200);
  REQUIRE(eventually([&] { return cli_stats(issuer)["jwks_fetches"] == 2; }));
  CHECK(films(t1) == 200);
  CHECK(cli_stats(issuer, true)["jwks_fetches"] == 2);

  // 3. A rotation: the first token of the new key makes the app refetch once, and it passes.
  //    That answer carries no Cache-Control, so the app keeps it for its own 3 s.
  fault({"--cache-control", "none", "--count", "1"});
  auto rotated = swapi_at(issuer, {"keys", "rotate", "--now"});
  REQUIRE(rotated.exit_code == 0);
  std::string t2 = issued_token(issuer);
  CHECK(header_of(t2)["kid"] != k1);
  CHECK(films(t2) == 200);
  CHECK(films(t1) == 200);  // the old key stays published
  auto rotation = cli_stats(issuer, true);
  CHECK(rotation["jwks_fetches"] == 1);

  // 4. The issuer drops the old kid: the app trusts it until its cache expires (3 s), then
  //    refreshes on schedule and refuses it (one more refetch, asked by the refused token).
  fault({"--drop-kid", k1});
  CHECK(films(t1) == 200);
  REQUIRE(eventually([&] { return films(t1) == 401; }));
  CHECK(films(t2) == 200);
  auto dropped = cli_stats(issuer);
  CHECK(dropped["jwks_fetches"] == 2);
  CHECK(dropped["token_requests"] == 0);
}
