// validate_token: the whole contract in the guard's order (syntax, signature, claims, scopes),
// the one code path `swapi serve` and `swapi token verify` share.
#include <doctest/doctest.h>

#include "core_test_helpers.h"
#include "jose/jws.h"
#include "jose/token_validation.h"

using namespace swapi::jose;
using namespace swapi::jose::test;
using nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1700000000;

TokenRules rules(std::vector<std::string> scopes = {"read:films"}) {
  TokenRules r;
  r.claims.issuer = "https://tenant.auth0.com/";
  r.claims.audiences = {"https://starwarsapi.com"};
  r.required_scopes = std::move(scopes);
  return r;
}

std::string token(json claims_patch = json::object()) {
  json claims = {{"iss", "https://tenant.auth0.com/"}, {"aud", "https://starwarsapi.com"},
                 {"exp", kNow + 600}, {"scope", "read:films read:people"}};
  for (const auto& [name, value] : claims_patch.items()) claims[name] = value;
  const Jwk& key = shared_key(Alg::ES256);
  return sign_compact(json{{"alg", "ES256"}, {"kid", key.kid}}, claims.dump(), key);
}

Errc code_of(const std::string& text, const TokenRules& r = rules()) {
  std::vector<Jwk> keys = {public_part(shared_key(Alg::ES256))};
  std::vector<Alg> algs = {Alg::ES256};
  return thrown_code([&] { validate_token(text, keys, algs, r, kNow); });
}

}  // namespace

TEST_CASE("validate_token: a good token passes and comes back verified") {
  std::vector<Jwk> keys = {public_part(shared_key(Alg::ES256))};
  std::vector<Alg> algs = {Alg::ES256};
  auto verified = validate_token(token(), keys, algs, rules({"read:films", "read:people"}), kNow);
  CHECK(verified.alg == Alg::ES256);
  CHECK(verified.key == &keys[0]);
  CHECK(verified.claims["scope"] == "read:films read:people");
}

TEST_CASE("validate_token: each rule, in order") {
  CHECK(code_of(std::string(9000, 'a')) == Errc::token_too_large);
  CHECK(code_of("a b") == Errc::malformed);                      // not a b64token
  std::string tampered = token();
  char& inside = tampered[tampered.rfind('.') + 5];  // mid-signature: still canonical base64url
  inside = inside == 'A' ? 'B' : 'A';
  CHECK(code_of(tampered) == Errc::bad_signature);
  CHECK(code_of(token({{"exp", kNow - 60}})) == Errc::expired);  // signature before claims
  CHECK(code_of(token({{"iss", "https://other/"}})) == Errc::wrong_iss);
  CHECK(code_of(token(), rules({"write:films"})) == Errc::insufficient_scope);
  // Scopes come last: an expired token without the scope is expired, not forbidden.
  CHECK(code_of(token({{"exp", kNow - 60}}), rules({"write:films"})) == Errc::expired);
}

TEST_CASE("validate_token: the size limit is configurable and the scope message names what is missing") {
  TokenRules small = rules();
  small.max_token_bytes = 10;
  CHECK(code_of(token(), small) == Errc::token_too_large);
  auto error = thrown_error([&] {
    std::vector<Jwk> keys = {public_part(shared_key(Alg::ES256))};
    std::vector<Alg> algs = {Alg::ES256};
    validate_token(token(), keys, algs, rules({"read:films", "write:films", "write:people"}), kNow);
  });
  CHECK(error.detail() == "the token lacks scope write:films write:people (from scope, scp or permissions)");
}
