// How the token travels (RFC 6750 §2) and how refusals look (§3), against the real binary:
// exact status, WWW-Authenticate, JSON body and access-log rule.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"

using namespace swapi::test;

TEST_CASE("auth http: no token: 401, realm only, DRF-style body, access log names no_token") {
  AuthServer server;
  auto res = server.get("/api/films/1/");
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(res->get_header_value("WWW-Authenticate") == R"(Bearer realm="swapi")");
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(nlohmann::json::parse(res->body) == nlohmann::json{{"detail", "Authentication credentials were not provided."}});
  CHECK(log_contains(server.process(), "GET /api/films/1/ 401"));
  CHECK(log_contains(server.process(), "auth=no_token"));
}

TEST_CASE("auth http: a valid token gets the data; the access log says ok") {
  AuthServer server;
  auto res = server.get_with_token("/api/films/1/", good_token());
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(nlohmann::json::parse(res->body)["title"] == "A New Hope");
  CHECK(log_contains(server.process(), "GET /api/films/1/ 200"));
  CHECK(log_contains(server.process(), "auth=ok"));
}

TEST_CASE("auth http: the wrong scheme counts as no token (RFC 6750 §3.1), and the body says what was wrong") {
  AuthServer server;
  std::string token = good_token();
  const std::pair<std::string, std::string> cases[] = {
      {"Basic dXNlcjpwYXNz", "the Authorization header uses the 'Basic' scheme, not Bearer"},
      {"Token " + token, "the Authorization header uses the 'Token' scheme, not Bearer"},
      {"JWT " + token, "the Authorization header uses the 'JWT' scheme, not Bearer"},
      {token, "the Authorization header holds a bare token without the Bearer scheme"},
  };
  for (const auto& [header, what] : cases) {
    CAPTURE(what);
    auto res = server.get("/api/films/1/", {{"Authorization", header}});
    REQUIRE(res);
    CHECK(res->status == 401);
    // No error code for an unsupported scheme (§3.1): the challenge stays the realm alone.
    CHECK(res->get_header_value("WWW-Authenticate") == R"(Bearer realm="swapi")");
    CHECK(nlohmann::json::parse(res->body) ==
          nlohmann::json{{"detail", "Authentication credentials were not provided: " + what +
                                        "; send 'Authorization: Bearer <token>'"}});
  }
  CHECK(log_contains(server.process(), "auth=wrong_scheme"));
  // The loopback flavor says it in its own shape.
  AuthServer loopback({rsa_key()}, {"--flavor", "loopback"});
  auto res = loopback.get("/api/films", {{"Authorization", "Token " + token}});
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(nlohmann::json::parse(res->body)["error"]["message"] ==
        "Authorization Required: the Authorization header uses the 'Token' scheme, not Bearer; send "
        "'Authorization: Bearer <token>'");
}

TEST_CASE("auth http: the scheme is case-insensitive: lower-case bearer works") {
  AuthServer server;
  auto res = server.get("/api/films/1/", {{"Authorization", "bearer " + good_token()}});
  REQUIRE(res);
  CHECK(res->status == 200);
  res = server.get("/api/films/1/", {{"Authorization", "BEARER " + good_token()}});
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("auth http: two Authorization headers: 400 invalid_request (RFC 6750 §3.1)") {
  AuthServer server;
  std::string token = good_token();
  httplib::Headers headers = {{"Authorization", "Bearer " + token}, {"Authorization", "Bearer " + token}};
  auto res = server.get("/api/films/1/", headers);
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->get_header_value("WWW-Authenticate") ==
        R"(Bearer realm="swapi", error="invalid_request", error_description="multiple_authorization_headers: the request has 2 Authorization headers; exactly one is allowed")");
  auto body = nlohmann::json::parse(res->body);
  CHECK(body["error"] == "invalid_request");
  CHECK(log_contains(server.process(), "auth=multiple_authorization_headers"));
}

TEST_CASE("auth http: Bearer without a token: 400 invalid_request") {
  AuthServer server;
  auto res = server.get("/api/films/1/", {{"Authorization", "Bearer"}});
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(rule_of(res) == "missing_token");
}

TEST_CASE("auth http: an oversize token is refused before parsing: 401 token_too_large") {
  AuthServer server;
  std::string token = good_token();
  token += std::string(8001 - token.size(), 'A');
  auto res = server.get_with_token("/api/films/1/", token);
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(description_of(res->get_header_value("WWW-Authenticate")) ==
        "token_too_large: the token is 8001 bytes, over the limit of 8000");
}

TEST_CASE("auth http: a header line past cpp-httplib's 8 KiB cap is a JSON 431 naming the limit (RFC 6585 §5)") {
  AuthServer server;
  for (std::size_t size : {std::size_t{9000}, std::size_t{100 * 1024}}) {
    CAPTURE(size);
    auto res = server.get_with_token("/api/films/1/", std::string(size, 'A'));
    REQUIRE(res);
    CHECK(res->status == 431);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    CHECK(nlohmann::json::parse(res->body)["detail"] ==
          "a request header line is longer than 8192 bytes, the limit for each header (name, value and CRLF); a "
          "bearer token may be at most 8000 bytes");
  }
}

TEST_CASE("auth http: ?access_token= is refused by default: 400 invalid_request") {
  AuthServer server;
  auto res = server.get("/api/films/1/?access_token=" + good_token());
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(rule_of(res) == "query_token_refused");
  CHECK(nlohmann::json::parse(res->body)["error_description"].get<std::string>().starts_with(
      "query_token_refused: access_token in the URL query is refused"));
}

TEST_CASE("auth http: --allow-query-token accepts the query form, but not both forms at once") {
  AuthServer server({rsa_key()}, {"--allow-query-token"});
  std::string token = good_token();
  auto res = server.get("/api/films/1/?access_token=" + token);
  REQUIRE(res);
  CHECK(res->status == 200);
  res = server.get("/api/films/1/?access_token=" + token, bearer(token));
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(rule_of(res) == "token_in_header_and_query");
}

TEST_CASE("auth http: a bad token: 401 with error=invalid_token, the rule and the same reason in the body") {
  AuthServer server;
  auto res = server.get_with_token("/api/films/1/", defect_token("bad-signature", kIssuer));
  REQUIRE(res);
  CHECK(res->status == 401);
  // RFC 6750 §3 allows no '"' in error_description: the kid's quotes become apostrophes.
  std::string expected = "bad_signature: the RS256 signature does not verify with key '" + rsa_key().kid + "'";
  CHECK(res->get_header_value("WWW-Authenticate") ==
        R"(Bearer realm="swapi", error="invalid_token", error_description=")" + expected + "\"");
  auto body = nlohmann::json::parse(res->body);
  CHECK(body["error"] == "invalid_token");
  CHECK(body["error_description"] == expected);
  CHECK(body["detail"] == "the RS256 signature does not verify with key \"" + rsa_key().kid + "\"");
  CHECK(log_contains(server.process(), "GET /api/films/1/ 401"));
  CHECK(log_contains(server.process(), "auth=bad_signature"));
}

TEST_CASE("auth http: the loopback flavor answers in LoopBack's error shape") {
  AuthServer server({rsa_key()}, {"--flavor", "loopback"});
  auto res = server.get("/api/films/1");
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(nlohmann::json::parse(res->body) ==
        nlohmann::json::parse(R"({"error":{"statusCode":401,"name":"Error","message":"Authorization Required","code":"AUTHORIZATION_REQUIRED"}})"));
  res = server.get_with_token("/api/films/1", defect_token("bad-signature", kIssuer));
  REQUIRE(res);
  auto error = nlohmann::json::parse(res->body)["error"];
  CHECK(error["statusCode"] == 401);
  CHECK(error["name"] == "UnauthorizedError");
  CHECK(error["code"] == "invalid_token");
  CHECK(error["message"].get<std::string>().starts_with("bad_signature: "));
  res = server.get_with_token("/api/films/1", good_token());
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("auth http: public endpoints need no token") {
  ServerProcess server;  // the local issuer's routes exist only with the local keyset
  for (const char* path : {"/healthz", "/openapi.json", "/.well-known/jwks.json", "/.well-known/openid-configuration"}) {
    auto res = server.client().Get(path);
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 200, path);
  }
}

TEST_CASE("auth http: --no-auth opens every route and the banner says so") {
  ServerProcess server({"--no-auth"});
  auto res = server.client().Get("/api/films/1/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(output_contains(server, "auth: OFF (--no-auth): every /api route is open to anyone"));
}

TEST_CASE("auth http: the banner states what a token must carry") {
  AuthServer server;
  CHECK(output_contains(server.process(), "auth: JWT required: iss https://issuer.test/, aud https://starwarsapi.com, algs RS256; keys: JWKS file "));
}
