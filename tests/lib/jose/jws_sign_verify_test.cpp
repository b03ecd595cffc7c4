// sign_bytes / verify_bytes / sign_compact round trips and signature-format edge cases.
#include <doctest/doctest.h>

#include "core_test_helpers.h"
#include "jose/ecdsa_signature.h"
#include "jose/jws.h"

using namespace swapi::jose;
using namespace swapi::jose::test;

namespace {

// The P-256 group order n (SEC 2 §2.4.2).
const std::string kP256Order(
    "\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
    "\xBC\xE6\xFA\xAD\xA7\x17\x9E\x84\xF3\xB9\xCA\xC2\xFC\x63\x25\x51",
    32);

std::string big_endian_minus(std::string value, std::string_view other) {
  int borrow = 0;
  for (std::size_t i = value.size(); i-- > 0;) {
    int difference = static_cast<unsigned char>(value[i]) - static_cast<unsigned char>(other[i]) - borrow;
    borrow = difference < 0;
    value[i] = static_cast<char>(difference + (borrow ? 256 : 0));
  }
  return value;
}

const Jwk& es256() { return shared_key(Alg::ES256); }
constexpr std::string_view kInput = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJsdWtlIn0";

}  // namespace

TEST_CASE("sign_compact and verify_compact round-trip for every alg") {
  struct Case {
    Alg alg;
    Alg key_alg;
    std::size_t signature_size;
  };
  const Case cases[] = {
      {Alg::RS256, Alg::RS256, 256}, {Alg::RS384, Alg::RS256, 256}, {Alg::RS512, Alg::RS256, 256},
      {Alg::PS256, Alg::PS256, 256}, {Alg::PS384, Alg::PS256, 256}, {Alg::PS512, Alg::PS256, 256},
      {Alg::ES256, Alg::ES256, 64},  {Alg::ES384, Alg::ES384, 96},  {Alg::ES512, Alg::ES512, 132},
      {Alg::EdDSA, Alg::EdDSA, 64},
  };
  for (const Case& c : cases) {
    CAPTURE(alg_name(c.alg));
    Jwk signer = shared_key(c.key_alg);
    signer.alg.reset();  // the shared key is bound to its own alg; reuse it across the family
    std::string token = sign_compact({{"alg", alg_name(c.alg)}, {"kid", signer.kid}}, R"({"sub":"luke"})", signer);
    Jwk verifier = public_part(signer);
    VerifiedJws verified = verify_compact(token, std::span(&verifier, 1), std::span(&c.alg, 1));
    CHECK(verified.alg == c.alg);
    CHECK(verified.payload == R"({"sub":"luke"})");
    CHECK(verified.header["kid"] == signer.kid);
    CHECK(parse_compact(token).signature.size() == c.signature_size);
  }
}

TEST_CASE("HS256, HS384 and HS512 round-trip with freshly generated secrets of the hash size") {
  for (Alg alg : {Alg::HS256, Alg::HS384, Alg::HS512}) {
    Jwk key = generate_key(alg);
    CHECK(key.secret.size() == (alg == Alg::HS256 ? 32u : alg == Alg::HS384 ? 48u : 64u));
    std::string token = sign_compact({{"alg", alg_name(alg)}}, "{}", key);
    CHECK(verify_compact(token, std::span(&key, 1), std::span(&alg, 1)).alg == alg);
    CHECK(parse_compact(token).signature.size() == key.secret.size());
  }
}

TEST_CASE("RSA PKCS#1 v1.5 signatures are deterministic, PSS and ECDSA are not") {
  const Jwk& rsa = shared_key(Alg::RS256);
  CHECK(sign_bytes(Alg::RS256, rsa, kInput) == sign_bytes(Alg::RS256, rsa, kInput));
  Jwk pss = shared_key(Alg::PS256);
  CHECK(sign_bytes(Alg::PS256, pss, kInput) != sign_bytes(Alg::PS256, pss, kInput));
  CHECK(sign_bytes(Alg::ES256, es256(), kInput) != sign_bytes(Alg::ES256, es256(), kInput));
}

TEST_CASE("RS256 and PS256 signatures are not interchangeable") {
  Jwk key = shared_key(Alg::RS256);
  key.alg.reset();
  std::string pkcs1 = sign_bytes(Alg::RS256, key, kInput);
  std::string pss = sign_bytes(Alg::PS256, key, kInput);
  CHECK(verify_bytes(Alg::RS256, key, kInput, pkcs1));
  CHECK(verify_bytes(Alg::PS256, key, kInput, pss));
  CHECK_FALSE(verify_bytes(Alg::PS256, key, kInput, pkcs1));
  CHECK_FALSE(verify_bytes(Alg::RS256, key, kInput, pss));
  CHECK_FALSE(verify_bytes(Alg::RS384, key, kInput, pkcs1));
}

TEST_CASE("RSA signature not exactly the modulus length is rejected") {
  const Jwk& key = shared_key(Alg::RS256);
  std::string signature = sign_bytes(Alg::RS256, key, kInput);
  CHECK_FALSE(verify_bytes(Alg::RS256, key, kInput, signature.substr(1)));
  CHECK_FALSE(verify_bytes(Alg::RS256, key, kInput, std::string(1, '\0') + signature));
  CHECK_FALSE(verify_bytes(Alg::RS256, key, kInput, ""));
}

TEST_CASE("ES256 signature of the wrong length is rejected") {
  std::string signature = sign_bytes(Alg::ES256, es256(), kInput);
  REQUIRE(signature.size() == 64);
  CHECK(verify_bytes(Alg::ES256, es256(), kInput, signature));
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, signature.substr(0, 63)));
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, signature + std::string(1, '\0')));
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, std::string(1, '\0') + signature));
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, ""));
}

TEST_CASE("ES256 signature in DER form is rejected") {
  // 0x30 len 0x02 0x20 r 0x02 0x20 s: what OpenSSL emits, never what JWS carries.
  std::string raw = sign_bytes(Alg::ES256, es256(), kInput);
  std::string der = std::string("\x30\x44\x02\x20", 4) + raw.substr(0, 32) + std::string("\x02\x20", 2) + raw.substr(32);
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, der));
}

TEST_CASE("ES256 signature with r = 0 or s = 0 is rejected") {
  std::string signature = sign_bytes(Alg::ES256, es256(), kInput);
  std::string zero(32, '\0');
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, zero + signature.substr(32)));
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, signature.substr(0, 32) + zero));
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, zero + zero));
}

TEST_CASE("ES256 signature with r = n or s = n, or r + n, is rejected") {
  std::string signature = sign_bytes(Alg::ES256, es256(), kInput);
  std::string r = signature.substr(0, 32), s = signature.substr(32);
  REQUIRE(kP256Order.size() == 32);
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, kP256Order + s));
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, r + kP256Order));
  std::string all_ones(32, '\xFF');
  CHECK_FALSE(verify_bytes(Alg::ES256, es256(), kInput, all_ones + s));
}

TEST_CASE("ES256 high-S signature (n - s) still verifies: JWS does not require low S") {
  std::string signature = sign_bytes(Alg::ES256, es256(), kInput);
  std::string r = signature.substr(0, 32), s = signature.substr(32);
  std::string high_s = big_endian_minus(kP256Order, s);
  CHECK(verify_bytes(Alg::ES256, es256(), kInput, r + high_s));
}

TEST_CASE("ES256 signature verified with a P-384 key is key_mismatch") {
  std::string signature = sign_bytes(Alg::ES256, es256(), kInput);
  Error error = thrown_error([&] { verify_bytes(Alg::ES256, public_part(shared_key(Alg::ES384)), kInput, signature); });
  CHECK(error.code() == Errc::key_mismatch);
  CHECK(error.detail() == "ES256 needs an EC P-256 key, the key is EC P-384");
}

TEST_CASE("HMAC tag must be exactly the hash size") {
  const Jwk& key = shared_key(Alg::HS256);
  std::string tag = sign_bytes(Alg::HS256, key, kInput);
  REQUIRE(tag.size() == 32);
  CHECK(verify_bytes(Alg::HS256, key, kInput, tag));
  CHECK_FALSE(verify_bytes(Alg::HS256, key, kInput, tag.substr(0, 16)));
  CHECK_FALSE(verify_bytes(Alg::HS256, key, kInput, tag + "x"));
  CHECK_FALSE(verify_bytes(Alg::HS256, key, kInput, ""));
  std::string flipped = tag;
  flipped[31] = static_cast<char>(flipped[31] ^ 1);
  CHECK_FALSE(verify_bytes(Alg::HS256, key, kInput, flipped));
}

TEST_CASE("Ed25519 signature with a flipped bit or trailing byte is rejected") {
  const Jwk& key = shared_key(Alg::EdDSA);
  std::string signature = sign_bytes(Alg::EdDSA, key, kInput);
  CHECK(verify_bytes(Alg::EdDSA, key, kInput, signature));
  std::string flipped = signature;
  flipped[10] = static_cast<char>(flipped[10] ^ 0x40);
  CHECK_FALSE(verify_bytes(Alg::EdDSA, key, kInput, flipped));
  CHECK_FALSE(verify_bytes(Alg::EdDSA, key, kInput, signature + std::string(1, '\0')));
  CHECK_FALSE(verify_bytes(Alg::EdDSA, key, kInput, signature.substr(0, 63)));
}

TEST_CASE("signing with a public key is key_mismatch, with an unfit key the policy code") {
  CHECK(thrown_code([] { sign_bytes(Alg::ES256, public_part(es256()), kInput); }) == Errc::key_mismatch);
  CHECK(thrown_code([] { sign_bytes(Alg::ES384, es256(), kInput); }) == Errc::key_mismatch);
  Jwk short_secret;
  short_secret.type = KeyType::oct;
  short_secret.secret = "too short";
  short_secret.is_private = true;
  CHECK(thrown_code([&] { sign_bytes(Alg::HS256, short_secret, kInput); }) == Errc::weak_key);
}

TEST_CASE("sign_compact needs a header object with a known string alg") {
  CHECK(thrown_code([] { sign_compact({{"typ", "JWT"}}, "{}", es256()); }) == Errc::malformed);
  CHECK(thrown_code([] { sign_compact({{"alg", 256}}, "{}", es256()); }) == Errc::malformed);
  CHECK(thrown_code([] { sign_compact({{"alg", "none"}}, "{}", es256()); }) == Errc::alg_not_allowed);
}

TEST_CASE("ECDSA range check refuses r or s outside [1, n-1] before OpenSSL sees them") {
  std::string one(31, '\0');
  one += '\x01';
  std::string n_minus_one = kP256Order;
  n_minus_one.back() = static_cast<char>(n_minus_one.back() - 1);
  CHECK(detail::ecdsa_raw_to_der(one + n_minus_one, "P-256").has_value());
  CHECK_FALSE(detail::ecdsa_raw_to_der(kP256Order + one, "P-256").has_value());
  CHECK_FALSE(detail::ecdsa_raw_to_der(one + kP256Order, "P-256").has_value());
  CHECK_FALSE(detail::ecdsa_raw_to_der(std::string(32, '\0') + one, "P-256").has_value());
  CHECK_FALSE(detail::ecdsa_raw_to_der(one + one, "P-384").has_value());  // 64 bytes, P-384 needs 96
  CHECK(detail::ecdsa_der_to_raw(*detail::ecdsa_raw_to_der(one + n_minus_one, "P-256"), 32) == one + n_minus_one);
}

TEST_CASE("sign_compact with a header string that is not UTF-8 is malformed, not a JSON exception") {
  CHECK(thrown_code([] { sign_compact({{"alg", "ES256"}, {"kid", "\xff"}}, "{}", es256()); }) == Errc::malformed);
}
