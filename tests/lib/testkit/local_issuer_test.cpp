// The defaults the client commands share with `swapi serve`: iss/aud from flags, else the
// recorded ones, else the documented defaults; the keyset's active key; the route's scope.
#include <doctest/doctest.h>

#include "jose/jws.h"
#include "state/state_dir.h"
#include "testkit/call_token.h"
#include "testkit/input_error.h"
#include "testkit/local_issuer.h"
#include "tests/support/server_process.h"

using namespace swapi::testkit;

TEST_CASE("route_scopes: read:{res} for GET and HEAD, write:{res} otherwise, none off /api/{res}") {
  CHECK(route_scopes("GET", "http://h/api/films/") == std::vector<std::string>{"read:films"});
  CHECK(route_scopes("HEAD", "http://h/api/people/1/?x=1") == std::vector<std::string>{"read:people"});
  CHECK(route_scopes("POST", "http://h/api/people") == std::vector<std::string>{"write:people"});
  CHECK(route_scopes("DELETE", "http://h/api/people/3") == std::vector<std::string>{"write:people"});
  CHECK(route_scopes("GET", "http://h/api/").empty());
  CHECK(route_scopes("GET", "http://h/healthz").empty());
  CHECK(route_scopes("GET", "not a url").empty());
}

TEST_CASE("open_local_issuer: flags, else what serve recorded, else the defaults; the keyset is created once") {
  swapi::test::TempDir dir;
  LocalIssuerInputs inputs;
  inputs.state_dir = dir.file("state");
  auto first = open_local_issuer(inputs, 1767225600);
  CHECK(first.issuer == "http://127.0.0.1:8080/");
  CHECK(first.audience == "https://starwarsapi.com");
  CHECK(first.signing_key.is_private);
  REQUIRE(first.public_keys.size() == 1);
  CHECK(first.public_keys[0].kid == first.signing_key.kid);
  CHECK_FALSE(first.public_keys[0].is_private);

  swapi::server::record_defaults(inputs.state_dir, {"http://127.0.0.1:41000/", {"https://api.test", "https://b.test"}});
  auto recorded = open_local_issuer(inputs, 1767225600);
  CHECK(recorded.issuer == "http://127.0.0.1:41000/");
  CHECK(recorded.audience == "https://api.test");
  CHECK(recorded.signing_key.kid == first.signing_key.kid);  // the same keyset, not a new one

  inputs.issuer = "https://tenant.test/";
  inputs.audience = "https://other.test";
  auto flagged = open_local_issuer(inputs, 1767225600);
  CHECK(flagged.issuer == "https://tenant.test/");
  CHECK(flagged.audience == "https://other.test");
}

TEST_CASE("make_call_token: a good token for --scope, a catalogue case for --defect, did-you-mean otherwise") {
  swapi::test::TempDir dir;
  CallTokenRequest request;
  request.issuer.state_dir = dir.file("state");
  request.method = "GET";
  request.url = "http://127.0.0.1:8080/api/films/";
  request.now = 1767225600;
  auto good = make_call_token(request);
  CHECK(good.case_name == "valid");
  CHECK(good.credentials.scheme == "Bearer");
  auto claims = nlohmann::json::parse(swapi::jose::parse_compact(good.credentials.token).payload);
  CHECK(claims["scope"] == "read:films");  // what the route needs
  CHECK(claims["iss"] == "http://127.0.0.1:8080/");
  CHECK(claims["exp"] == 1767225600 + 3600);

  request.defect = "alg-none-upper-kid";
  auto none = make_call_token(request);
  CHECK(none.case_name == "alg-none-upper-kid");
  CHECK(none.expected == std::vector<int>{401});
  CHECK(swapi::jose::parse_compact(none.credentials.token).header["alg"] == "NONE");

  request.defect = "no-token";
  CHECK(make_call_token(request).credentials.placement == Credentials::Placement::none);

  request.defect = "expird";
  try {
    make_call_token(request);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.what_failed == "call --defect expird");
    CHECK(e.hint == "did you mean 'expired'?");
  }
}
