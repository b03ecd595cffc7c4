// key_unfit_for: which key may sign or verify which alg.
#include <doctest/doctest.h>

#include <openssl/rsa.h>

#include "core_test_helpers.h"
#include "jose/jwk.h"
#include "jose/key_policy.h"
#include "rfc_examples.h"

using namespace swapi::jose;
using namespace swapi::jose::test;

namespace {

Jwk rsa_key(int bits, unsigned long exponent = 65537) {
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  REQUIRE(context != nullptr);
  BIGNUM* e = BN_new();
  BN_set_word(e, exponent);
  EVP_PKEY* raw = nullptr;
  bool ok = EVP_PKEY_keygen_init(context) == 1 && EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1 &&
            EVP_PKEY_CTX_set1_rsa_keygen_pubexp(context, e) == 1 && EVP_PKEY_generate(context, &raw) == 1;
  BN_free(e);
  EVP_PKEY_CTX_free(context);
  REQUIRE(ok);
  Jwk key;
  key.type = KeyType::rsa;
  key.pkey = PkeyPtr(raw, EvpPkeyDeleter{});
  key.is_private = true;
  return key;
}

Jwk secret_of(std::size_t length) {
  Jwk key;
  key.type = KeyType::oct;
  key.secret.assign(length, 'k');
  key.is_private = true;
  return key;
}

std::optional<Errc> unfit_code(const Jwk& key, Alg alg, bool for_signing = false) {
  auto unfit = key_unfit_for(key, alg, for_signing);
  return unfit ? std::optional<Errc>(unfit->code) : std::nullopt;
}

}  // namespace

TEST_CASE("key policy: each generated key fits its own alg for signing and verifying") {
  for (Alg alg : {Alg::RS256, Alg::ES256, Alg::ES384, Alg::ES512, Alg::EdDSA, Alg::HS256}) {
    CAPTURE(alg_name(alg));
    CHECK_FALSE(key_unfit_for(shared_key(alg), alg, true).has_value());
    CHECK_FALSE(key_unfit_for(shared_key(alg), alg, false).has_value());
  }
}

TEST_CASE("key policy: an RSA key without alg member fits every RS and PS alg") {
  Jwk key = public_part(parse_jwk(kRs256Jwk));
  for (Alg alg : {Alg::RS256, Alg::RS384, Alg::RS512, Alg::PS256, Alg::PS384, Alg::PS512}) {
    CHECK_FALSE(key_unfit_for(key, alg).has_value());
  }
}

TEST_CASE("key policy: the key family must match the alg") {
  auto unfit = key_unfit_for(shared_key(Alg::ES384), Alg::ES256);
  REQUIRE(unfit.has_value());
  CHECK(unfit->code == Errc::key_mismatch);
  CHECK(unfit->reason == "ES256 needs an EC P-256 key, the key is EC P-384");
  CHECK(unfit_code(shared_key(Alg::RS256), Alg::ES256) == Errc::key_mismatch);
  CHECK(unfit_code(shared_key(Alg::ES256), Alg::RS256) == Errc::key_mismatch);
  CHECK(unfit_code(shared_key(Alg::EdDSA), Alg::ES256) == Errc::key_mismatch);
  CHECK(unfit_code(shared_key(Alg::HS256), Alg::RS256) == Errc::key_mismatch);
  CHECK(unfit_code(shared_key(Alg::ES512), Alg::EdDSA) == Errc::key_mismatch);
}

TEST_CASE("key policy: an RSA, EC or OKP key is never an HMAC secret") {
  for (Alg key_alg : {Alg::RS256, Alg::ES256, Alg::EdDSA}) {
    auto unfit = key_unfit_for(public_part(shared_key(key_alg)), Alg::HS256);
    REQUIRE(unfit.has_value());
    CHECK(unfit->code == Errc::key_mismatch);
    CHECK(unfit->reason.find("HS256 needs an oct (HMAC secret) key") == 0);
  }
}

TEST_CASE("key policy: a JWK alg member restricts the key to that alg") {
  Jwk key = public_part(parse_jwk(kRs256Jwk));
  key.alg = Alg::RS256;
  auto unfit = key_unfit_for(key, Alg::PS256);
  REQUIRE(unfit.has_value());
  CHECK(unfit->code == Errc::key_mismatch);
  CHECK(unfit->reason == "the key is restricted to alg RS256, not PS256");
  CHECK_FALSE(key_unfit_for(key, Alg::RS256).has_value());
}

TEST_CASE("key policy: use enc is refused, use sig is fine") {
  Jwk key = shared_key(Alg::ES256);
  key.use = "enc";
  auto unfit = key_unfit_for(key, Alg::ES256);
  REQUIRE(unfit.has_value());
  CHECK(unfit->code == Errc::key_mismatch);
  CHECK(unfit->reason == "the key's use is \"enc\", not \"sig\"");
  key.use = "sig";
  CHECK_FALSE(key_unfit_for(key, Alg::ES256).has_value());
}

TEST_CASE("key policy: key_ops must include verify to verify and sign to sign") {
  Jwk key = shared_key(Alg::EdDSA);
  key.key_ops = {"sign"};
  CHECK(unfit_code(key, Alg::EdDSA, false) == Errc::key_mismatch);
  CHECK_FALSE(unfit_code(key, Alg::EdDSA, true).has_value());
  key.key_ops = {"verify"};
  CHECK_FALSE(unfit_code(key, Alg::EdDSA, false).has_value());
  CHECK(key_unfit_for(key, Alg::EdDSA, true)->reason == "the key's key_ops do not include \"sign\"");
  key.key_ops = {"encrypt", "wrapKey"};
  CHECK(unfit_code(key, Alg::EdDSA, false) == Errc::key_mismatch);
}

TEST_CASE("key policy: a public key cannot sign") {
  auto unfit = key_unfit_for(public_part(shared_key(Alg::ES256)), Alg::ES256, true);
  REQUIRE(unfit.has_value());
  CHECK(unfit->code == Errc::key_mismatch);
  CHECK(unfit->reason == "a public key cannot sign");
}

TEST_CASE("key policy: RSA under 2048 bits is weak_key") {
  Jwk key = rsa_key(1024);
  auto unfit = key_unfit_for(key, Alg::RS256);
  REQUIRE(unfit.has_value());
  CHECK(unfit->code == Errc::weak_key);
  CHECK(unfit->reason == "RSA key of 1024 bits is under 2048 (RFC 7518 section 3.3)");
  CHECK(rsa_bits(key) == 1024);
  CHECK(rsa_bits(shared_key(Alg::ES256)) == 0);
}

TEST_CASE("key policy: RSA public exponent 3 is weak_key") {
  auto unfit = key_unfit_for(rsa_key(2048, 3), Alg::RS256);
  REQUIRE(unfit.has_value());
  CHECK(unfit->code == Errc::weak_key);
  CHECK(unfit->reason == "RSA public exponent is under 65537 (NIST SP 800-89)");
}

TEST_CASE("key policy: HMAC secret shorter than the hash output is weak_key") {
  CHECK(unfit_code(secret_of(31), Alg::HS256) == Errc::weak_key);
  CHECK_FALSE(unfit_code(secret_of(32), Alg::HS256).has_value());
  CHECK(unfit_code(secret_of(47), Alg::HS384) == Errc::weak_key);
  CHECK_FALSE(unfit_code(secret_of(48), Alg::HS384).has_value());
  CHECK(unfit_code(secret_of(63), Alg::HS512) == Errc::weak_key);
  CHECK_FALSE(unfit_code(secret_of(64), Alg::HS512).has_value());
  CHECK(key_unfit_for(secret_of(16), Alg::HS256)->reason ==
        "HMAC secret of 16 bytes is shorter than HS256's 32-byte hash (RFC 7518 section 3.2)");
}

TEST_CASE("key policy: an empty HMAC secret is weak_key") {
  auto unfit = key_unfit_for(secret_of(0), Alg::HS256);
  REQUIRE(unfit.has_value());
  CHECK(unfit->code == Errc::weak_key);
  CHECK(unfit->reason == "the HMAC secret is empty");
}

TEST_CASE("default_alg: the key's own alg, else the natural one of its family and curve") {
  Jwk rsa = shared_key(Alg::PS256);
  CHECK(default_alg(rsa) == Alg::PS256);
  rsa.alg.reset();
  CHECK(default_alg(rsa) == Alg::RS256);
  for (Alg alg : {Alg::ES256, Alg::ES384, Alg::ES512, Alg::EdDSA, Alg::HS256}) {
    Jwk key = shared_key(alg);
    key.alg.reset();
    CHECK(default_alg(key) == alg);
  }
}
