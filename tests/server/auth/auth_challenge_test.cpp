// RFC 6750 §3 answers: exact WWW-Authenticate strings and bodies in both flavors' shapes.
#include <doctest/doctest.h>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "server/auth/auth_challenge.h"

using swapi::server::BodyShape;
using swapi::server::Challenge;
using swapi::server::challenge_body;
using swapi::server::www_authenticate;
using Kind = swapi::server::Challenge::Kind;

TEST_CASE("auth challenge: no token: 401 and only the realm (RFC 6750 §3.1)") {
  Challenge challenge{Kind::no_token, "no_token", "no bearer token was sent", ""};
  CHECK(challenge.status() == 401);
  CHECK(www_authenticate(challenge) == R"(Bearer realm="swapi")");
  CHECK(nlohmann::json::parse(challenge_body(challenge, BodyShape::swapi)) ==
        nlohmann::json{{"detail", "Authentication credentials were not provided."}});
  CHECK(nlohmann::json::parse(challenge_body(challenge, BodyShape::loopback)) ==
        nlohmann::json::parse(R"({"error":{"statusCode":401,"name":"Error","message":"Authorization Required","code":"AUTHORIZATION_REQUIRED"}})"));
}

TEST_CASE("auth challenge: invalid token: 401 with error and the rule in error_description") {
  Challenge challenge{Kind::invalid_token, "expired", "token expired at 2026-01-01T00:00:00Z", ""};
  CHECK(challenge.status() == 401);
  CHECK(www_authenticate(challenge) ==
        R"(Bearer realm="swapi", error="invalid_token", error_description="expired: token expired at 2026-01-01T00:00:00Z")");
  CHECK(nlohmann::json::parse(challenge_body(challenge, BodyShape::swapi)) ==
        nlohmann::json{{"detail", "token expired at 2026-01-01T00:00:00Z"},
                       {"error", "invalid_token"},
                       {"error_description", "expired: token expired at 2026-01-01T00:00:00Z"}});
  CHECK(nlohmann::json::parse(challenge_body(challenge, BodyShape::loopback)) ==
        nlohmann::json{{"error",
                        {{"statusCode", 401},
                         {"name", "UnauthorizedError"},
                         {"message", "expired: token expired at 2026-01-01T00:00:00Z"},
                         {"code", "invalid_token"}}}});
}

TEST_CASE("auth challenge: missing scope: 403 insufficient_scope with the needed scope") {
  Challenge challenge{Kind::insufficient_scope, "insufficient_scope", "the token lacks scope read:films", "read:films"};
  CHECK(challenge.status() == 403);
  CHECK(www_authenticate(challenge) ==
        R"(Bearer realm="swapi", error="insufficient_scope", error_description="the token lacks scope read:films", scope="read:films")");
  auto body = nlohmann::json::parse(challenge_body(challenge, BodyShape::swapi));
  CHECK(body["scope"] == "read:films");
  CHECK(body["error"] == "insufficient_scope");
  CHECK(nlohmann::json::parse(challenge_body(challenge, BodyShape::loopback))["error"]["name"] == "ForbiddenError");
}

TEST_CASE("auth challenge: invalid request: 400") {
  Challenge challenge{Kind::invalid_request, "multiple_authorization_headers", "two headers", ""};
  CHECK(challenge.status() == 400);
  CHECK(www_authenticate(challenge) ==
        R"(Bearer realm="swapi", error="invalid_request", error_description="multiple_authorization_headers: two headers")");
  CHECK(nlohmann::json::parse(challenge_body(challenge, BodyShape::loopback))["error"]["name"] == "BadRequestError");
}

TEST_CASE("auth challenge: error_description keeps to RFC 6750's characters: no quote, backslash, control or non-ASCII") {
  Challenge challenge{Kind::invalid_token, "wrong_iss", "iss \"a\\b\" is not \"c\"\r\n\xc3\xa9", ""};
  CHECK(challenge.description() == "wrong_iss: iss 'a/b' is not 'c'????");
  CHECK(www_authenticate(challenge) ==
        R"(Bearer realm="swapi", error="invalid_token", error_description="wrong_iss: iss 'a/b' is not 'c'????")");
  // The body carries the same description; detail keeps the original sentence (JSON-escaped).
  auto body = nlohmann::json::parse(challenge_body(challenge, BodyShape::swapi));
  CHECK(body["error_description"] == "wrong_iss: iss 'a/b' is not 'c'????");
}

TEST_CASE("auth challenge: write_challenge sets status, header and a JSON body") {
  httplib::Response response;
  swapi::server::write_challenge(response, Challenge{Kind::no_token, "no_token", "x", ""}, BodyShape::swapi);
  CHECK(response.status == 401);
  CHECK(response.get_header_value("WWW-Authenticate") == R"(Bearer realm="swapi")");
  CHECK(response.get_header_value("Content-Type") == "application/json");
}
