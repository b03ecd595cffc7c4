// The defect catalogue: every row of DESIGN.md's table, stable case names, the kid variants,
// black-box mode, and — the point of it all — every case refused by our own validator for the
// reason it claims (and the good ones accepted), on a fixed clock.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/keygen.h"
#include "jose/token_validation.h"
#include "testkit/defect_catalogue.h"
#include "testkit/forgery.h"
#include "testkit/mint.h"

using namespace swapi;
using namespace swapi::testkit;

namespace {

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
const std::string kIssuer = "http://127.0.0.1:8080/";
const std::string kAudience = "https://starwarsapi.com";

const jose::Jwk& rsa() { static const jose::Jwk key = jose::generate_key(jose::Alg::RS256); return key; }
const jose::Jwk& ec() { static const jose::Jwk key = jose::generate_key(jose::Alg::ES256); return key; }

CaseContext context_for(const jose::Jwk& key, std::vector<std::string> scopes = {"read:films"}) {
  CaseContext context;
  context.signing_key = key;
  context.issuer = kIssuer;
  context.audience = kAudience;
  context.scopes = std::move(scopes);
  context.now = kNow;
  context.trusted_public_keys = {jose::public_part(key)};
  context.canary_base_url = "http://127.0.0.1:4000";
  return context;
}

std::set<std::string> names_of(const std::vector<AttackCase>& cases) {
  std::set<std::string> names;
  for (const auto& attack : cases) names.insert(attack.name);
  return names;
}

const AttackCase& case_named(const std::vector<AttackCase>& cases, const std::string& name) {
  auto found = std::find_if(cases.begin(), cases.end(), [&](const AttackCase& c) { return c.name == name; });
  REQUIRE_MESSAGE(found != cases.end(), "no case " << name);
  return *found;
}

// What our validator (the one serve and `token verify` share) says: "ok" or the rule code.
std::string verdict(const std::string& token, const std::vector<jose::Jwk>& keys,
                    std::vector<std::string> scopes = {"read:films"}) {
  std::vector<jose::Alg> algs;
  for (const auto& key : keys)
    if (key.alg) algs.push_back(*key.alg);
  jose::TokenRules rules;
  rules.claims.issuer = kIssuer;
  rules.claims.audiences = {kAudience};
  rules.required_scopes = std::move(scopes);
  try {
    jose::validate_token(token, keys, algs, rules, kNow);
    return "ok";
  } catch (const jose::Error& error) {
    return std::string(jose::code_name(error.code()));
  }
}

}  // namespace

TEST_CASE("the catalogue has every row of DESIGN.md's table, in order, with what a correct server answers") {
  std::vector<std::string> names;
  for (const auto& defect : defect_catalogue()) {
    names.emplace_back(defect.name);
    CHECK_MESSAGE(!defect.sentence.empty(), defect.name);
    CHECK_MESSAGE(!defect.expected.empty(), defect.name);
  }
  CHECK(names == std::vector<std::string>{
                     "valid", "lowercase-bearer", "no-token", "wrong-scheme", "two-authorization-headers",
                     "query-token", "expired", "not-yet-valid", "issued-in-future", "no-exp", "wrong-iss",
                     "iss-slash", "wrong-aud", "no-aud", "missing-scope", "bad-signature", "empty-signature",
                     "wrong-key", "unknown-kid", "alg-none", "hs256-with-public-key", "embedded-jwk", "jku", "x5u",
                     "x5c", "crit", "kid-path-traversal", "psychic-signature", "malformed", "padded-base64",
                     "duplicate-claims", "oversize"});
  CHECK(find_defect("valid")->expected == std::vector<int>{200});
  CHECK(find_defect("missing-scope")->expected == std::vector<int>{403});
  CHECK(find_defect("two-authorization-headers")->expected == std::vector<int>{400, 401});
  CHECK(find_defect("oversize")->expected == std::vector<int>{400, 401, 413, 431});
  CHECK(statuses_text(find_defect("oversize")->expected) == "400|401|413|431");
  CHECK_FALSE(find_defect("alg-none")->needs_private_key);
  CHECK(find_defect("expired")->needs_private_key);
  CHECK(find_defect("alg-none")->black_box);
  CHECK_FALSE(find_defect("expired")->black_box);
}

TEST_CASE("a misspelt defect name gets the nearest one, nonsense gets none") {
  CHECK(find_defect("alg-nnoe") == nullptr);
  CHECK(suggest_defect("alg-nnoe") == "alg-none");
  CHECK(suggest_defect("expierd") == "expired");
  CHECK(suggest_defect("EXPIRED") == "expired");
  CHECK_FALSE(suggest_defect("completely-different-thing").has_value());
}

TEST_CASE("structural attacks come with and without the trusted kid, named for which") {
  auto cases = all_cases(context_for(rsa()));
  auto names = names_of(cases);
  CHECK(names.size() == cases.size());  // unique in a run
  for (const char* spelling : {"lower", "capitalized", "upper", "mixed"}) {
    CHECK(names.count(std::string("alg-none-") + spelling + "-kid"));
    CHECK(names.count(std::string("alg-none-") + spelling + "-nokid"));
  }
  for (const char* form : {"spki-pem", "spki-pem-nonl", "pkcs1-pem", "pkcs1-pem-nonl", "der", "jwk"}) {
    CHECK(names.count(std::string("hs256-with-public-key-") + form + "-kid"));
    CHECK(names.count(std::string("hs256-with-public-key-") + form + "-nokid"));
  }
  for (const char* attack : {"embedded-jwk", "jku", "x5u", "crit-exp", "crit-unknown"}) {
    CHECK(names.count(std::string(attack) + "-kid"));
    CHECK(names.count(std::string(attack) + "-nokid"));
  }
  CHECK(names.count("psychic-signature") == 0);  // no EC key trusted
  auto header = jose::parse_compact(case_named(cases, "alg-none-upper-kid").credentials.token).header;
  CHECK(header["alg"] == "NONE");
  CHECK(header["kid"] == rsa().kid);
  CHECK_FALSE(jose::parse_compact(case_named(cases, "alg-none-upper-nokid").credentials.token).header.contains("kid"));
}

TEST_CASE("every case is answered by our validator as the catalogue promises") {
  auto cases = all_cases(context_for(rsa()));
  std::vector<jose::Jwk> keys = {jose::public_part(rsa())};
  // Transport defects carry the good token; how it is sent is what is wrong.
  const std::set<std::string> good_token = {"valid", "lowercase-bearer", "wrong-scheme", "two-authorization-headers",
                                            "query-token"};
  for (const auto& attack : cases) {
    CAPTURE(attack.name);
    if (attack.defect == "no-token") {
      CHECK(attack.credentials.placement == Credentials::Placement::none);
      continue;
    }
    std::string got = verdict(attack.credentials.token, keys);
    if (good_token.count(attack.defect)) {
      CHECK(got == "ok");
    } else if (attack.defect == "missing-scope") {
      CHECK(got == "insufficient_scope");
    } else if (attack.defect == "oversize") {
      CHECK(got == "token_too_large");
    } else {
      CHECK(got != "ok");
      CHECK(got != "insufficient_scope");
    }
    bool expects_401 = std::count(attack.expected.begin(), attack.expected.end(), 401) > 0;
    CHECK(attack.challenge_required == expects_401);
  }
  // And the precise rules, where one is the point of the case.
  auto rule = [&](const std::string& name) { return verdict(case_named(cases, name).credentials.token, keys); };
  CHECK(rule("expired") == "expired");
  CHECK(rule("not-yet-valid") == "not_yet_valid");
  CHECK(rule("issued-in-future") == "issued_in_future");
  CHECK(rule("no-exp") == "missing_exp");
  CHECK(rule("wrong-iss") == "wrong_iss");
  CHECK(rule("iss-slash") == "wrong_iss");
  CHECK(rule("wrong-aud") == "wrong_aud");
  CHECK(rule("no-aud") == "wrong_aud");
  CHECK(rule("bad-signature") == "bad_signature");
  CHECK(rule("empty-signature") == "bad_signature");
  CHECK(rule("wrong-key") == "bad_signature");
  CHECK(rule("unknown-kid") == "unknown_kid");
  CHECK(rule("alg-none-mixed-nokid") == "alg_not_allowed");
  CHECK(rule("hs256-with-public-key-der-kid") == "alg_not_allowed");
  CHECK(rule("embedded-jwk-kid") == "bad_signature");
  CHECK(rule("crit-exp-kid") == "crit_unsupported");
  CHECK(rule("kid-path-traversal") == "alg_not_allowed");
  CHECK(rule("malformed-two-segments") == "malformed");
  CHECK(rule("malformed-payload-not-json") == "malformed");
  CHECK(rule("padded-base64") == "malformed");
  CHECK(rule("duplicate-claims") == "malformed");
}

TEST_CASE("the forged tokens are real attacks: a vulnerable verifier would accept them") {
  auto cases = all_cases(context_for(rsa()));
  // hs256-with-public-key: the HMAC is keyed with exactly the bytes a confused server would use.
  for (auto form : {PublicKeyForm::spki_pem, PublicKeyForm::pkcs1_pem_no_newline, PublicKeyForm::der}) {
    jose::Jwk secret;
    secret.type = jose::KeyType::oct;
    secret.is_private = true;
    secret.secret = public_key_bytes(rsa(), form);
    std::string name = "hs256-with-public-key-" + std::string(form_name(form)) + "-kid";
    CAPTURE(name);
    auto jws = jose::parse_compact(case_named(cases, name).credentials.token);
    CHECK(jose::verify_bytes(jose::Alg::HS256, secret, jws.signing_input, jws.signature));
  }
  CHECK(public_key_bytes(rsa(), PublicKeyForm::spki_pem).starts_with("-----BEGIN PUBLIC KEY-----"));
  CHECK(public_key_bytes(rsa(), PublicKeyForm::pkcs1_pem).starts_with("-----BEGIN RSA PUBLIC KEY-----"));
  CHECK(public_key_bytes(rsa(), PublicKeyForm::spki_pem).ends_with("\n"));
  CHECK_FALSE(public_key_bytes(rsa(), PublicKeyForm::spki_pem_no_newline).ends_with("\n"));

  // jku: the set the canary serves verifies the token, under the kid the token names.
  const auto& jku = case_named(cases, "jku-kid");
  auto header = jose::parse_compact(jku.credentials.token).header;
  REQUIRE(jku.canary_path);
  CHECK(header["jku"] == "http://127.0.0.1:4000" + *jku.canary_path);
  auto served = jose::parse_jwks(jku.canary_body);
  REQUIRE(served.keys.size() == 1);
  CHECK(served.keys[0].kid == rsa().kid);
  std::vector<jose::Alg> rs256 = {jose::Alg::RS256};
  CHECK_NOTHROW(jose::verify_compact(jku.credentials.token, served.keys, rs256));

  // embedded-jwk: the embedded key verifies the token.
  auto embedded = jose::parse_compact(case_named(cases, "embedded-jwk-nokid").credentials.token).header;
  std::vector<jose::Jwk> attacker = {jose::parse_jwk(embedded["jwk"])};
  CHECK_NOTHROW(jose::verify_compact(case_named(cases, "embedded-jwk-nokid").credentials.token, attacker, rs256));

  // x5u serves a PEM certificate; x5c carries standard base64 DER.
  CHECK(case_named(cases, "x5u-nokid").canary_body.starts_with("-----BEGIN CERTIFICATE-----\n"));
  auto x5c = jose::parse_compact(case_named(cases, "x5c").credentials.token).header["x5c"];
  REQUIRE(x5c.is_array());
  CHECK(x5c[0].get<std::string>().find_first_of("-_") == std::string::npos);

  // padded-base64 has '=' padding; oversize is over 16 KiB; duplicate-claims says exp twice.
  CHECK(case_named(cases, "padded-base64").credentials.token.find('=') != std::string::npos);
  CHECK(case_named(cases, "oversize").credentials.token.size() > 16384);
  std::string duplicate = jose::parse_compact(case_named(cases, "duplicate-claims").credentials.token).payload;
  CHECK(duplicate.find("\"exp\":") != duplicate.rfind("\"exp\":"));
}

TEST_CASE("an EC key gets the psychic signature and no PKCS#1 forms") {
  auto cases = all_cases(context_for(ec()));
  auto names = names_of(cases);
  CHECK(names.count("psychic-signature"));
  CHECK(names.count("hs256-with-public-key-spki-pem-kid"));
  CHECK(names.count("hs256-with-public-key-pkcs1-pem-kid") == 0);
  auto jws = jose::parse_compact(case_named(cases, "psychic-signature").credentials.token);
  CHECK(jws.header["alg"] == "ES256");
  CHECK(jws.signature == std::string(64, '\0'));
  CHECK(verdict(case_named(cases, "psychic-signature").credentials.token, {jose::public_part(ec())}) == "bad_signature");
}

TEST_CASE("missing-scope drops the last scope the route needs, and is absent when it needs none") {
  auto cases = all_cases(context_for(rsa(), {"read:films", "write:films"}));
  auto claims = nlohmann::json::parse(jose::parse_compact(case_named(cases, "missing-scope").credentials.token).payload);
  CHECK(claims["scope"] == "read:films");
  CHECK(names_of(all_cases(context_for(rsa(), {}))).count("missing-scope") == 0);
}

TEST_CASE("without a signing key only the cases that need none are made") {
  CaseContext context = context_for(rsa());
  context.signing_key.reset();
  auto cases = all_cases(context);
  for (const auto& attack : cases) CHECK_FALSE_MESSAGE(find_defect(attack.defect)->needs_private_key, attack.name);
  auto names = names_of(cases);
  CHECK(names.count("alg-none-lower-kid"));  // the trusted public key's kid
  CHECK(names.count("no-token"));
  CHECK(names.count("valid") == 0);
}

TEST_CASE("crit is signed by the trusted key, so neither a public key nor black-box mode makes it") {
  // A crit token that is not validly signed is refused for its signature by every server: it
  // could not tell a server that honours crit from one that ignores it.
  CHECK(find_defect("crit")->needs_private_key);
  CHECK_FALSE(find_defect("crit")->black_box);
  auto signed_cases = all_cases(context_for(rsa()));
  CHECK(names_of(signed_cases).count("crit-exp-kid"));
  CHECK(names_of(signed_cases).count("crit-unknown-nokid"));
  CaseContext unsigned_context = context_for(rsa());
  unsigned_context.signing_key.reset();
  CHECK(cases_for(*find_defect("crit"), unsigned_context).empty());
}

TEST_CASE("black-box mode mutates the foreign token and makes only black-box cases") {
  TokenSpec spec;
  spec.issuer = "https://tenant.example.auth0.com/";
  spec.audiences = {"https://api.example"};
  spec.issued_at = kNow;
  spec.expires_at = kNow + 600;
  std::string foreign = mint_token(ec(), spec);
  CaseContext context;
  context.foreign_token = foreign;
  context.trusted_public_keys = {jose::public_part(ec())};
  auto cases = all_cases(context);
  for (const auto& attack : cases) CHECK_MESSAGE(find_defect(attack.defect)->black_box, attack.name);
  CHECK(case_named(cases, "valid").credentials.token == foreign);
  CHECK(case_named(cases, "lowercase-bearer").credentials.scheme == "bearer");
  std::string payload = foreign.substr(foreign.find('.') + 1, foreign.rfind('.') - foreign.find('.') - 1);
  const auto& none = case_named(cases, "alg-none-upper-kid").credentials.token;
  CHECK(none.substr(none.find('.') + 1, none.rfind('.') - none.find('.') - 1) == payload);
  CHECK(names_of(cases).count("psychic-signature"));
  CHECK(names_of(cases).count("expired") == 0);
  CHECK(names_of(cases).count("hs256-with-public-key-spki-pem-kid"));

  context.foreign_token = "not-a-token";
  CHECK_THROWS_AS(all_cases(context), jose::Error);
}
