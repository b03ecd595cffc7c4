// Key generation and PEM import/export, with keys made by OpenSSL's own API in the test.
#include <doctest/doctest.h>

#include <openssl/encoder.h>
#include <openssl/pem.h>

#include "core_test_helpers.h"
#include "jose/jws.h"
#include "jose/key_policy.h"
#include "jose/keygen.h"

using namespace swapi::jose;
using namespace swapi::jose::test;

namespace {

PkeyPtr openssl_key(const char* type, const char* curve = nullptr) {
  EVP_PKEY* raw = curve != nullptr ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve)
                  : std::string_view(type) == "RSA"
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, static_cast<std::size_t>(2048))
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  REQUIRE(raw != nullptr);
  return PkeyPtr(raw, EvpPkeyDeleter{});
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return text;
}

std::string pkcs8_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  return bio_text(bio);
}

std::string spki_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_PUBKEY(bio, key) == 1);
  return bio_text(bio);
}

// "RSA PRIVATE KEY", "RSA PUBLIC KEY", "EC PRIVATE KEY": the pre-PKCS#8 encodings.
std::string traditional_pem(EVP_PKEY* key, int selection) {
  OSSL_ENCODER_CTX* encoder = OSSL_ENCODER_CTX_new_for_pkey(key, selection, "PEM", "type-specific", nullptr);
  REQUIRE(encoder != nullptr);
  unsigned char* data = nullptr;
  std::size_t length = 0;
  REQUIRE(OSSL_ENCODER_to_data(encoder, &data, &length) == 1);
  OSSL_ENCODER_CTX_free(encoder);
  std::string text(reinterpret_cast<char*>(data), length);
  OPENSSL_free(data);
  return text;
}

Jwk wrap(PkeyPtr key, KeyType type, std::string curve = {}) {
  Jwk jwk;
  jwk.type = type;
  jwk.curve = std::move(curve);
  jwk.pkey = std::move(key);
  jwk.is_private = true;
  return jwk;
}

// Signs with `signer` and verifies with `verifier` through the public API.
void check_round_trip(Alg alg, const Jwk& signer, const Jwk& verifier) {
  std::string signature = sign_bytes(alg, signer, "header.payload");
  CHECK(verify_bytes(alg, verifier, "header.payload", signature));
  CHECK_FALSE(verify_bytes(alg, verifier, "header.payloaD", signature));
}

}  // namespace

TEST_CASE("PEM import of RSA in PKCS#8, PKCS#1 private, SPKI and PKCS#1 public forms") {
  PkeyPtr generated = openssl_key("RSA");
  Jwk original = wrap(generated, KeyType::rsa);

  std::string pkcs8 = pkcs8_pem(generated.get());
  std::string pkcs1_private = traditional_pem(generated.get(), EVP_PKEY_KEYPAIR);
  std::string spki = spki_pem(generated.get());
  std::string pkcs1_public = traditional_pem(generated.get(), EVP_PKEY_PUBLIC_KEY);
  CHECK(pkcs8.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  CHECK(pkcs1_private.rfind("-----BEGIN RSA PRIVATE KEY-----", 0) == 0);
  CHECK(spki.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  CHECK(pkcs1_public.rfind("-----BEGIN RSA PUBLIC KEY-----", 0) == 0);

  for (const std::string& pem : {pkcs8, pkcs1_private}) {
    Jwk imported = import_pem(pem);
    CHECK(imported.type == KeyType::rsa);
    CHECK(imported.is_private);
    CHECK(imported.kid.empty());
    CHECK_FALSE(imported.alg.has_value());
    CHECK(thumbprint(imported) == thumbprint(original));
    check_round_trip(Alg::RS256, imported, original);
  }
  for (const std::string& pem : {spki, pkcs1_public}) {
    Jwk imported = import_pem(pem);
    CHECK(imported.type == KeyType::rsa);
    CHECK_FALSE(imported.is_private);
    CHECK(rsa_bits(imported) == 2048);
    check_round_trip(Alg::PS256, original, imported);
  }
}

TEST_CASE("PEM import of EC P-256, P-384 and P-521 in PKCS#8, SEC 1 and SPKI forms") {
  const std::pair<const char*, Alg> curves[] = {
      {"P-256", Alg::ES256}, {"P-384", Alg::ES384}, {"P-521", Alg::ES512}};
  for (const auto& [curve, alg] : curves) {
    CAPTURE(curve);
    PkeyPtr generated = openssl_key("EC", curve);
    Jwk original = wrap(generated, KeyType::ec, curve);
    std::string sec1 = traditional_pem(generated.get(), EVP_PKEY_KEYPAIR);
    CHECK(sec1.rfind("-----BEGIN EC PRIVATE KEY-----", 0) == 0);
    for (const std::string& pem : {pkcs8_pem(generated.get()), sec1}) {
      Jwk imported = import_pem(pem);
      CHECK(imported.type == KeyType::ec);
      CHECK(imported.curve == curve);
      CHECK(imported.is_private);
      check_round_trip(alg, imported, original);
    }
    Jwk imported_public = import_pem(spki_pem(generated.get()));
    CHECK(imported_public.curve == curve);
    CHECK_FALSE(imported_public.is_private);
    check_round_trip(alg, original, imported_public);
  }
}

TEST_CASE("PEM import of Ed25519 in PKCS#8 and SPKI forms") {
  PkeyPtr generated = openssl_key("ED25519");
  Jwk original = wrap(generated, KeyType::okp, "Ed25519");
  Jwk imported = import_pem(pkcs8_pem(generated.get()));
  CHECK(imported.type == KeyType::okp);
  CHECK(imported.curve == "Ed25519");
  CHECK(imported.is_private);
  check_round_trip(Alg::EdDSA, imported, original);
  Jwk imported_public = import_pem(spki_pem(generated.get()));
  CHECK_FALSE(imported_public.is_private);
  check_round_trip(Alg::EdDSA, original, imported_public);
}

TEST_CASE("PEM export then import gives the same key") {
  for (Alg alg : {Alg::RS256, Alg::ES384, Alg::EdDSA}) {
    CAPTURE(alg_name(alg));
    const Jwk& key = shared_key(alg);
    std::string private_pem = export_pem(key, true);
    std::string public_pem = export_pem(key, false);
    CHECK(private_pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
    CHECK(public_pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
    Jwk back = import_pem(private_pem);
    CHECK(back.is_private);
    CHECK(thumbprint(back) == key.kid);
    CHECK(to_json(back, true)["d"] == to_json(key, true)["d"]);
    Jwk public_back = import_pem(public_pem);
    CHECK_FALSE(public_back.is_private);
    CHECK(thumbprint(public_back) == key.kid);
  }
}

TEST_CASE("PEM export refuses an HMAC secret and a missing private half") {
  Error secret = thrown_error([] { export_pem(shared_key(Alg::HS256), true); });
  CHECK(secret.code() == Errc::invalid_key);
  CHECK(secret.detail() == "an oct (HMAC) secret has no PEM form");
  Error no_private = thrown_error([] { export_pem(public_part(shared_key(Alg::ES256)), true); });
  CHECK(no_private.code() == Errc::invalid_key);
  CHECK(no_private.detail() == "the key has no private half to export");
}

TEST_CASE("garbage, empty or truncated PEM is invalid_key") {
  std::string truncated = export_pem(shared_key(Alg::ES256), true);
  truncated.resize(truncated.size() / 2);
  for (const std::string& pem : {std::string("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"),
                                 std::string("hello"), std::string(), truncated}) {
    Error error = thrown_error([&] { import_pem(pem); });
    CHECK(error.code() == Errc::invalid_key);
    CHECK(error.detail().rfind("not a supported PEM key", 0) == 0);
  }
}

TEST_CASE("encrypted PEM is invalid_key, without asking for a passphrase") {
  PkeyPtr generated = openssl_key("EC", "P-256");
  BIO* bio = BIO_new(BIO_s_mem());
  char passphrase[] = "secret";
  REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio, generated.get(), EVP_aes_256_cbc(), passphrase, 6, nullptr, nullptr) == 1);
  std::string pem = bio_text(bio);
  CHECK(pem.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0) == 0);
  CHECK(thrown_code([&] { import_pem(pem); }) == Errc::invalid_key);
}

TEST_CASE("PEM of an unsupported key type or curve is invalid_key") {
  Error x25519 = thrown_error([] { import_pem(spki_pem(openssl_key("X25519").get())); });
  CHECK(x25519.code() == Errc::invalid_key);
  CHECK(x25519.detail() == "key type X25519 is not supported (RSA, EC P-256/P-384/P-521, Ed25519)");
  Error k256 = thrown_error([] { import_pem(spki_pem(openssl_key("EC", "secp256k1").get())); });
  CHECK(k256.code() == Errc::invalid_key);
  CHECK(k256.detail() == "EC curve \"secp256k1\" is not supported (P-256, P-384, P-521)");
}

TEST_CASE("generate_key: alg, use sig, kid = thumbprint, private") {
  for (Alg alg : {Alg::RS256, Alg::PS384, Alg::ES256, Alg::ES384, Alg::ES512, Alg::EdDSA, Alg::HS512}) {
    CAPTURE(alg_name(alg));
    Jwk key = generate_key(alg);
    CHECK(key.alg == alg);
    CHECK(key.use == "sig");
    CHECK(key.is_private);
    CHECK(key.kid == thumbprint(key));
    CHECK_FALSE(key_unfit_for(key, alg, true).has_value());
    if (!alg_curve(alg).empty()) CHECK(key.curve == alg_curve(alg));
  }
  CHECK(rsa_bits(generate_key(Alg::RS256)) == 2048);
}

TEST_CASE("generate_key: RSA 3072 and 4096 bits, other sizes refused") {
  CHECK(rsa_bits(generate_key(Alg::RS384, 3072)) == 3072);
  CHECK(rsa_bits(generate_key(Alg::PS512, 4096)) == 4096);
  for (int bits : {1024, 2047, 2049, 8192, 0}) {
    Error error = thrown_error([&] { generate_key(Alg::RS256, bits); });
    CHECK(error.code() == Errc::invalid_key);
    CHECK(error.detail() == "RSA key size " + std::to_string(bits) + " is not supported (2048, 3072, 4096)");
  }
}

TEST_CASE("generate_key: HMAC secrets are random and of the hash size") {
  Jwk first = generate_key(Alg::HS256);
  Jwk second = generate_key(Alg::HS256);
  CHECK(first.secret.size() == 32);
  CHECK(generate_key(Alg::HS384).secret.size() == 48);
  CHECK(first.secret != second.secret);
  CHECK(first.kid != second.kid);
  CHECK(first.type == KeyType::oct);
}
