// The default set-up a user gets with no flags: `swapi serve` trusts its own local keyset and
// issuer, so a token from POST /oauth/token (or signed with the keyset's key) works.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"

using namespace swapi;
using namespace swapi::test;

namespace {

// The default client's credentials from the state dir (server/client_registry.h format).
std::pair<std::string, std::string> default_client(const ServerProcess& server) {
  auto clients = nlohmann::json::parse(read_file(server.home() + "/clients.json"));
  const auto& client = clients["clients"][0];
  return {client["client_id"].get<std::string>(), client["client_secret"].get<std::string>()};
}

// The keyset's active private key (server/keyset_store.h format: a private JWKS).
jose::Jwk active_key(const ServerProcess& server) {
  auto load = jose::parse_jwks(read_file(server.home() + "/keys.json"));
  REQUIRE(load.keys.size() == 1);
  return load.keys.front();
}

}  // namespace

TEST_CASE("auth issuer: a token from POST /oauth/token opens the API") {
  ServerProcess server;
  auto [id, secret] = default_client(server);
  auto client = server.client();
  auto res = client.Post("/oauth/token", "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret +
                                             "&scope=read:films",
                         "application/x-www-form-urlencoded");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  std::string token = nlohmann::json::parse(res->body)["access_token"];
  auto films = client.Get("/api/films/1/", bearer(token));
  REQUIRE(films);
  CHECK(films->status == 200);
  auto people = client.Get("/api/people/1/", bearer(token));
  REQUIRE(people);
  CHECK(people->status == 403);  // only the scope that was asked for
}

TEST_CASE("auth issuer: the default issuer is the server's own URL with a slash") {
  ServerProcess server;
  jose::Jwk key = active_key(server);
  auto claims = good_claims(server.base_url() + "/", unix_now());
  CHECK(server.client().Get("/api/films/1/", bearer(mint(key, claims)))->status == 200);
  claims["iss"] = server.base_url();
  auto res = server.client().Get("/api/films/1/", bearer(mint(key, claims)));
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(rule_of(res) == "wrong_iss");
  CHECK(output_contains(server, "auth: JWT required: iss " + server.base_url() + "/, aud https://starwarsapi.com, algs RS256; keys: local keyset, 1 key (RS256)"));
}

TEST_CASE("auth issuer: HS256 signed with the local keyset's RSA public key is refused") {
  ServerProcess server;
  auto pub = jose::public_part(active_key(server));
  jose::Jwk secret;
  secret.type = jose::KeyType::oct;
  secret.alg = jose::Alg::HS256;
  secret.secret = jose::export_pem(pub, false);
  secret.is_private = true;
  nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", pub.kid}};
  std::string token = jose::sign_compact(header, good_claims(server.base_url() + "/", unix_now()).dump(), secret);
  auto res = server.client().Get("/api/films/1/", bearer(token));
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(rule_of(res) == "alg_not_allowed");
}

TEST_CASE("auth issuer: --issuer overrides the expected iss") {
  ServerProcess server({"--issuer", "https://tenant.example/"});
  jose::Jwk key = active_key(server);
  CHECK(server.client().Get("/api/films/1/", bearer(mint(key, good_claims("https://tenant.example/", unix_now()))))->status == 200);
  CHECK(server.client().Get("/api/films/1/", bearer(mint(key, good_claims(server.base_url() + "/", unix_now()))))->status == 401);
}
