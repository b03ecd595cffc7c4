// The local issuer of `swapi serve`, against the real binary: the keyset in the state dir,
// /.well-known/jwks.json, /.well-known/openid-configuration and POST /oauth/token.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <memory>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/keygen.h"
#include "state/keyset_store.h"
#include "state/state_dir.h"
#include "tests/integration/issuer_client.h"
#include "tests/support/server_process.h"

using swapi::test::percent_encoded;
using swapi::test::read_file;
using swapi::test::run_swapi;
using swapi::test::ServerProcess;
using swapi::test::TempDir;
namespace jose = swapi::jose;

namespace {

using namespace swapi::test::issuer_client;

mode_t file_mode(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

std::string basic_header(std::string_view id, std::string_view secret) {
  std::string text = jose::base64url_encode(percent_encoded(id) + ":" + percent_encoded(secret));
  std::replace(text.begin(), text.end(), '-', '+');
  std::replace(text.begin(), text.end(), '_', '/');
  while (text.size() % 4 != 0) text += '=';
  return "Basic " + text;
}

nlohmann::json fetch_jwks(const ServerProcess& server) {
  auto res = server.client().Get("/.well-known/jwks.json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return nlohmann::json::parse(res->body);
}

// The claims of token, verified against what the server publishes (as a resource server
// using jwks-rsa would).
nlohmann::json verified_claims(const ServerProcess& server, const std::string& token, nlohmann::json* header = nullptr) {
  auto keys = jose::parse_jwks(fetch_jwks(server)).keys;
  std::vector<jose::Alg> algs = {jose::Alg::RS256};
  auto verified = jose::verify_compact(token, keys, algs);
  if (header) *header = verified.header;
  return nlohmann::json::parse(verified.payload);
}

void check_oauth_error(const httplib::Result& res, int status, const std::string& error, const std::string& description) {
  REQUIRE(res);
  CHECK(res->status == status);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  auto body = nlohmann::json::parse(res->body);
  CHECK(body["error"] == error);
  CHECK(body["error_description"] == description);
}

}  // namespace

TEST_CASE("issuer: first start creates a private keyset and clients file; restart reuses them") {
  TempDir temp;
  std::string home = temp.file("state");
  std::string kid;
  {
    ServerProcess server({}, {{"SWAPI_HOME", home}});
    CHECK(file_mode(home) == 0700);
    CHECK(file_mode(home + "/keys.json") == 0600);
    CHECK(file_mode(home + "/clients.json") == 0600);
    auto jwks = fetch_jwks(server);
    REQUIRE(jwks["keys"].size() == 1);
    kid = jwks["keys"][0]["kid"];
    auto stored = swapi::server::load_keyset(home);
    REQUIRE(stored);
    CHECK(stored->active().key.kid == kid);
    CHECK(kid == jose::thumbprint(stored->active().key));
    CHECK(server.stop() == 0);
  }
  ServerProcess again({}, {{"SWAPI_HOME", home}});
  auto jwks = fetch_jwks(again);
  REQUIRE(jwks["keys"].size() == 1);
  CHECK(jwks["keys"][0]["kid"] == kid);
}

TEST_CASE("issuer: two servers started at once on a fresh state dir share one keyset") {
  TempDir temp;
  std::string home = temp.file("fresh");
  std::unique_ptr<ServerProcess> first, second;
  std::thread starter([&] { first = std::make_unique<ServerProcess>(std::vector<std::string>{}, std::map<std::string, std::string>{{"SWAPI_HOME", home}}); });
  second = std::make_unique<ServerProcess>(std::vector<std::string>{}, std::map<std::string, std::string>{{"SWAPI_HOME", home}});
  starter.join();
  REQUIRE(first);
  auto one = fetch_jwks(*first);
  auto two = fetch_jwks(*second);
  CHECK(one == two);
  CHECK(one["keys"].size() == 1);
  CHECK(swapi::server::load_keyset(home)->keys().size() == 1);
  // And one default client: a token from one server works on the other.
  auto res = post_token(*first, credentials_form(*first));
  REQUIRE(res);
  REQUIRE(res->status == 200);
  res = post_token(*second, credentials_form(*second));
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("issuer: jwks.json publishes the public RSA key, cacheable") {
  ServerProcess server;
  auto res = server.client().Get("/.well-known/jwks.json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(res->get_header_value("Cache-Control") == "public, max-age=300");
  auto jwks = nlohmann::json::parse(res->body);
  REQUIRE(jwks["keys"].size() == 1);
  auto key = jwks["keys"][0];
  std::set<std::string> members;
  for (const auto& [name, value] : key.items()) members.insert(name);
  CHECK(members == std::set<std::string>{"kty", "kid", "alg", "use", "n", "e"});
  CHECK(key["kty"] == "RSA");
  CHECK(key["alg"] == "RS256");
  CHECK(key["use"] == "sig");
}

TEST_CASE("issuer: no private key member ever leaves jwks.json, for RSA, EC, OKP and oct keys") {
  TempDir temp;
  std::string home = temp.file("state");
  // A keyset holding every key type: the generated RS256 key plus PS/ES/EdDSA/HS keys.
  auto keyset = swapi::server::update_keyset(home, 0, [](swapi::server::Keyset& keys) {
    for (auto alg : {jose::Alg::PS384, jose::Alg::ES256, jose::Alg::ES512, jose::Alg::EdDSA, jose::Alg::HS256})
      keys.add(jose::generate_key(alg), 0);
  });
  REQUIRE(keyset.keys().size() == 6);

  ServerProcess server({}, {{"SWAPI_HOME", home}});
  auto res = server.client().Get("/.well-known/jwks.json");
  REQUIRE(res);
  auto jwks = nlohmann::json::parse(res->body);
  REQUIRE(jwks["keys"].size() == 5);  // the HMAC secret is never published
  std::set<std::string> types;
  for (const auto& key : jwks["keys"]) {
    types.insert(key["kty"].get<std::string>());
    for (const char* secret_member : {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}) {
      CAPTURE(secret_member);
      CHECK_FALSE(key.contains(secret_member));
    }
  }
  CHECK(types == std::set<std::string>{"RSA", "EC", "OKP"});
  // Not even elsewhere in the body: no private value of any stored key appears in it.
  for (const auto& stored : keyset.keys()) {
    auto full = jose::to_json(stored.key, /*include_private=*/true);
    for (const char* secret_member : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
      if (!full.contains(secret_member)) continue;
      CAPTURE(secret_member);
      CHECK(res->body.find(full[secret_member].get<std::string>()) == std::string::npos);
    }
  }
  // The discovery document's scopes and the token endpoint are unaffected by the extra keys.
  auto token = post_token(server, credentials_form(server));
  REQUIRE(token);
  CHECK(token->status == 200);
}

TEST_CASE("issuer: openid-configuration describes the issuer, its keys and its token endpoint") {
  ServerProcess server;
  auto res = server.client().Get("/.well-known/openid-configuration");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  auto doc = nlohmann::json::parse(res->body);
  CHECK(doc["issuer"] == server.base_url() + "/");
  CHECK(doc["jwks_uri"] == server.base_url() + "/.well-known/jwks.json");
  CHECK(doc["token_endpoint"] == server.base_url() + "/oauth/token");
  CHECK(doc["grant_types_supported"] == nlohmann::json{"client_credentials"});
  CHECK(doc["token_endpoint_auth_methods_supported"] == nlohmann::json{"client_secret_basic", "client_secret_post"});
  CHECK(doc["response_types_supported"] == nlohmann::json{"token"});
  CHECK(doc["subject_types_supported"] == nlohmann::json{"public"});
  CHECK(doc["id_token_signing_alg_values_supported"] == nlohmann::json{"RS256"});
  auto scopes = doc["scopes_supported"].get<std::vector<std::string>>();
  CHECK(scopes.size() == 12);
  CHECK(std::find(scopes.begin(), scopes.end(), "read:films") != scopes.end());
  CHECK(std::find(scopes.begin(), scopes.end(), "write:vehicles") != scopes.end());

  // URLs follow the Host the client used (a tunnel, localhost); the issuer does not.
  res = server.client().Get("/.well-known/openid-configuration", {{"Host", "localhost:" + std::to_string(server.port())}});
  REQUIRE(res);
  doc = nlohmann::json::parse(res->body);
  CHECK(doc["jwks_uri"] == "http://localhost:" + std::to_string(server.port()) + "/.well-known/jwks.json");
  CHECK(doc["issuer"] == server.base_url() + "/");
}

TEST_CASE("issuer: the effective issuer and audience are recorded in the state dir") {
  ServerProcess server({"--audience", "urn:one", "--audience", "urn:two"});
  auto recorded = nlohmann::json::parse(read_file(server.home() + "/serve.json"));
  CHECK(recorded["issuer"] == server.base_url() + "/");
  CHECK(recorded["audiences"] == nlohmann::json{"urn:one", "urn:two"});
  CHECK(file_mode(server.home() + "/serve.json") == 0600);
}

TEST_CASE("issuer: a form-body token verifies against jwks.json, carries the RFC 9068 / Auth0 claims and opens /api") {
  ServerProcess server;
  auto res = post_token(server, credentials_form(server));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  CHECK(res->get_header_value("Pragma") == "no-cache");
  auto body = nlohmann::json::parse(res->body);
  CHECK(body["token_type"] == "Bearer");
  CHECK(body["expires_in"] == 86400);
  std::string all_scopes =
      "read:films write:films read:people write:people read:planets write:planets read:species write:species "
      "read:starships write:starships read:vehicles write:vehicles";
  CHECK(body["scope"] == all_scopes);

  nlohmann::json header;
  auto claims = verified_claims(server, body["access_token"], &header);
  CHECK(header["alg"] == "RS256");
  CHECK(header["typ"] == "at+jwt");
  CHECK(header["kid"] == fetch_jwks(server)["keys"][0]["kid"]);
  CHECK(claims["iss"] == server.base_url() + "/");
  CHECK(claims["sub"] == "swapi-cli@clients");
  CHECK(claims["aud"] == "https://starwarsapi.com");
  CHECK(claims["client_id"] == "swapi-cli");
  CHECK(claims["gty"] == "client-credentials");
  CHECK(claims["scope"] == all_scopes);
  CHECK(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>() == 86400);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(std::abs(claims["iat"].get<std::int64_t>() - now) < 60);
  CHECK(jose::base64url_decode(claims["jti"].get<std::string>()));

  auto api = server.client().Get("/api/films/1/", swapi::test::bearer(body["access_token"]));
  REQUIRE(api);
  CHECK(api->status == 200);
}

TEST_CASE("issuer: JSON bodies and HTTP Basic credentials work too") {
  ServerProcess server;
  std::string secret = client_secret(server);
  nlohmann::json json_body = {{"grant_type", "client_credentials"}, {"client_id", "swapi-cli"}, {"client_secret", secret}};
  auto res = post_token(server, json_body.dump(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(verified_claims(server, nlohmann::json::parse(res->body)["access_token"])["sub"] == "swapi-cli@clients");

  res = post_token(server, "grant_type=client_credentials", kForm, {{"Authorization", basic_header("swapi-cli", secret)}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(verified_claims(server, nlohmann::json::parse(res->body)["access_token"])["client_id"] == "swapi-cli");
}

TEST_CASE("issuer: Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1)") {
  ServerProcess server({"--client", "odd id:p@ss+w%rd/=:read:films"});
  auto res = post_token(server, "grant_type=client_credentials", kForm,
                        {{"Authorization", basic_header("odd id", "p@ss+w%rd/=")}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(nlohmann::json::parse(res->body)["scope"] == "read:films");
}

TEST_CASE("issuer: a wrong secret or an unknown client is 401 invalid_client") {
  ServerProcess server;
  auto res = post_token(server, "grant_type=client_credentials&client_id=swapi-cli&client_secret=wrong");
  check_oauth_error(res, 401, "invalid_client", "unknown client or wrong secret");
  CHECK_FALSE(res->has_header("WWW-Authenticate"));

  res = post_token(server, "grant_type=client_credentials&client_id=nobody&client_secret=" + percent_encoded(client_secret(server)));
  check_oauth_error(res, 401, "invalid_client", "unknown client or wrong secret");

  res = post_token(server, "grant_type=client_credentials", kForm, {{"Authorization", basic_header("swapi-cli", "wrong")}});
  check_oauth_error(res, 401, "invalid_client", "unknown client or wrong secret");
  CHECK(res->get_header_value("WWW-Authenticate") == "Basic realm=\"swapi\"");

  res = post_token(server, "grant_type=client_credentials");
  check_oauth_error(res, 401, "invalid_client",
                    "client authentication required: client_id and client_secret in the body or HTTP Basic");
}

TEST_CASE("issuer: grant and request errors follow RFC 6749 §5.2, never a 500") {
  ServerProcess server;
  std::string secret = percent_encoded(client_secret(server));
  check_oauth_error(post_token(server, "grant_type=password&client_id=swapi-cli&client_secret=" + secret), 400,
                    "unsupported_grant_type", "grant_type 'password' is not supported; use client_credentials");
  check_oauth_error(post_token(server, "client_id=swapi-cli&client_secret=" + secret), 400, "invalid_request",
                    "missing parameter 'grant_type'");
  check_oauth_error(post_token(server, credentials_form(server, "&grant_type=client_credentials")), 400, "invalid_request",
                    "parameter 'grant_type' appears more than once (RFC 6749 section 3.2)");
  check_oauth_error(post_token(server, "grant_type=client_credentials", "text/plain"), 400, "invalid_request",
                    "unsupported Content-Type 'text/plain'; send application/x-www-form-urlencoded or application/json");
  auto res = post_token(server, R"({"grant_type": "client_credentials",)", "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(nlohmann::json::parse(res->body)["error"] == "invalid_request");
  // Duplicate JSON members are refused too (RFC 6749 §3.2), not silently last-one-wins.
  res = post_token(server, R"({"grant_type":"client_credentials","grant_type":"password"})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(nlohmann::json::parse(res->body)["error"] == "invalid_request");
  check_oauth_error(post_token(server, "grant_type=client_credentials&client_secret=" + secret, kForm,
                               {{"Authorization", basic_header("swapi-cli", client_secret(server))}}),
                    400, "invalid_request", "client credentials in both the Authorization header and the body; use one (RFC 6749 section 2.3)");

  // Whatever arrives, the answer is a 4xx JSON error.
  const std::pair<std::string, std::string> garbage[] = {
      {"", kForm}, {"%", kForm}, {"&&&=&=", kForm}, {"grant_type=%00", kForm}, {"\xff\xfe", kForm},
      {"null", "application/json"}, {"[1,2]", "application/json"}, {"{\"scope\": {}}", "application/json"},
      {"\"\xff\"", "application/json"},
  };
  for (const auto& [body, type] : garbage) {
    CAPTURE(type);
    auto answer = post_token(server, body, type.c_str());
    REQUIRE(answer);
    CHECK(answer->status >= 400);
    CHECK(answer->status < 500);
    CHECK(nlohmann::json::parse(answer->body).contains("error"));
  }
  // Bodies cpp-httplib refuses before our handler runs (oversize, unparsable multipart) still
  // get a 4xx JSON answer, from the server's error handler.
  const std::pair<std::string, std::string> refused_early[] = {
      {std::string(2 << 20, 'a'), kForm}, {"grant_type=client_credentials", "multipart/form-data"}};
  for (const auto& [body, type] : refused_early) {
    CAPTURE(type);
    auto answer = post_token(server, body, type.c_str());
    REQUIRE(answer);
    CHECK(answer->status >= 400);
    CHECK(answer->status < 500);
    CHECK(nlohmann::json::parse(answer->body).is_object());
  }

  // Secrets in a URL end up in logs and browser history (RFC 6749 §3.2: parameters in the body).
  check_oauth_error(server.client().Post("/oauth/token?client_secret=" + secret, credentials_form(server), kForm), 400,
                    "invalid_request", "parameters belong in the request body, not the URL (RFC 6749 section 3.2)");

  auto get = server.client().Get("/oauth/token");
  check_oauth_error(get, 405, "invalid_request", "the token endpoint accepts POST only (RFC 6749 section 3.2)");
  CHECK(get->get_header_value("Allow") == "POST");
}

TEST_CASE("issuer: scope is a subset of the client's; anything more is invalid_scope") {
  ServerProcess server({"--client", "reader:pw:read:films,read:people"});
  auto res = post_token(server, "grant_type=client_credentials&client_id=reader&client_secret=pw&scope=read%3Afilms");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto body = nlohmann::json::parse(res->body);
  CHECK(body["scope"] == "read:films");
  CHECK(verified_claims(server, body["access_token"])["scope"] == "read:films");

  // Only read:films: GET on films is allowed, people is 403 (the guard reads our scope claim).
  auto films = server.client().Get("/api/films/1/", swapi::test::bearer(body["access_token"]));
  REQUIRE(films);
  CHECK(films->status == 200);
  auto people = server.client().Get("/api/people/1/", swapi::test::bearer(body["access_token"]));
  REQUIRE(people);
  CHECK(people->status == 403);

  check_oauth_error(post_token(server, "grant_type=client_credentials&client_id=reader&client_secret=pw&scope=read%3Afilms+write%3Afilms"),
                    400, "invalid_scope", "scope 'write:films' is not allowed for client 'reader'");

  res = post_token(server, "grant_type=client_credentials&client_id=reader&client_secret=pw");
  REQUIRE(res);
  CHECK(nlohmann::json::parse(res->body)["scope"] == "read:films read:people");
}

TEST_CASE("issuer: Auth0's audience parameter picks one of the served audiences") {
  ServerProcess server({"--audience", "urn:first", "--audience", "urn:second"});
  auto res = post_token(server, credentials_form(server, "&audience=urn%3Asecond"));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(verified_claims(server, nlohmann::json::parse(res->body)["access_token"])["aud"] == "urn:second");

  res = post_token(server, credentials_form(server));
  REQUIRE(res);
  CHECK(verified_claims(server, nlohmann::json::parse(res->body)["access_token"])["aud"] == "urn:first");

  check_oauth_error(post_token(server, credentials_form(server, "&audience=https%3A%2F%2Fstarwarsapi.com")), 403,
                    "access_denied", "Service not found: https://starwarsapi.com (this server serves urn:first urn:second)");
}

TEST_CASE("issuer: --client adds clients for the run without touching clients.json") {
  ServerProcess server({"--client", "ci:s3cret:read:films", "--client", "swapi-cli:override:read:people"});
  auto res = post_token(server, "grant_type=client_credentials&client_id=ci&client_secret=s3cret");
  REQUIRE(res);
  CHECK(res->status == 200);
  res = post_token(server, "grant_type=client_credentials&client_id=swapi-cli&client_secret=override");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(nlohmann::json::parse(res->body)["scope"] == "read:people");
  auto stored = nlohmann::json::parse(read_file(server.home() + "/clients.json"));
  REQUIRE(stored["clients"].size() == 1);
  CHECK(stored["clients"][0]["client_id"] == "swapi-cli");
  CHECK(stored["clients"][0]["client_secret"] != "override");
}

TEST_CASE("issuer: a malformed --client stops serve with exit 3 and says why") {
  auto result = run_swapi({"serve", "--port", "0", "--client", "just-an-id"});
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("swapi: --client: 'just-an-id' is not ID:SECRET:SCOPES") != std::string::npos);
}

TEST_CASE("issuer: a keyset readable by others stops serve with a chmod hint; a corrupt one names the file") {
  TempDir temp;
  std::string home = temp.file("state");
  swapi::server::open_keyset(home, 0);
  std::string path = home + "/keys.json";
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  auto result = run_swapi({"serve", "--port", "0"}, {{"SWAPI_HOME", home}});
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("swapi: keyset " + path + ": permissions 0644 are too open: it holds secrets") != std::string::npos);
  CHECK(result.err.find("chmod 600 " + path) != std::string::npos);

  swapi::server::write_private_file(path, "{\"keys\": [", "test");
  result = run_swapi({"serve", "--port", "0"}, {{"SWAPI_HOME", home}});
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("swapi: keyset " + path + ": corrupt: ") != std::string::npos);
}
