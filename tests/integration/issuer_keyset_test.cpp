// The keyset `swapi serve` starts from, against the real binary: whatever the store writes
// (private keys, public keys, HMAC secrets side by side) it serves from, yet it publishes only
// public halves of asymmetric keys and trusts no secret it was not explicitly given.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "jose/keygen.h"
#include "state/keyset_store.h"
#include "tests/server/auth/auth_test_tokens.h"
#include "tests/support/server_process.h"

using swapi::test::read_file;
using swapi::test::ServerProcess;
using swapi::test::TempDir;
namespace jose = swapi::jose;

TEST_CASE("issuer: a keyset holding a public key beside an HMAC secret serves, publishing neither the secret nor a private member") {
  TempDir temp;
  std::string home = temp.file("state");
  jose::Jwk public_only = jose::public_part(jose::generate_key(jose::Alg::ES256));
  jose::Jwk secret = jose::generate_key(jose::Alg::HS256);
  auto keyset = swapi::server::update_keyset(home, 0, [&](swapi::server::Keyset& keys) {
    keys.add(public_only, 0);
    keys.add(secret, 0);
    keys.add(jose::generate_key(jose::Alg::EdDSA), 0);
  });
  REQUIRE(keyset.keys().size() == 4);

  // Before: "keyset .../keys.json: corrupt: key 3 (...): an HMAC secret in a set that also holds
  // public keys", exit 3, and no `swapi keys` edit could load the file to repair it.
  ServerProcess server({}, {{"SWAPI_HOME", home}});
  auto res = server.client().Get("/.well-known/jwks.json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  auto jwks = nlohmann::json::parse(res->body);
  std::set<std::string> kids;
  for (const auto& key : jwks["keys"]) {
    kids.insert(key["kid"].get<std::string>());
    CHECK(key["kty"] != "oct");
    for (const char* member : {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}) {
      CAPTURE(member);
      CHECK_FALSE(key.contains(member));
    }
  }
  CHECK(kids.size() == 3);
  CHECK(kids.count(public_only.kid) == 1);
  CHECK(kids.count(secret.kid) == 0);
  CHECK(res->body.find(jose::to_json(secret, true)["k"].get<std::string>()) == std::string::npos);

  // The secret in the keyset is not an explicitly configured one (DESIGN: HMAC only from
  // --jwks-file): a token it signs is refused, whatever its kid says.
  auto claims = swapi::test::good_claims(server.base_url() + "/", swapi::test::unix_now());
  auto forged = server.client().Get("/api/films/1/", swapi::test::bearer(swapi::test::mint(secret, claims)));
  REQUIRE(forged);
  CHECK(forged->status == 401);
  CHECK(forged->get_header_value("WWW-Authenticate").find("error=\"invalid_token\"") != std::string::npos);

  // The issuer still signs with the active RS256 key, and its tokens open /api.
  auto clients = nlohmann::json::parse(read_file(home + "/clients.json"));
  auto client = server.client();
  client.set_basic_auth("swapi-cli", clients["clients"][0]["client_secret"].get<std::string>());
  auto granted = client.Post("/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded");
  REQUIRE(granted);
  REQUIRE(granted->status == 200);
  auto token = nlohmann::json::parse(granted->body)["access_token"].get<std::string>();
  auto films = server.client().Get("/api/films/1/", swapi::test::bearer(token));
  REQUIRE(films);
  CHECK(films->status == 200);
}
