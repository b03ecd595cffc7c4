// Minting: the claims a good token carries, header members, merges, and batches of distinct
// tokens that all verify.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "jose/jws.h"
#include "jose/keygen.h"
#include "jose/token_validation.h"
#include "testkit/mint.h"

using namespace swapi;
using namespace swapi::testkit;

namespace {

constexpr std::int64_t kNow = 1767225600;

const jose::Jwk& es256() { static const jose::Jwk key = jose::generate_key(jose::Alg::ES256); return key; }

TokenSpec spec() {
  TokenSpec s;
  s.issuer = "http://127.0.0.1:8080/";
  s.audiences = {"https://starwarsapi.com"};
  s.subject = "swapi-cli";
  s.scopes = {"read:films", "read:people"};
  s.issued_at = kNow;
  s.expires_at = kNow + 3600;
  return s;
}

}  // namespace

TEST_CASE("a minted token carries iss, aud, sub, iat, exp, jti and scope, and verifies") {
  std::string token = mint_token(es256(), spec());
  std::vector<jose::Jwk> keys = {jose::public_part(es256())};
  std::vector<jose::Alg> algs = {jose::Alg::ES256};
  jose::TokenRules rules;
  rules.claims.issuer = "http://127.0.0.1:8080/";
  rules.claims.audiences = {"https://starwarsapi.com"};
  rules.required_scopes = {"read:films"};
  auto verified = jose::validate_token(token, keys, algs, rules, kNow + 10);
  CHECK(verified.header == nlohmann::json{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", es256().kid}});
  CHECK(verified.claims["iss"] == "http://127.0.0.1:8080/");
  CHECK(verified.claims["aud"] == "https://starwarsapi.com");
  CHECK(verified.claims["sub"] == "swapi-cli");
  CHECK(verified.claims["iat"] == kNow);
  CHECK(verified.claims["exp"] == kNow + 3600);
  CHECK(verified.claims["scope"] == "read:films read:people");
  CHECK(verified.claims["jti"].get<std::string>().size() == 22);  // 16 bytes, base64url
}

TEST_CASE("claims: several audiences make an array, nbf when asked, extras merge last and null removes") {
  TokenSpec s = spec();
  s.audiences = {"a", "b"};
  s.not_before = kNow + 60;
  s.extra_claims = {{"tenant", "acme"}, {"sub", nullptr}, {"scope", "admin"}};
  auto claims = build_claims(s, "id-1");
  CHECK(claims["aud"] == nlohmann::json::array({"a", "b"}));
  CHECK(claims["nbf"] == kNow + 60);
  CHECK(claims["tenant"] == "acme");
  CHECK(claims["scope"] == "admin");
  CHECK_FALSE(claims.contains("sub"));
  CHECK(claims["jti"] == "id-1");
  s.audiences.clear();
  s.scopes.clear();
  s.expires_at.reset();
  s.with_jti = false;
  claims = build_claims(s, "id-1");
  CHECK_FALSE(claims.contains("aud"));
  CHECK_FALSE(claims.contains("exp"));
  CHECK_FALSE(claims.contains("jti"));
}

TEST_CASE("header: extras over alg/typ/kid, null removes; a key without alg cannot mint") {
  auto header = build_header(es256(), {{"typ", "at+jwt"}, {"kid", nullptr}, {"x-test", 1}});
  CHECK(header == nlohmann::json{{"alg", "ES256"}, {"typ", "at+jwt"}, {"x-test", 1}});
  jose::Jwk no_alg = es256();
  no_alg.alg.reset();
  CHECK_THROWS_AS(build_header(no_alg), jose::Error);
}

TEST_CASE("a batch is N distinct tokens, one per line, in order, each verifying; two threads change nothing but speed") {
  for (unsigned threads : {1u, 2u}) {
    CAPTURE(threads);
    std::ostringstream out;
    mint_batch(es256(), spec(), 5000, threads, out);
    std::istringstream lines(out.str());
    std::set<std::string> jtis;
    std::vector<jose::Jwk> keys = {jose::public_part(es256())};
    std::vector<jose::Alg> algs = {jose::Alg::ES256};
    std::size_t count = 0;
    std::string prefix;
    for (std::string token; std::getline(lines, token); ++count) {
      auto verified = jose::verify_signed_claims(token, keys, algs);
      std::string jti = verified.claims["jti"];
      if (prefix.empty()) prefix = jti.substr(0, jti.rfind('-') + 1);
      CHECK(jti == prefix + std::to_string(count));  // in order
      jtis.insert(jti);
      CHECK(verified.claims["scope"] == "read:films read:people");
    }
    CHECK(count == 5000);
    CHECK(jtis.size() == 5000);
  }
}

TEST_CASE("a batch keeps a jti the caller set (count 1) and an empty batch prints nothing") {
  TokenSpec s = spec();
  s.extra_claims = {{"jti", "fixed"}};
  std::ostringstream out;
  mint_batch(es256(), s, 1, 2, out);
  std::string token = out.str();
  REQUIRE(token.ends_with("\n"));
  token.pop_back();
  std::vector<jose::Jwk> keys = {jose::public_part(es256())};
  std::vector<jose::Alg> algs = {jose::Alg::ES256};
  CHECK(jose::verify_signed_claims(token, keys, algs).claims["jti"] == "fixed");
  std::ostringstream none;
  mint_batch(es256(), spec(), 0, 2, none);
  CHECK(none.str().empty());
}
