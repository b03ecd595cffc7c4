// verify_compact: every structural and policy rule of jws.h, in its order, with exact codes.
#include <doctest/doctest.h>

#include <openssl/hmac.h>
#include <openssl/x509.h>

#include "core_test_helpers.h"
#include "jose/jws.h"
#include "jose/keygen.h"
#include "jose/strict_json.h"
#include "rfc_examples.h"

using namespace swapi::jose;
using namespace swapi::jose::test;
using nlohmann::json;

namespace {

constexpr std::string_view kClaims = R"({"sub":"luke","exp":4102444800})";

const Jwk& rsa() { return shared_key(Alg::RS256); }

// Verifies against the public halves of `keys` with `allowed`; returns the thrown Error.
Error rejection(std::string_view token, std::vector<Jwk> keys, std::vector<Alg> allowed) {
  return thrown_error([&] { verify_compact(token, keys, allowed); });
}

std::vector<Jwk> trusted_rsa() { return {public_part(rsa())}; }

// An HS256 token over raw header/payload text, keyed with `secret` bytes.
// Computed with OpenSSL directly: sign_bytes would (rightly) refuse some of these secrets.
std::string hmac_token(std::string_view header, std::string_view payload, std::string_view secret) {
  std::string input = b64(header) + "." + b64(payload);
  unsigned char tag[32];
  unsigned int length = 0;
  REQUIRE(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
               reinterpret_cast<const unsigned char*>(input.data()), input.size(), tag, &length) != nullptr);
  return input + "." + b64(std::string_view(reinterpret_cast<const char*>(tag), length));
}

std::string rs256_token(std::string_view header, std::string_view payload = kClaims) {
  std::string input = b64(header) + "." + b64(payload);
  return input + "." + b64(sign_bytes(Alg::RS256, rsa(), input));
}

std::string rsa_header() { return R"({"alg":"RS256","kid":")" + rsa().kid + "\"}"; }

}  // namespace

TEST_CASE("verify_compact accepts a good RS256 token and points at the key that verified it") {
  std::vector<Jwk> keys{public_part(shared_key(Alg::ES256)), public_part(rsa())};
  std::vector<Alg> allowed{Alg::RS256, Alg::ES256};
  VerifiedJws verified = verify_compact(rs256_token(rsa_header()), keys, allowed);
  CHECK(verified.key == &keys[1]);
  CHECK(verified.alg == Alg::RS256);
  CHECK(verified.payload == kClaims);
}

TEST_CASE("token with 2 or 4 segments is malformed") {
  std::string good = rs256_token(rsa_header());
  Error two = rejection(good.substr(0, good.rfind('.')), trusted_rsa(), {Alg::RS256});
  CHECK(two.code() == Errc::malformed);
  CHECK(two.detail() == "a compact JWS has 3 segments separated by '.', this token has 2");
  Error four = rejection(good + ".e30", trusted_rsa(), {Alg::RS256});
  CHECK(four.code() == Errc::malformed);
  CHECK(four.detail() == "a compact JWS has 3 segments separated by '.', this token has 4");
  CHECK(rejection("", trusted_rsa(), {Alg::RS256}).code() == Errc::malformed);
}

TEST_CASE("JWE with 5 segments is malformed with a sentence saying JWE is not accepted") {
  std::string jwe = b64(R"({"alg":"RSA-OAEP","enc":"A256GCM"})") + ".a2V5.aXY.Y2lwaGVy.dGFn";
  Error error = rejection(jwe, trusted_rsa(), {Alg::RS256});
  CHECK(error.code() == Errc::malformed);
  CHECK(error.detail() ==
        "token has 5 segments: it is a JWE (encrypted token), which is not accepted; a signed JWS has 3");
}

TEST_CASE("JWS JSON serialization is malformed") {
  std::string json_form = R"({"payload":"e30","protected":"eyJhbGciOiJSUzI1NiJ9","signature":"AA"})";
  CHECK(rejection(json_form, trusted_rsa(), {Alg::RS256}).code() == Errc::malformed);
}

TEST_CASE("an empty payload is a valid JWS (RFC 7515) but never a JWT claims set") {
  std::string header = b64(rsa_header());
  std::string input = header + ".";
  std::string token = input + "." + b64(sign_bytes(Alg::RS256, rsa(), input));
  std::vector<Alg> allowed{Alg::RS256};
  auto keys = trusted_rsa();
  VerifiedJws verified = verify_compact(token, keys, allowed);
  CHECK(verified.payload.empty());
  try {
    parse_strict_object(verified.payload, "claims");
    FAIL("an empty claims set parsed");
  } catch (const Error& error) {
    CHECK(error.code() == Errc::malformed);
  }
}

TEST_CASE("padding, foreign characters and non-canonical endings in any segment are malformed") {
  std::string good = rs256_token(rsa_header(), R"({"sub":"a"})");  // payload length 11: 15 chars
  std::size_t first = good.find('.'), second = good.rfind('.');
  std::string header = good.substr(0, first), payload = good.substr(first + 1, second - first - 1),
              signature = good.substr(second + 1);
  REQUIRE(payload.size() % 4 == 3);
  std::string non_canonical_payload = payload;
  non_canonical_payload.back() = static_cast<char>(non_canonical_payload.back() + 1);  // low bits set

  const std::pair<std::string, std::string> cases[] = {
      {header + "=." + payload + "." + signature, "header segment is not strict base64url"},
      {header + "." + payload + "=." + signature, "payload segment is not strict base64url"},
      {header + "." + payload + "." + signature + "==", "signature segment is not strict base64url"},
      {header + "." + payload.substr(0, 4) + "+" + payload.substr(5) + "." + signature,
       "payload segment is not strict base64url"},
      {header + "." + payload + "." + signature.substr(0, 10) + "/" + signature.substr(11),
       "signature segment is not strict base64url"},
      {header + " ." + payload + "." + signature, "header segment is not strict base64url"},
      {header + "." + non_canonical_payload + "." + signature, "payload segment is not strict base64url"},
  };
  for (const auto& [token, detail] : cases) {
    CAPTURE(token);
    Error error = rejection(token, trusted_rsa(), {Alg::RS256});
    CHECK(error.code() == Errc::malformed);
    CHECK(error.detail() == detail);
  }
}

TEST_CASE("header that is not a JSON object, or has no string alg, is malformed") {
  CHECK(rejection(rs256_token("[\"RS256\"]"), trusted_rsa(), {Alg::RS256}).detail() ==
        "header is not a JSON object");
  CHECK(rejection(rs256_token("not json"), trusted_rsa(), {Alg::RS256}).code() == Errc::malformed);
  CHECK(rejection(rs256_token(R"({"typ":"JWT"})"), trusted_rsa(), {Alg::RS256}).detail() ==
        "header has no string \"alg\" member");
  CHECK(rejection(rs256_token(R"({"alg":["RS256"]})"), trusted_rsa(), {Alg::RS256}).code() == Errc::malformed);
}

TEST_CASE("duplicate member in the header, also nested, is malformed") {
  Error top = rejection(rs256_token(R"({"alg":"RS256","alg":"RS256"})"), trusted_rsa(), {Alg::RS256});
  CHECK(top.code() == Errc::malformed);
  CHECK(top.detail() == "header has a duplicate member \"alg\" (RFC 7515 section 5.2)");
  Error nested = rejection(rs256_token(R"({"alg":"RS256","x":{"a":1,"a":2}})"), trusted_rsa(), {Alg::RS256});
  CHECK(nested.code() == Errc::malformed);
  CHECK(nested.detail() == "header has a duplicate member \"a\" (RFC 7515 section 5.2)");
}

TEST_CASE("a header number beyond double range is malformed, any signature (it was a foreign exception)") {
  Error error = rejection(compact(R"({"alg":"RS256","x":1E400})", kClaims, "sig"), trusted_rsa(), {Alg::RS256});
  CHECK(error.code() == Errc::malformed);
  CHECK(error.detail() == "header is not valid JSON: number overflow parsing '1E400'");
  CHECK(thrown_code([] { parse_compact(compact(R"({"alg":"RS256","kid":"k","n":-1e400})", kClaims, "")); }) ==
        Errc::malformed);
}

TEST_CASE("alg none, None and NONE are alg_not_allowed even when an HMAC key is trusted") {
  std::vector<Jwk> keys{shared_key(Alg::HS256), public_part(rsa())};
  for (const char* spelling : {"none", "None", "NONE", "nOnE"}) {
    CAPTURE(spelling);
    std::string header = std::string(R"({"alg":")") + spelling + "\"}";
    std::string unsigned_token = b64(header) + "." + b64(kClaims) + ".";
    Error error = rejection(unsigned_token, keys, {Alg::RS256, Alg::HS256});
    CHECK(error.code() == Errc::alg_not_allowed);
    CHECK(error.detail() == std::string("alg \"") + spelling + "\" (an unsigned token) is never accepted");
    // With some signature bytes attached it is still refused.
    CHECK(rejection(unsigned_token + "c2ln", keys, {Alg::RS256, Alg::HS256}).code() == Errc::alg_not_allowed);
  }
}

TEST_CASE("alg not in the allow-list is alg_not_allowed") {
  Error error = rejection(rs256_token(rsa_header()), trusted_rsa(), {Alg::ES256, Alg::PS256});
  CHECK(error.code() == Errc::alg_not_allowed);
  CHECK(error.detail() == "alg RS256 is not allowed (allowed: ES256, PS256)");
  CHECK(rejection(rs256_token(rsa_header()), trusted_rsa(), {}).detail() ==
        "alg RS256 is not allowed (allowed: none configured)");
}

TEST_CASE("unknown or differently-cased alg is alg_not_allowed") {
  for (const char* alg : {"HS1", "ES521", "rs256", "RSA-OAEP", ""}) {
    CAPTURE(alg);
    Error error = rejection(rs256_token(std::string(R"({"alg":")") + alg + "\"}"), trusted_rsa(), {Alg::RS256});
    CHECK(error.code() == Errc::alg_not_allowed);
    CHECK(error.detail() == std::string("alg \"") + alg + "\" is not a JWS algorithm swapi knows");
  }
}

TEST_CASE("crit header is crit_unsupported, whatever it lists") {
  for (const char* crit : {R"(["exp"])", R"(["b64"])", "[]"}) {
    std::string header = R"({"alg":"RS256","kid":")" + rsa().kid + R"(","crit":)" + crit + R"(,"exp":1,"b64":true})";
    Error error = rejection(rs256_token(header), trusted_rsa(), {Alg::RS256});
    CHECK(error.code() == Errc::crit_unsupported);
    CHECK(error.detail() == "header has \"crit\"; swapi supports no JWS extensions");
  }
}

TEST_CASE("kid naming no trusted key is unknown_kid") {
  Error error = rejection(rs256_token(R"({"alg":"RS256","kid":"retired-2019"})"), trusted_rsa(), {Alg::RS256});
  CHECK(error.code() == Errc::unknown_kid);
  CHECK(error.detail() == "kid \"retired-2019\" names no trusted key");
}

TEST_CASE("kid that is not a string is malformed") {
  CHECK(rejection(rs256_token(R"({"alg":"RS256","kid":7})"), trusted_rsa(), {Alg::RS256}).code() ==
        Errc::malformed);
}

TEST_CASE("no kid: exactly one fitting key is used, two fitting keys are no_matching_key") {
  std::string token = rs256_token(R"({"alg":"RS256"})");
  std::vector<Jwk> one_rsa_among_others{public_part(shared_key(Alg::ES256)), public_part(rsa()),
                                        shared_key(Alg::HS256)};
  CHECK_NOTHROW(verify_compact(token, one_rsa_among_others, std::vector<Alg>{Alg::RS256}));

  std::vector<Jwk> two_rsa{public_part(rsa()), public_part(shared_key(Alg::PS256))};
  two_rsa[1].alg.reset();
  Error error = rejection(token, two_rsa, {Alg::RS256});
  CHECK(error.code() == Errc::no_matching_key);
  CHECK(error.detail() == "token has no kid and 2 trusted keys fit RS256: a kid is needed");
}

TEST_CASE("no kid and no fitting key is no_matching_key") {
  Error error = rejection(rs256_token(R"({"alg":"RS256"})"), {public_part(shared_key(Alg::ES256))}, {Alg::RS256});
  CHECK(error.code() == Errc::no_matching_key);
  CHECK(error.detail() == "token has no kid and no trusted key fits RS256");
}

TEST_CASE("kid shared by two fitting keys is no_matching_key") {
  std::vector<Jwk> keys{public_part(rsa()), public_part(rsa())};
  CHECK(rejection(rs256_token(rsa_header()), keys, {Alg::RS256}).code() == Errc::no_matching_key);
}

TEST_CASE("HS256 keyed with the RSA public key's PEM or DER bytes is refused") {
  // The classic algorithm-confusion attack: the verifier must never use the RSA public key as
  // an HMAC secret, even when HS256 is in the allow-list.
  Jwk public_key = public_part(rsa());
  std::string pem = export_pem(public_key, false);
  unsigned char* der_bytes = nullptr;
  int der_length = i2d_PUBKEY(public_key.pkey.get(), &der_bytes);
  REQUIRE(der_length > 0);
  std::string der(reinterpret_cast<char*>(der_bytes), static_cast<std::size_t>(der_length));
  OPENSSL_free(der_bytes);

  for (const std::string& secret : {pem, der}) {
    std::string with_kid = hmac_token(R"({"alg":"HS256","kid":")" + public_key.kid + "\"}", kClaims, secret);
    Error error = rejection(with_kid, {public_key}, {Alg::RS256, Alg::HS256});
    CHECK(error.code() == Errc::key_mismatch);
    CHECK(error.detail().find("HS256 needs an oct (HMAC secret) key, the key is RSA") != std::string::npos);

    std::string without_kid = hmac_token(R"({"alg":"HS256"})", kClaims, secret);
    CHECK(rejection(without_kid, {public_key}, {Alg::RS256, Alg::HS256}).code() == Errc::no_matching_key);
    // With only RS256 allowed it never gets that far.
    CHECK(rejection(without_kid, {public_key}, {Alg::RS256}).code() == Errc::alg_not_allowed);
  }
}

TEST_CASE("embedded jwk header is ignored: an attacker key in the token does not verify") {
  Jwk attacker = generate_key(Alg::ES256);
  json header = {{"alg", "ES256"}, {"jwk", to_json(attacker, false)}};
  std::string token = sign_compact(header, kClaims, attacker);
  std::vector<Jwk> trusted{public_part(shared_key(Alg::ES256))};
  Error error = rejection(token, trusted, {Alg::ES256});
  CHECK(error.code() == Errc::bad_signature);
  CHECK(rejection(token, {}, {Alg::ES256}).code() == Errc::no_matching_key);
  // Naming the attacker's kid does not help either.
  header["kid"] = attacker.kid;
  CHECK(rejection(sign_compact(header, kClaims, attacker), trusted, {Alg::ES256}).code() == Errc::unknown_kid);
}

TEST_CASE("jku, x5u and x5c headers are ignored, never fetched or trusted") {
  Jwk attacker = generate_key(Alg::ES256);
  json header = {{"alg", "ES256"},
                 {"jku", "https://attacker.example/jwks.json"},
                 {"x5u", "https://attacker.example/cert.pem"},
                 {"x5c", json::array({"MIIBfake"})}};
  std::string token = sign_compact(header, kClaims, attacker);
  CHECK(rejection(token, {public_part(shared_key(Alg::ES256))}, {Alg::ES256}).code() == Errc::bad_signature);
  // The same headers on a token signed by the trusted key do not stop it verifying.
  std::string legit = sign_compact(header, kClaims, shared_key(Alg::ES256));
  CHECK_NOTHROW(verify_compact(legit, std::vector<Jwk>{public_part(shared_key(Alg::ES256))},
                               std::vector<Alg>{Alg::ES256}));
}

TEST_CASE("ES256 token with kid naming a P-384 key is key_mismatch") {
  Jwk p384 = public_part(shared_key(Alg::ES384));
  p384.kid = "ec-key";
  Jwk signer = shared_key(Alg::ES256);
  std::string token = sign_compact({{"alg", "ES256"}, {"kid", "ec-key"}}, kClaims, signer);
  Error error = rejection(token, {p384}, {Alg::ES256, Alg::ES384});
  CHECK(error.code() == Errc::key_mismatch);
  CHECK(error.detail() == "key \"ec-key\" cannot verify ES256: ES256 needs an EC P-256 key, the key is EC P-384");
}

TEST_CASE("JWK alg member different from the token alg is key_mismatch") {
  Jwk signer = rsa();
  signer.alg.reset();
  std::string token = sign_compact({{"alg", "PS256"}, {"kid", rsa().kid}}, kClaims, signer);
  Jwk trusted = public_part(rsa());  // alg RS256
  Error error = rejection(token, {trusted}, {Alg::RS256, Alg::PS256});
  CHECK(error.code() == Errc::key_mismatch);
  CHECK(error.detail() == "key \"" + rsa().kid + "\" cannot verify PS256: the key is restricted to alg RS256, not PS256");
}

TEST_CASE("key with use enc does not verify signatures") {
  Jwk trusted = public_part(rsa());
  trusted.use = "enc";
  CHECK(rejection(rs256_token(rsa_header()), {trusted}, {Alg::RS256}).code() == Errc::key_mismatch);
}

TEST_CASE("RSA 1024-bit key is weak_key, even with a valid signature") {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(1024));
  REQUIRE(raw != nullptr);
  Jwk small;
  small.type = KeyType::rsa;
  small.pkey = PkeyPtr(raw, EvpPkeyDeleter{});
  small.is_private = true;
  small.kid = "small";
  std::string input = b64(R"({"alg":"RS256","kid":"small"})") + "." + b64(kClaims);
  // sign_bytes refuses the key, so sign with OpenSSL directly.
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::size_t length = 128;
  std::string signature(length, '\0');
  REQUIRE(EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, raw) == 1);
  REQUIRE(EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                         reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
  EVP_MD_CTX_free(context);
  std::string token = input + "." + b64(signature);
  Error error = rejection(token, {public_part(small)}, {Alg::RS256});
  CHECK(error.code() == Errc::weak_key);
  CHECK(error.detail() == "key \"small\" cannot verify RS256: RSA key of 1024 bits is under 2048 (RFC 7518 section 3.3)");
}

TEST_CASE("short HMAC secret is weak_key") {
  Jwk secret;
  secret.type = KeyType::oct;
  secret.secret = "sixteen byte key";
  secret.is_private = true;
  secret.kid = "short";
  std::string token = hmac_token(R"({"alg":"HS256","kid":"short"})", kClaims, secret.secret);
  Error error = rejection(token, {secret}, {Alg::HS256});
  CHECK(error.code() == Errc::weak_key);
  CHECK(error.detail() ==
        "key \"short\" cannot verify HS256: HMAC secret of 16 bytes is shorter than HS256's 32-byte hash (RFC 7518 section 3.2)");
}

TEST_CASE("modified payload, header or signature is bad_signature") {
  std::string good = rs256_token(rsa_header());
  std::size_t first = good.find('.'), second = good.rfind('.');
  std::string other_payload = good.substr(0, first) + "." + b64(R"({"sub":"vader","exp":4102444800})") + good.substr(second);
  Error error = rejection(other_payload, trusted_rsa(), {Alg::RS256});
  CHECK(error.code() == Errc::bad_signature);
  CHECK(error.detail() == "the RS256 signature does not verify with key \"" + rsa().kid + "\"");

  std::string other_header = b64(R"({"alg":"RS256","kid":")" + rsa().kid + R"(","typ":"JWT"})") + good.substr(first);
  CHECK(rejection(other_header, trusted_rsa(), {Alg::RS256}).code() == Errc::bad_signature);
  CHECK(rejection(good.substr(0, second + 1), trusted_rsa(), {Alg::RS256}).code() == Errc::bad_signature);
}

TEST_CASE("parse_compact splits without verifying") {
  std::string token = rs256_token(rsa_header());
  CompactJws jws = parse_compact(token);
  CHECK(jws.header["alg"] == "RS256");
  CHECK(jws.payload == kClaims);
  CHECK(jws.signature.size() == 256);
  CHECK(jws.signing_input == std::string_view(token).substr(0, token.rfind('.')));
}

TEST_CASE("empty kid names no key, not the keys that have no kid") {
  Jwk kidless = public_part(rsa());
  kidless.kid.clear();
  Error error = rejection(rs256_token(R"({"alg":"RS256","kid":""})"), {kidless}, {Alg::RS256});
  CHECK(error.code() == Errc::unknown_kid);
  CHECK(error.detail() == "kid \"\" names no trusted key");
  CHECK_NOTHROW(verify_compact(rs256_token(R"({"alg":"RS256"})"), std::vector<Jwk>{kidless},
                               std::vector<Alg>{Alg::RS256}));
}
