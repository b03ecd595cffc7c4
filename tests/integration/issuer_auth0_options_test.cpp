// The issuer's Auth0 habits, against the real binary: a token lifetime option, RBAC's
// "permissions" claim, RFC 8414 metadata and /openapi.json's oauth2 clientCredentials scheme
// with the issuer's routes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "jose/jws.h"
#include "tests/integration/issuer_client.h"
#include "tests/support/server_process.h"

using swapi::test::ServerProcess;
using namespace swapi::test::issuer_client;

namespace {

// The access token POST /oauth/token issues for `form`, and its claims (decoded, not
// verified: issuer_test.cpp verifies the signature).
std::pair<nlohmann::json, nlohmann::json> issue(const ServerProcess& server, const std::string& form) {
  auto res = post_token(server, form);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  auto body = nlohmann::json::parse(res->body);
  auto claims = nlohmann::json::parse(swapi::jose::parse_compact(body["access_token"].get<std::string>()).payload);
  return {body, claims};
}

}  // namespace

TEST_CASE("issuer: tokens live 86400 s by default, --token-ttl sets the lifetime") {
  ServerProcess standard;
  auto [body, claims] = issue(standard, credentials_form(standard));
  CHECK(body["expires_in"] == 86400);
  CHECK(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>() == 86400);
  CHECK_FALSE(claims.contains("permissions"));

  ServerProcess short_lived({"--token-ttl", "15m"});
  auto [short_body, short_claims] = issue(short_lived, credentials_form(short_lived));
  CHECK(short_body["expires_in"] == 900);
  CHECK(short_claims["exp"].get<std::int64_t>() - short_claims["iat"].get<std::int64_t>() == 900);
}

TEST_CASE("issuer: --permissions-claim adds Auth0 RBAC's permissions array, the granted scopes") {
  ServerProcess server({"--permissions-claim"});
  auto [body, claims] = issue(server, credentials_form(server, "&scope=read:films%20read:people"));
  CHECK(claims["scope"] == "read:films read:people");
  CHECK(claims["permissions"] == nlohmann::json::array({"read:films", "read:people"}));
  auto discovery = nlohmann::json::parse(server.client().Get("/.well-known/openid-configuration")->body);
  CHECK(std::find(discovery["claims_supported"].begin(), discovery["claims_supported"].end(), "permissions") !=
        discovery["claims_supported"].end());
  // The resource server reads permissions as scopes too (DESIGN.md "Scopes").
  auto films = server.client().Get("/api/films/1/", swapi::test::bearer(body["access_token"]));
  REQUIRE(films);
  CHECK(films->status == 200);
}

TEST_CASE("issuer: /.well-known/oauth-authorization-server is RFC 8414 metadata without an authorization_endpoint") {
  ServerProcess server;
  auto res = server.client().Get("/.well-known/oauth-authorization-server");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  auto metadata = nlohmann::json::parse(res->body);
  CHECK(metadata["issuer"] == server.base_url() + "/");
  CHECK(metadata["token_endpoint"] == server.base_url() + "/oauth/token");
  CHECK(metadata["jwks_uri"] == server.base_url() + "/.well-known/jwks.json");
  CHECK(metadata["grant_types_supported"] == nlohmann::json::array({"client_credentials"}));
  CHECK(metadata["token_endpoint_auth_methods_supported"] ==
        nlohmann::json::array({"client_secret_basic", "client_secret_post"}));
  CHECK(metadata["response_types_supported"] == nlohmann::json::array());
  CHECK_FALSE(metadata.contains("authorization_endpoint"));
  CHECK_FALSE(metadata.contains("id_token_signing_alg_values_supported"));  // OIDC's, not RFC 8414's
  auto scopes = metadata["scopes_supported"];
  CHECK(std::find(scopes.begin(), scopes.end(), "read:films") != scopes.end());
}

TEST_CASE("issuer: /openapi.json has an oauth2 clientCredentials scheme and lists the issuer's routes") {
  ServerProcess server;
  auto doc = nlohmann::json::parse(server.client().Get("/openapi.json")->body);
  auto oauth2 = doc["components"]["securitySchemes"]["oauth2"];
  CHECK(oauth2["type"] == "oauth2");
  auto flow = oauth2["flows"]["clientCredentials"];
  CHECK(flow["tokenUrl"] == server.base_url() + "/oauth/token");
  CHECK(flow["scopes"]["read:films"] == "Read films");
  CHECK(flow["scopes"]["write:people"] == "Create, change and delete people");
  CHECK(doc["security"] == nlohmann::json::parse(R"([{"bearerAuth": []}, {"oauth2": []}])"));
  for (const char* path : {"/oauth/token", "/.well-known/jwks.json", "/.well-known/openid-configuration",
                           "/.well-known/oauth-authorization-server"}) {
    CAPTURE(path);
    CHECK(doc["paths"].contains(path));
  }
  CHECK(doc["paths"]["/oauth/token"]["post"]["security"] == nlohmann::json::array());
  CHECK(doc["paths"]["/oauth/token"]["post"]["requestBody"]["content"].contains("application/x-www-form-urlencoded"));
}

TEST_CASE("issuer: with another issuer's keys there is no oauth2 scheme and no issuer route in /openapi.json") {
  swapi::test::TempDir dir;
  auto checked = swapi::test::run_swapi({"keys", "jwks"}, {{"SWAPI_HOME", dir.file("home")}});
  REQUIRE(checked.exit_code == 0);
  swapi::test::write_file(dir.file("jwks.json"), checked.out);
  ServerProcess server({"--jwks-file", dir.file("jwks.json"), "--issuer", "https://tenant.example/"});
  auto doc = nlohmann::json::parse(server.client().Get("/openapi.json")->body);
  CHECK_FALSE(doc["components"]["securitySchemes"].contains("oauth2"));
  CHECK_FALSE(doc["paths"].contains("/oauth/token"));
  auto metadata = server.client().Get("/.well-known/oauth-authorization-server");
  REQUIRE(metadata);
  CHECK(metadata->status == 404);
}
