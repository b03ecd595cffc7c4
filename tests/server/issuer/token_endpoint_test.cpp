// POST /oauth/token without a network: request parsing (RFC 6749 §2.3.1, §3.1, §3.2) and the
// client_credentials grant on a fixed clock, down to the claims of the issued token.
#include <doctest/doctest.h>

#include <httplib.h>

#include "jose/base64url.h"
#include "jose/jws.h"
#include "server/issuer/token_endpoint.h"
#include "server/issuer/token_request.h"
#include "state/keyset_store.h"

using namespace swapi::server;
namespace jose = swapi::jose;

namespace {

constexpr std::int64_t kNow = 1767225600;

httplib::Request post(std::string body, std::string content_type = "application/x-www-form-urlencoded",
                      std::string target = "/oauth/token") {
  httplib::Request request;
  request.method = "POST";
  request.target = std::move(target);
  request.path = "/oauth/token";
  request.body = std::move(body);
  if (!content_type.empty()) request.set_header("Content-Type", content_type);
  return request;
}

std::string basic(std::string_view credentials) {
  // RFC 4648 §4 from base64url: swap the alphabet back and pad.
  std::string text = jose::base64url_encode(credentials);
  std::replace(text.begin(), text.end(), '-', '+');
  std::replace(text.begin(), text.end(), '_', '/');
  while (text.size() % 4 != 0) text += '=';
  return "Basic " + text;
}

TokenRequest parsed(const httplib::Request& request) {
  auto result = parse_token_request(request);
  if (auto* error = std::get_if<OAuthError>(&result)) FAIL("unexpected error: " << error->description);
  return std::get<TokenRequest>(result);
}

OAuthError refused(const httplib::Request& request) {
  auto result = parse_token_request(request);
  REQUIRE(std::holds_alternative<OAuthError>(result));
  return std::get<OAuthError>(result);
}

}  // namespace

TEST_CASE("form bodies: '+' and %-escapes decode, empty parameters count as absent") {
  auto request = parsed(post("grant_type=client_credentials&client_id=ci&client_secret=a%2Bb+c%3D&scope=read%3Afilms+read%3Apeople&audience="));
  CHECK(request.grant_type == "client_credentials");
  CHECK(request.client_id == "ci");
  CHECK(request.client_secret == "a+b c=");
  CHECK(request.scope == "read:films read:people");
  CHECK_FALSE(request.audience);
  CHECK_FALSE(request.basic_auth);

  CHECK(parsed(post("grant_type=client_credentials", "application/x-www-form-urlencoded; charset=UTF-8")).grant_type);
  CHECK_FALSE(parse_form_urlencoded("a=%4"));
  CHECK_FALSE(parse_form_urlencoded("a=%zz"));
}

TEST_CASE("JSON bodies: an object of strings, duplicates refused") {
  auto request = parsed(post(R"({"grant_type":"client_credentials","client_id":"ci","client_secret":"s","audience":"urn:a"})",
                             "application/json"));
  CHECK(request.client_secret == "s");
  CHECK(request.audience == "urn:a");

  auto error = refused(post(R"({"grant_type":"client_credentials","grant_type":"x"})", "application/json"));
  CHECK(error.status == 400);
  CHECK(error.error == "invalid_request");
  error = refused(post(R"({"grant_type":"client_credentials","client_id":7})", "application/json"));
  CHECK(error.description == "parameter 'client_id' must be a string");
  error = refused(post(R"({"grant_type": )", "application/json"));
  CHECK(error.error == "invalid_request");
  error = refused(post(R"(["grant_type"])", "application/json"));
  CHECK(error.error == "invalid_request");
}

TEST_CASE("JSON bodies: a number beyond double range is invalid_request, not a library exception") {
  auto error = refused(post(R"({"grant_type":"client_credentials","x":1E400})", "application/json"));
  CHECK(error.status == 400);
  CHECK(error.error == "invalid_request");
  CHECK(error.description == "JSON body is not valid JSON: number overflow parsing '1E400'");
}

TEST_CASE("HTTP Basic credentials are form-urlencoded inside base64 (RFC 6749 §2.3.1)") {
  auto request = post("grant_type=client_credentials");
  request.set_header("Authorization", basic("my%3Aclient:p%40ss+word"));
  auto result = parsed(request);
  CHECK(result.basic_auth);
  CHECK(result.client_id == "my:client");
  CHECK(result.client_secret == "p@ss word");

  // The scheme name is case-insensitive; a matching body client_id is allowed.
  request = post("grant_type=client_credentials&client_id=ci");
  request.set_header("Authorization", "basic " + basic("ci:pw").substr(6));
  CHECK(parsed(request).client_secret == "pw");
}

TEST_CASE("token request rules broken give invalid_request or invalid_client") {
  struct Case {
    httplib::Request request;
    int status;
    const char* error;
    const char* description;
  };
  auto with_auth = [](httplib::Request request, std::vector<std::string> values) {
    for (auto& value : values) request.headers.emplace("Authorization", value);
    return request;
  };
  const Case cases[] = {
      {post("client_id=ci"), 400, "invalid_request", "missing parameter 'grant_type'"},
      {post("grant_type=client_credentials&grant_type=client_credentials"), 400, "invalid_request",
       "parameter 'grant_type' appears more than once (RFC 6749 §3.2)"},
      {post("grant_type=client_credentials", "text/plain"), 400, "invalid_request",
       "unsupported Content-Type 'text/plain'; send application/x-www-form-urlencoded or application/json"},
      {post("grant_type=client_credentials", ""), 400, "invalid_request",
       "the request has no Content-Type; send application/x-www-form-urlencoded or application/json"},
      {post("grant_type=client_credentials", "application/x-www-form-urlencoded", "/oauth/token?client_secret=x"), 400,
       "invalid_request", "parameters belong in the request body, not the URL (RFC 6749 §3.2)"},
      {post("grant_type=%GG"), 400, "invalid_request", "the form body has a malformed %-escape"},
      {with_auth(post("grant_type=client_credentials&client_secret=pw"), {basic("ci:pw")}), 400, "invalid_request",
       "client credentials in both the Authorization header and the body; use one (RFC 6749 §2.3)"},
      {with_auth(post("grant_type=client_credentials&client_id=other"), {basic("ci:pw")}), 400, "invalid_request",
       "client_id in the body differs from the one in the Authorization header"},
      {with_auth(post("grant_type=client_credentials"), {basic("ci:pw"), basic("ci:pw")}), 400, "invalid_request",
       "more than one Authorization header"},
      {with_auth(post("grant_type=client_credentials"), {"Bearer abc"}), 401, "invalid_client",
       "the Authorization header must use the Basic scheme"},
      {with_auth(post("grant_type=client_credentials"), {"Basic !!!"}), 401, "invalid_client",
       "the Basic credentials are not valid base64"},
      {with_auth(post("grant_type=client_credentials"), {basic("no-colon")}), 401, "invalid_client",
       "the Basic credentials are not client_id:client_secret"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.description);
    auto error = refused(c.request);
    CHECK(error.status == c.status);
    CHECK(error.error == c.error);
    CHECK(error.description == c.description);
    CHECK(error.basic_challenge == (c.status == 401));
  }
}

TEST_CASE("client_credentials grant: checks and the issued at+jwt") {
  static const Keyset keyset = Keyset::generate(kNow);
  ClientRegistry clients;
  clients.put({"ci", "pw", {"read:films", "read:people", "write:films"}});
  std::string issuer = "http://127.0.0.1:9999/";
  std::vector<std::string> audiences = {"https://starwarsapi.com", "urn:second"};
  TokenGrantContext context{issuer, audiences, clients, keyset.active().key, 3600};

  auto request_for = [](std::optional<std::string> scope, std::optional<std::string> audience) {
    TokenRequest request;
    request.grant_type = "client_credentials";
    request.client_id = "ci";
    request.client_secret = "pw";
    request.scope = std::move(scope);
    request.audience = std::move(audience);
    return request;
  };
  auto error_of = [&](const TokenRequest& request) {
    auto result = grant_token(request, context, kNow);
    REQUIRE(std::holds_alternative<OAuthError>(result));
    return std::get<OAuthError>(result);
  };

  SUBCASE("no scope asked: all of the client's; default audience; RFC 9068 header and Auth0 claims") {
    auto result = grant_token(request_for(std::nullopt, std::nullopt), context, kNow);
    REQUIRE(std::holds_alternative<nlohmann::json>(result));
    auto body = std::get<nlohmann::json>(result);
    CHECK(body["token_type"] == "Bearer");
    CHECK(body["expires_in"] == 3600);
    CHECK(body["scope"] == "read:films read:people write:films");
    auto keys = keyset.public_keys();
    std::vector<jose::Alg> algs = {jose::Alg::RS256};
    auto verified = jose::verify_compact(body["access_token"].get<std::string>(), keys, algs);
    CHECK(verified.header == nlohmann::json{{"alg", "RS256"}, {"kid", keyset.active().key.kid}, {"typ", "at+jwt"}});
    auto claims = nlohmann::json::parse(verified.payload);
    CHECK(claims["iss"] == issuer);
    CHECK(claims["sub"] == "ci@clients");
    CHECK(claims["aud"] == "https://starwarsapi.com");
    CHECK(claims["iat"] == kNow);
    CHECK(claims["exp"] == kNow + 3600);
    CHECK(claims["client_id"] == "ci");
    CHECK(claims["scope"] == "read:films read:people write:films");
    CHECK(claims["gty"] == "client-credentials");
    CHECK(jose::base64url_decode(claims["jti"].get<std::string>())->size() == 16);
    auto again = std::get<nlohmann::json>(grant_token(request_for(std::nullopt, std::nullopt), context, kNow));
    auto again_claims = nlohmann::json::parse(jose::parse_compact(again["access_token"].get<std::string>()).payload);
    CHECK(again_claims["jti"] != claims["jti"]);
  }
  SUBCASE("a subset of scopes and a second audience") {
    auto body = std::get<nlohmann::json>(grant_token(request_for("read:people  read:films read:people", "urn:second"), context, kNow));
    CHECK(body["scope"] == "read:people read:films");
    auto claims = nlohmann::json::parse(jose::parse_compact(body["access_token"].get<std::string>()).payload);
    CHECK(claims["aud"] == "urn:second");
    CHECK(claims["scope"] == "read:people read:films");
  }
  SUBCASE("a scope beyond the client's is invalid_scope") {
    auto error = error_of(request_for("read:films write:people", std::nullopt));
    CHECK(error.status == 400);
    CHECK(error.error == "invalid_scope");
    CHECK(error.description == "scope 'write:people' is not allowed for client 'ci'");
  }
  SUBCASE("an unknown audience is access_denied, as Auth0 answers") {
    auto error = error_of(request_for(std::nullopt, "https://elsewhere"));
    CHECK(error.status == 403);
    CHECK(error.error == "access_denied");
    CHECK(error.description == "Service not found: https://elsewhere (this server serves https://starwarsapi.com urn:second)");
  }
  SUBCASE("wrong secret and unknown client look the same") {
    auto request = request_for(std::nullopt, std::nullopt);
    request.client_secret = "wrong";
    auto wrong = error_of(request);
    request.client_id = "nobody";
    request.client_secret = "pw";
    auto unknown = error_of(request);
    for (const auto& error : {wrong, unknown}) {
      CHECK(error.status == 401);
      CHECK(error.error == "invalid_client");
      CHECK(error.description == "unknown client or wrong secret");
      CHECK_FALSE(error.basic_challenge);
    }
    request.basic_auth = true;
    CHECK(error_of(request).basic_challenge);
  }
  SUBCASE("another grant type is unsupported_grant_type") {
    auto request = request_for(std::nullopt, std::nullopt);
    request.grant_type = "password";
    auto error = error_of(request);
    CHECK(error.status == 400);
    CHECK(error.error == "unsupported_grant_type");
    CHECK(error.description == "grant_type 'password' is not supported; use client_credentials");
  }
  SUBCASE("no credentials at all is invalid_client") {
    TokenRequest request;
    request.grant_type = "client_credentials";
    auto error = error_of(request);
    CHECK(error.status == 401);
    CHECK(error.error == "invalid_client");
  }
}

TEST_CASE("OAuth responses carry no-store and the Basic challenge when asked") {
  httplib::Response response;
  set_oauth_error(response, {401, "invalid_client", "nope", true});
  CHECK(response.status == 401);
  CHECK(response.get_header_value("WWW-Authenticate") == "Basic realm=\"swapi\"");
  CHECK(response.get_header_value("Cache-Control") == "no-store");
  CHECK(response.get_header_value("Pragma") == "no-cache");
  CHECK(nlohmann::json::parse(response.body) == nlohmann::json{{"error", "invalid_client"}, {"error_description", "nope"}});

  httplib::Response ok;
  set_token_response(ok, {{"access_token", "t"}});
  CHECK(ok.status == 200);
  CHECK(ok.get_header_value("Cache-Control") == "no-store");
  CHECK(ok.get_header_value("Pragma") == "no-cache");
  CHECK(ok.get_header_value("Content-Type") == "application/json");
}
