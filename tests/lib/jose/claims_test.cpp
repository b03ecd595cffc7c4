// validate_claims with a fixed clock, and extract_scopes.
#include <doctest/doctest.h>

#include "core_test_helpers.h"
#include "jose/claims.h"
#include "jose/scopes.h"

using namespace swapi::jose;
using namespace swapi::jose::test;
using nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z

const json kHeader = {{"alg", "RS256"}, {"typ", "JWT"}};

ClaimsPolicy policy() {
  ClaimsPolicy p;
  p.issuer = "https://tenant.auth0.com/";
  p.audiences = {"https://starwarsapi.com"};
  return p;  // leeway 5 s, exp required
}

json claims(std::int64_t exp = kNow + 3600) {
  return {{"iss", "https://tenant.auth0.com/"}, {"aud", "https://starwarsapi.com"}, {"exp", exp}};
}

Error claim_error(const json& c, const ClaimsPolicy& p = policy(), const json& header = kHeader) {
  return thrown_error([&] { validate_claims(header, c, p, kNow); });
}

}  // namespace

TEST_CASE("claims: a token valid now passes") {
  CHECK_NOTHROW(validate_claims(kHeader, claims(), policy(), kNow));
}

TEST_CASE("claims: exp boundary with 5 s leeway, fixed clock") {
  // Expired when now >= exp + leeway (RFC 7519 §4.1.4: now MUST be before exp).
  CHECK_NOTHROW(validate_claims(kHeader, claims(kNow - 4), policy(), kNow));  // 1 s inside
  Error at = claim_error(claims(kNow - 5));                                  // exactly at the edge
  CHECK(at.code() == Errc::expired);
  CHECK(at.detail() == "token expired at 2023-11-14T22:13:15Z (now 2023-11-14T22:13:20Z, leeway 5 s)");
  CHECK(claim_error(claims(kNow - 6)).code() == Errc::expired);  // 1 s past
}

TEST_CASE("claims: exp boundary without leeway") {
  ClaimsPolicy strict = policy();
  strict.leeway = std::chrono::seconds(0);
  CHECK_NOTHROW(validate_claims(kHeader, claims(kNow + 1), strict, kNow));
  CHECK(claim_error(claims(kNow), strict).code() == Errc::expired);
  CHECK(claim_error(claims(kNow - 1), strict).code() == Errc::expired);
}

TEST_CASE("claims: fractional exp is a NumericDate too") {
  json c = claims();
  c["exp"] = static_cast<double>(kNow) - 4.5;  // expires at now - 4.5 + 5 = now + 0.5
  CHECK_NOTHROW(validate_claims(kHeader, c, policy(), kNow));
  c["exp"] = static_cast<double>(kNow) - 5.5;
  CHECK(claim_error(c).code() == Errc::expired);
}

TEST_CASE("claims: missing exp is missing_exp unless exp is optional") {
  json c = claims();
  c.erase("exp");
  Error error = claim_error(c);
  CHECK(error.code() == Errc::missing_exp);
  CHECK(error.detail() == "token has no exp claim");
  ClaimsPolicy optional = policy();
  optional.require_exp = false;
  CHECK_NOTHROW(validate_claims(kHeader, c, optional, kNow));
}

TEST_CASE("claims: exp, nbf or iat that is not a number is malformed") {
  for (const char* name : {"exp", "nbf", "iat"}) {
    CAPTURE(name);
    for (const json& value : {json("1700003600"), json(true), json(nullptr), json::array({1}), json::object()}) {
      json c = claims();
      c[name] = value;
      Error error = claim_error(c);
      CHECK(error.code() == Errc::malformed);
      CHECK(error.detail() == std::string("claim \"") + name + "\" is not a number (NumericDate)");
    }
  }
}

TEST_CASE("claims: nbf boundary with leeway") {
  json c = claims();
  c["nbf"] = kNow + 5;  // exactly at the edge: allowed
  CHECK_NOTHROW(validate_claims(kHeader, c, policy(), kNow));
  c["nbf"] = kNow + 4;
  CHECK_NOTHROW(validate_claims(kHeader, c, policy(), kNow));
  c["nbf"] = kNow + 6;
  Error error = claim_error(c);
  CHECK(error.code() == Errc::not_yet_valid);
  CHECK(error.detail() == "token is not valid before 2023-11-14T22:13:26Z (now 2023-11-14T22:13:20Z, leeway 5 s)");
}

TEST_CASE("claims: iat boundary with leeway") {
  json c = claims();
  c["iat"] = kNow + 5;
  CHECK_NOTHROW(validate_claims(kHeader, c, policy(), kNow));
  c["iat"] = kNow + 4;
  CHECK_NOTHROW(validate_claims(kHeader, c, policy(), kNow));
  c["iat"] = kNow + 6;
  Error error = claim_error(c);
  CHECK(error.code() == Errc::issued_in_future);
  CHECK(error.detail() == "token was issued in the future, at 2023-11-14T22:13:26Z (now 2023-11-14T22:13:20Z, leeway 5 s)");
  c["iat"] = kNow - 86400;  // long ago is fine
  CHECK_NOTHROW(validate_claims(kHeader, c, policy(), kNow));
}

TEST_CASE("claims: iss must match exactly, trailing slash included") {
  json c = claims();
  c["iss"] = "https://tenant.auth0.com";
  Error error = claim_error(c);
  CHECK(error.code() == Errc::wrong_iss);
  CHECK(error.detail() == "iss \"https://tenant.auth0.com\" is not \"https://tenant.auth0.com/\"");

  ClaimsPolicy no_slash = policy();
  no_slash.issuer = "https://tenant.auth0.com";
  CHECK(claim_error(claims(), no_slash).code() == Errc::wrong_iss);

  c["iss"] = "https://TENANT.auth0.com/";
  CHECK(claim_error(c).code() == Errc::wrong_iss);
  c.erase("iss");
  CHECK(claim_error(c).detail() == "token has no iss; expected \"https://tenant.auth0.com/\"");
  c["iss"] = 42;
  CHECK(claim_error(c).code() == Errc::malformed);
}

TEST_CASE("claims: empty issuer in the policy skips the iss check") {
  ClaimsPolicy any = policy();
  any.issuer.clear();
  json c = claims();
  c["iss"] = "https://elsewhere.example/";
  CHECK_NOTHROW(validate_claims(kHeader, c, any, kNow));
}

TEST_CASE("claims: aud as a string must be an expected audience") {
  json c = claims();
  c["aud"] = "https://other.example";
  Error error = claim_error(c);
  CHECK(error.code() == Errc::wrong_aud);
  CHECK(error.detail() == "aud \"https://other.example\" does not contain \"https://starwarsapi.com\"");
}

TEST_CASE("claims: aud as an array must contain an expected audience") {
  json c = claims();
  c["aud"] = json::array({"https://tenant.auth0.com/userinfo", "https://starwarsapi.com"});
  CHECK_NOTHROW(validate_claims(kHeader, c, policy(), kNow));
  c["aud"] = json::array({"https://tenant.auth0.com/userinfo"});
  CHECK(claim_error(c).code() == Errc::wrong_aud);
  c["aud"] = json::array();
  CHECK(claim_error(c).code() == Errc::wrong_aud);
}

TEST_CASE("claims: any of several expected audiences is enough") {
  ClaimsPolicy two = policy();
  two.audiences = {"api-a", "api-b"};
  json c = claims();
  c["aud"] = "api-b";
  CHECK_NOTHROW(validate_claims(kHeader, c, two, kNow));
}

TEST_CASE("claims: aud missing is wrong_aud, aud of the wrong type is malformed") {
  json c = claims();
  c.erase("aud");
  Error missing = claim_error(c);
  CHECK(missing.code() == Errc::wrong_aud);
  CHECK(missing.detail() == "token has no aud; expected \"https://starwarsapi.com\"");
  c["aud"] = json::array({"https://starwarsapi.com", 7});
  CHECK(claim_error(c).code() == Errc::malformed);
  c["aud"] = 7;
  CHECK(claim_error(c).code() == Errc::malformed);
  ClaimsPolicy any = policy();
  any.audiences.clear();
  c.erase("aud");
  CHECK_NOTHROW(validate_claims(kHeader, c, any, kNow));
}

TEST_CASE("claims: typ must be one of the allowed types, case-insensitive, application/ optional") {
  ClaimsPolicy typed = policy();
  typed.allowed_typ = {"JWT", "at+jwt"};
  for (const char* typ : {"JWT", "jwt", "at+jwt", "AT+JWT", "application/at+jwt", "Application/JWT"}) {
    CAPTURE(typ);
    CHECK_NOTHROW(validate_claims({{"alg", "RS256"}, {"typ", typ}}, claims(), typed, kNow));
  }
  Error wrong = claim_error(claims(), typed, {{"alg", "RS256"}, {"typ", "dpop+jwt"}});
  CHECK(wrong.code() == Errc::wrong_typ);
  CHECK(wrong.detail() == "typ \"dpop+jwt\" is not one of JWT, at+jwt");
  CHECK(claim_error(claims(), typed, {{"alg", "RS256"}}).code() == Errc::wrong_typ);
  CHECK(claim_error(claims(), typed, {{"alg", "RS256"}, {"typ", 1}}).code() == Errc::malformed);

  ClaimsPolicy access_tokens_only = policy();
  access_tokens_only.allowed_typ = {"application/at+jwt"};
  CHECK_NOTHROW(validate_claims({{"alg", "RS256"}, {"typ", "at+jwt"}}, claims(), access_tokens_only, kNow));
  CHECK(claim_error(claims(), access_tokens_only).code() == Errc::wrong_typ);  // kHeader has typ JWT
}

TEST_CASE("claims: no typ check when the policy allows any") {
  CHECK_NOTHROW(validate_claims({{"alg", "RS256"}, {"typ", "anything"}}, claims(), policy(), kNow));
}

TEST_CASE("claims: claims that are not an object are malformed") {
  CHECK(claim_error(json::array()).code() == Errc::malformed);
}

TEST_CASE("scopes: union of scope, scp string, scp array and permissions") {
  json c = {{"scope", "read:people  read:films"},
            {"scp", json::array({"read:planets", "read:people"})},
            {"permissions", json::array({"write:films", "read:starships"})}};
  CHECK(extract_scopes(c) ==
        std::set<std::string>{"read:people", "read:films", "read:planets", "write:films", "read:starships"});
  json scp_string = {{"scp", "read:vehicles write:vehicles"}};
  CHECK(extract_scopes(scp_string) == std::set<std::string>{"read:vehicles", "write:vehicles"});
}

TEST_CASE("scopes: members of other types are ignored") {
  json c = {{"scope", json::array({"read:people"})},
            {"scp", 5},
            {"permissions", json::array({"read:films", 3, nullptr, json::array({"x"})})}};
  CHECK(extract_scopes(c) == std::set<std::string>{"read:films"});
  json permission_string = {{"permissions", "read:people"}};  // Auth0 RBAC is an array only
  CHECK(extract_scopes(permission_string).empty());
  CHECK(extract_scopes(json::object()).empty());
  CHECK(extract_scopes(json{{"scope", ""}}).empty());
}
