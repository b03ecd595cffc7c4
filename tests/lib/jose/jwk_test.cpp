// JWK parsing, validation and serialization (RFC 7517, RFC 7518 §6, RFC 8037 §2).
#include <doctest/doctest.h>

#include "core_test_helpers.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "jose/key_policy.h"
#include "rfc_examples.h"

using namespace swapi::jose;
using namespace swapi::jose::test;
using nlohmann::json;

namespace {

json member_of(std::string_view text) { return json::parse(text); }

Error jwk_error(const json& member) {
  return thrown_error([&] { parse_jwk(member); });
}

// The RFC 7520 §3.2 P-256... no: a P-256 key from RFC 7515 A.3 is not typed in here, so EC
// tests use the RFC 7520 P-521 key and generated keys.
json cookbook_ec() { return member_of(kEs512Jwk); }
json cookbook_rsa() { return member_of(kRs256Jwk); }

}  // namespace

TEST_CASE("JWK RSA private key: members read back exactly, public part has none") {
  json original = cookbook_rsa();
  Jwk key = parse_jwk(original);
  CHECK(key.type == KeyType::rsa);
  CHECK(key.kid == "bilbo.baggins@hobbiton.example");
  CHECK(key.use == "sig");
  CHECK(key.is_private);
  CHECK(rsa_bits(key) == 2048);
  CHECK(to_json(key, true) == original);

  json public_member = to_json(key, false);
  for (const char* name : {"d", "p", "q", "dp", "dq", "qi"}) CHECK_FALSE(public_member.contains(name));
  CHECK(public_member["n"] == original["n"]);
  CHECK(public_member["e"] == "AQAB");

  Jwk public_key = public_part(key);
  CHECK_FALSE(public_key.is_private);
  CHECK(to_json(public_key, true) == public_member);  // nothing private left to print
}

TEST_CASE("JWK EC P-521 private key round-trips with full-length coordinates") {
  json original = cookbook_ec();
  Jwk key = parse_jwk(original);
  CHECK(key.type == KeyType::ec);
  CHECK(key.curve == "P-521");
  CHECK(key.is_private);
  CHECK(to_json(key, true) == original);
  CHECK_FALSE(to_json(key, false).contains("d"));
}

TEST_CASE("JWK EC keys of P-256 and P-384 round-trip through JSON") {
  for (Alg alg : {Alg::ES256, Alg::ES384}) {
    const Jwk& key = shared_key(alg);
    json member = to_json(key, true);
    Jwk reparsed = parse_jwk(member);
    CHECK(reparsed.curve == alg_curve(alg));
    CHECK(reparsed.alg == alg);
    CHECK(to_json(reparsed, true) == member);
    CHECK(thumbprint(reparsed) == key.kid);
  }
}

TEST_CASE("JWK OKP Ed25519 and oct keys round-trip") {
  json ed = member_of(kEdDsaJwk);
  CHECK(to_json(parse_jwk(ed), true) == ed);
  json oct = member_of(kHs256Jwk);
  Jwk secret = parse_jwk(oct);
  CHECK(secret.type == KeyType::oct);
  CHECK(secret.is_private);
  CHECK(secret.secret.size() == 32);
  CHECK(to_json(secret, true) == oct);
}

TEST_CASE("JWK parse from text rejects duplicate members") {
  Error error = thrown_error([] { parse_jwk(R"({"kty":"oct","k":"AAAA","k":"BBBB"})"); });
  CHECK(error.code() == Errc::invalid_key);
  CHECK(error.detail() == "JWK has a duplicate member \"k\" (RFC 7515 section 5.2)");
}

TEST_CASE("JWK and JWKS text with a number beyond double range is invalid_key, not a library exception") {
  Error key = thrown_error([] { parse_jwk(R"({"kty":"oct","k":"AAAA","x":1E400})"); });
  CHECK(key.code() == Errc::invalid_key);
  CHECK(key.detail() == "JWK is not valid JSON: number overflow parsing '1E400'");
  Error set = thrown_error([] { parse_jwks(std::string_view(R"({"keys":[{"kty":"oct","k":"AAAA","n":-1e999}]})")); });
  CHECK(set.code() == Errc::invalid_key);
  CHECK(set.detail() == "JWKS is not valid JSON: number overflow parsing '-1e999'");
}

TEST_CASE("JWK EC point not on the curve is invalid_key") {
  json member = cookbook_ec();
  member.erase("d");
  std::string y = *base64url_decode(member["y"].get<std::string>());
  y.back() = static_cast<char>(y.back() ^ 1);
  member["y"] = b64(y);
  CHECK(jwk_error(member).code() == Errc::invalid_key);
}

TEST_CASE("JWK EC private d not matching the point is invalid_key") {
  json member = cookbook_ec();
  member["x"] = to_json(shared_key(Alg::ES512), false)["x"];
  member["y"] = to_json(shared_key(Alg::ES512), false)["y"];
  CHECK(jwk_error(member).code() == Errc::invalid_key);
}

TEST_CASE("JWK EC coordinates of the wrong length or curve are invalid_key") {
  json member = to_json(shared_key(Alg::ES256), false);
  json wrong_curve = member;
  wrong_curve["crv"] = "P-384";
  Error error = jwk_error(wrong_curve);
  CHECK(error.code() == Errc::invalid_key);
  CHECK(error.detail() == "member \"x\" has 32 bytes, the curve needs exactly 48");

  json short_x = member;
  short_x["x"] = b64(base64url_decode(member["x"].get<std::string>())->substr(1));
  CHECK(jwk_error(short_x).code() == Errc::invalid_key);

  json unknown = member;
  unknown["crv"] = "secp256k1";
  CHECK(jwk_error(unknown).detail() == "EC curve \"secp256k1\" is not supported (P-256, P-384, P-521)");
  json missing = member;
  missing.erase("y");
  CHECK(jwk_error(missing).detail() == "EC key has no \"y\" member");
}

TEST_CASE("JWK RSA exponent 1 or even is invalid_key") {
  json member = to_json(public_part(parse_jwk(cookbook_rsa())), false);
  member["e"] = "AQ";
  Error one = jwk_error(member);
  CHECK(one.code() == Errc::invalid_key);
  CHECK(one.detail() == "RSA public exponent e must be odd and greater than 1");
  member["e"] = "AQAA";  // 65536
  CHECK(jwk_error(member).code() == Errc::invalid_key);
}

TEST_CASE("JWK RSA with some but not all CRT members is invalid_key") {
  json member = cookbook_rsa();
  member.erase("qi");
  Error error = jwk_error(member);
  CHECK(error.code() == Errc::invalid_key);
  CHECK(error.detail() == "RSA key has some but not all of the CRT members p, q, dp, dq, qi");

  json no_d = cookbook_rsa();
  no_d.erase("d");
  CHECK(jwk_error(no_d).detail() == "RSA key has CRT members but no private exponent d");

  json only_p = to_json(public_part(parse_jwk(cookbook_rsa())), false);
  only_p["p"] = cookbook_rsa()["p"];
  CHECK(jwk_error(only_p).code() == Errc::invalid_key);
}

TEST_CASE("JWK RSA private members inconsistent with n are invalid_key") {
  json wrong_d = cookbook_rsa();
  std::string d = *base64url_decode(wrong_d["d"].get<std::string>());
  d.back() = static_cast<char>(d.back() ^ 2);
  wrong_d["d"] = b64(d);
  CHECK(jwk_error(wrong_d).code() == Errc::invalid_key);

  json swapped = cookbook_rsa();
  swapped["dp"] = cookbook_rsa()["dq"];
  swapped["dq"] = cookbook_rsa()["dp"];
  CHECK(jwk_error(swapped).detail() == "RSA CRT exponent dp is not d mod (p-1)");
}

TEST_CASE("JWK RSA with only n, e, d loads and signs") {
  json member = cookbook_rsa();
  for (const char* name : {"p", "q", "dp", "dq", "qi"}) member.erase(name);
  Jwk key = parse_jwk(member);
  CHECK(key.is_private);
  std::string signature = sign_bytes(Alg::RS256, key, "input");
  CHECK(verify_bytes(Alg::RS256, public_part(key), "input", signature));
}

TEST_CASE("JWK Ed25519 with x not matching d is invalid_key") {
  json member = member_of(kEdDsaJwk);
  member["x"] = to_json(shared_key(Alg::EdDSA), false)["x"];
  Error error = jwk_error(member);
  CHECK(error.code() == Errc::invalid_key);
  CHECK(error.detail() == "Ed25519 public key x does not match the private key d");
}

TEST_CASE("JWK OKP curves other than Ed25519 are invalid_key") {
  json member = member_of(kEdDsaJwk);
  member["crv"] = "X25519";
  CHECK(jwk_error(member).detail() == "OKP curve \"X25519\" is not supported (Ed25519)");
}

TEST_CASE("JWK oct with an empty or missing k is invalid_key") {
  CHECK(jwk_error(json{{"kty", "oct"}, {"k", ""}}).detail() == "oct key has an empty secret \"k\"");
  CHECK(jwk_error(json{{"kty", "oct"}}).detail() == "oct key has no \"k\" member");
}

TEST_CASE("JWK members that are not strict base64url are invalid_key") {
  CHECK(jwk_error(json{{"kty", "oct"}, {"k", "AAAA="}}).detail() ==
        "member \"k\" is not strict base64url");
  CHECK(jwk_error(json{{"kty", "oct"}, {"k", "AAB"}}).code() == Errc::invalid_key);  // non-canonical
  CHECK(jwk_error(json{{"kty", "oct"}, {"k", 42}}).detail() == "member \"k\" is not a string");
}

TEST_CASE("JWK kty missing or unsupported is invalid_key") {
  CHECK(jwk_error(json{{"k", "AAAA"}}).detail() == "JWK has no \"kty\" member");
  CHECK(jwk_error(json{{"kty", "AES"}, {"k", "AAAA"}}).detail() ==
        "kty \"AES\" is not supported (RSA, EC, OKP, oct)");
  CHECK(jwk_error(json::array()).detail() == "a JWK must be a JSON object");
}

TEST_CASE("JWK alg that is not a supported JWS algorithm is invalid_key") {
  json member = member_of(kHs256Jwk);
  member["alg"] = "A256GCM";
  CHECK(jwk_error(member).detail() == "JWK alg \"A256GCM\" is not a JWS algorithm swapi supports");
  member["alg"] = "ES521";
  CHECK(jwk_error(member).code() == Errc::invalid_key);
}

TEST_CASE("JWK key_ops must be an array of distinct strings") {
  json member = member_of(kHs256Jwk);
  member["key_ops"] = json::array({"verify", "verify"});
  CHECK(jwk_error(member).detail() == "member \"key_ops\" lists \"verify\" twice");
  member["key_ops"] = "verify";
  CHECK(jwk_error(member).detail() == "member \"key_ops\" is not an array");
  member["key_ops"] = json::array({"sign", "verify"});
  CHECK(parse_jwk(member).key_ops == std::vector<std::string>{"sign", "verify"});
}

TEST_CASE("JWK oct key has no public form and is left out of a public JWKS") {
  Jwk secret = parse_jwk(kHs256Jwk);
  CHECK(thrown_code([&] { to_json(secret, false); }) == Errc::invalid_key);
  std::vector<Jwk> keys{secret, public_part(parse_jwk(kEdDsaJwk))};
  json public_set = to_jwks(keys, false);
  REQUIRE(public_set["keys"].size() == 1);
  CHECK(public_set["keys"][0]["kty"] == "OKP");
  CHECK_FALSE(public_set["keys"][0].contains("d"));
  json private_set = to_jwks(keys, true);
  CHECK(private_set["keys"].size() == 2);
  CHECK(private_set["keys"][0]["k"] == "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg");
}

TEST_CASE("JWK serialization keeps kid, alg, use and key_ops") {
  Jwk key = parse_jwk(kHs256Jwk);
  key.key_ops = {"verify"};
  json member = to_json(key, true);
  CHECK(member["kid"] == "018c0ae5-4d9b-471b-bfd6-eef314bc7037");
  CHECK(member["alg"] == "HS256");
  CHECK(member["use"] == "sig");
  CHECK(member["key_ops"] == json::array({"verify"}));
}

TEST_CASE("JWK thumbprints ignore kid, alg, use and private members") {
  Jwk key = parse_jwk(kRs256Jwk);
  Jwk renamed = public_part(key);
  renamed.kid = "other";
  renamed.alg = Alg::PS512;
  renamed.use.clear();
  CHECK(thumbprint(key) == thumbprint(renamed));
  CHECK(thumbprint(key) != thumbprint(parse_jwk(kRfc7638RsaJwk)));
  CHECK(thumbprint(parse_jwk(kHs256Jwk)).size() == 43);  // SHA-256 in base64url
}

TEST_CASE("JWKS skips one bad key among good ones and says why") {
  json document = {{"keys", json::array({member_of(kEdDsaJwk), json{{"kty", "RSA"}, {"kid", "bad"}, {"n", "AQAB"}},
                                         member_of(kRfc7638RsaJwk)})}};
  document["keys"][0].erase("d");
  JwksLoad load = parse_jwks(document);
  REQUIRE(load.keys.size() == 2);
  CHECK(load.keys[0].type == KeyType::okp);
  CHECK(load.keys[1].kid == "2011-04-29");
  REQUIRE(load.rejected.size() == 1);
  CHECK(load.rejected[0] == "key 2 (kid \"bad\"): RSA key has no \"e\" member");
}

TEST_CASE("JWKS with a duplicate kid rejects every key with that kid") {
  json a = to_json(shared_key(Alg::ES256), false);
  json b = to_json(shared_key(Alg::ES384), false);
  json c = to_json(shared_key(Alg::EdDSA), false);
  a["kid"] = "same";
  b["kid"] = "same";
  JwksLoad load = parse_jwks(json{{"keys", json::array({a, b, c})}});
  REQUIRE(load.keys.size() == 1);
  CHECK(load.keys[0].type == KeyType::okp);
  REQUIRE(load.rejected.size() == 2);
  CHECK(load.rejected[0] == "key 1 (kid \"same\"): kid \"same\" is used by 2 keys in the set");
  CHECK(load.rejected[1] == "key 2 (kid \"same\"): kid \"same\" is used by 2 keys in the set");
}

TEST_CASE("JWKS duplicate kid counts a key that failed to load") {
  json good = member_of(kHs256Jwk);
  json broken = good;
  broken["k"] = "AAB";  // not canonical base64url
  JwksLoad load = parse_jwks(json{{"keys", json::array({good, broken})}});
  CHECK(load.keys.empty());
  CHECK(load.rejected.size() == 2);
}

TEST_CASE("JWKS mixing public keys with a secret drops the secret") {
  json ec = to_json(shared_key(Alg::ES256), false);
  JwksLoad load = parse_jwks(json{{"keys", json::array({member_of(kHs256Jwk), ec})}});
  REQUIRE(load.keys.size() == 1);
  CHECK(load.keys[0].type == KeyType::ec);
  REQUIRE(load.rejected.size() == 1);
  CHECK(load.rejected[0] ==
        "key 1 (kid \"018c0ae5-4d9b-471b-bfd6-eef314bc7037\"): an HMAC secret in a set that also holds public keys");
}

TEST_CASE("JWKS mixing private asymmetric keys with public keys keeps them all") {
  json ec = to_json(shared_key(Alg::ES256), false);
  JwksLoad load = parse_jwks(json{{"keys", json::array({member_of(kRs256Jwk), ec})}});
  CHECK(load.keys.size() == 2);
  CHECK(load.rejected.empty());
}

TEST_CASE("JWKS of private keys and secrets only loads them all") {
  JwksLoad load = parse_jwks(json{{"keys", json::array({member_of(kHs256Jwk), member_of(kRs256Jwk),
                                                        member_of(kEdDsaJwk)})}});
  CHECK(load.keys.size() == 3);
  CHECK(load.rejected.empty());
}

TEST_CASE("JWKS that is not {\"keys\":[...]} is invalid_key") {
  CHECK(thrown_code([] { parse_jwks(json::array()); }) == Errc::invalid_key);
  CHECK(thrown_code([] { parse_jwks(json{{"key", json::array()}}); }) == Errc::invalid_key);
  CHECK(thrown_code([] { parse_jwks(json{{"keys", json::object()}}); }) == Errc::invalid_key);
  CHECK(thrown_code([] { parse_jwks(std::string_view("{\"keys\":[]")); }) == Errc::invalid_key);
  CHECK(parse_jwks(std::string_view(R"({"keys":[]})")).keys.empty());
}
