// Reading why a server refused: RFC 6750 challenges and the JSON bodies of swapi.dev, OAuth
// and LoopBack.
#include <doctest/doctest.h>

#include "testkit/answer_reason.h"

using swapi::http::Response;
using swapi::testkit::answer_reason;
using swapi::testkit::bearer_challenge;
using swapi::testkit::error_description;

namespace {
Response answer(long status, std::vector<swapi::http::Header> headers, std::string body = {}) {
  Response response;
  response.status = status;
  response.headers = std::move(headers);
  response.body = std::move(body);
  return response;
}
}  // namespace

TEST_CASE("bearer_challenge: params with quoted strings, escapes, any scheme case") {
  auto params = bearer_challenge(R"(Bearer realm="swapi", error="invalid_token", error_description="expired: a \"b\" c")");
  REQUIRE(params);
  CHECK(params->at("realm") == "swapi");
  CHECK(params->at("error") == "invalid_token");
  CHECK(params->at("error_description") == "expired: a \"b\" c");
  CHECK(bearer_challenge("bearer realm=x")->at("realm") == "x");
  CHECK(bearer_challenge("Bearer")->empty());
  CHECK(bearer_challenge("BEARER Error=Token")->at("error") == "Token");
}

TEST_CASE("bearer_challenge: finds Bearer among several challenges, and only its params") {
  auto params = bearer_challenge(R"(Basic realm="a", charset="UTF-8", Bearer realm="b", error="e", Digest nonce="x")");
  REQUIRE(params);
  CHECK(params->at("realm") == "b");
  CHECK(params->at("error") == "e");
  CHECK(params->count("nonce") == 0);
  CHECK(params->count("charset") == 0);
  CHECK_FALSE(bearer_challenge(R"(Basic realm="a")"));
  CHECK_FALSE(bearer_challenge(""));
  CHECK_FALSE(bearer_challenge("Bearerx realm=a"));
  CHECK(bearer_challenge("Basic abc==, Bearer realm=z")->at("realm") == "z");
}

TEST_CASE("answer_reason: the challenge's error and description first") {
  auto r = answer(401, {{"www-authenticate", R"(Bearer realm="swapi", error="invalid_token", error_description="expired: token expired 2 min ago")"}},
                  R"({"detail":"other"})");
  CHECK(answer_reason(r) == "invalid_token: expired: token expired 2 min ago");
  CHECK(error_description(r) == "expired: token expired 2 min ago");
}

TEST_CASE("answer_reason: from the body when the challenge has no error") {
  CHECK(answer_reason(answer(401, {{"WWW-Authenticate", R"(Bearer realm="swapi")"}},
                             R"({"detail":"Authentication credentials were not provided."})")) ==
        "Authentication credentials were not provided.");
  CHECK(answer_reason(answer(400, {}, R"({"error":"invalid_request","error_description":"two headers"})")) ==
        "invalid_request: two headers");
  CHECK(error_description(answer(400, {}, R"({"error":"invalid_request","error_description":"two headers"})")) ==
        "two headers");
  CHECK(answer_reason(answer(401, {}, R"({"error":{"statusCode":401,"name":"Error","message":"Authorization Required","code":"AUTHORIZATION_REQUIRED"}})")) ==
        "Authorization Required");
  CHECK(answer_reason(answer(500, {}, R"({"message":"boom"})")) == "boom");
  CHECK(answer_reason(answer(200, {}, R"({"count":6})")).empty());
  CHECK(answer_reason(answer(502, {}, "<html>bad gateway</html>")).empty());
}

TEST_CASE("answer_reason: one printable line, bounded, whatever the server sends") {
  auto r = answer(401, {}, "{\"detail\":\"line\\none\\u001b[31mred\"}");
  CHECK(answer_reason(r) == "line one [31mred");
  auto huge = answer(401, {}, "{\"detail\":\"" + std::string(5000, 'x') + "\"}");
  CHECK(answer_reason(huge).size() == 303);
}
