// Fresh signing keys (RFC 7518 §3 key sizes) with RFC 7638 thumbprint kids.
#include "jose/keygen.h"

#include <openssl/rand.h>

#include "jose/key_material.h"
#include "jose/key_policy.h"
#include "jose/openssl_util.h"
#include <openssl/decoder.h>
#include <openssl/pem.h>

namespace swapi::jose {
namespace {

PkeyPtr generate_pkey(Alg alg, int rsa_bits) {
  EVP_PKEY* raw = nullptr;
  switch (alg) {
    case Alg::RS256: case Alg::RS384: case Alg::RS512:
    case Alg::PS256: case Alg::PS384: case Alg::PS512:
      if (rsa_bits != 2048 && rsa_bits != 3072 && rsa_bits != 4096) {
        throw Error(Errc::invalid_key, "RSA key size " + std::to_string(rsa_bits) +
                                           " is not supported (2048, 3072, 4096)");
      }
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(rsa_bits));
      break;
    case Alg::ES256: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "prime256v1"); break;
    case Alg::ES384: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp384r1"); break;
    case Alg::ES512: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp521r1"); break;
    case Alg::EdDSA: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case Alg::HS256: case Alg::HS384: case Alg::HS512: break;
  }
  PkeyPtr key = detail::adopt_pkey(raw);
  if (!key) detail::throw_openssl(Errc::crypto_error, "key generation failed");
  return key;
}

}  // namespace

Jwk generate_key(Alg alg, int rsa_bits) {
  Jwk key;
  if (is_hmac(alg)) {
    // RFC 7518 §3.2: a secret at least as long as the hash output.
    key.type = KeyType::oct;
    key.is_private = true;
    key.secret.assign(detail::alg_hash_size(alg), '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.secret.data()),
                   static_cast<int>(key.secret.size())) != 1) {
      detail::throw_openssl(Errc::crypto_error, "no random bytes for the HMAC secret");
    }
  } else {
    key = detail::jwk_from_pkey(generate_pkey(alg, rsa_bits));
  }
  key.alg = alg;
  key.use = "sig";
  key.kid = thumbprint(key);
  return key;
}


// PEM import (PKCS#8, SPKI, PKCS#1 "RSA PRIVATE/PUBLIC KEY", SEC 1 "EC PRIVATE KEY") and
// export (PKCS#8 / SPKI), through OpenSSL 3's decoder and PEM writers.
namespace {

using DecoderCtxPtr =
    std::unique_ptr<OSSL_DECODER_CTX, detail::OpenSslDeleter<OSSL_DECODER_CTX_free>>;

// Encrypted PEM is refused rather than prompting on a terminal for a passphrase.
int refuse_passphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return -1; }

}  // namespace

Jwk import_pem(std::string_view pem) {
  EVP_PKEY* raw = nullptr;
  // Selection 0 lets the decoder take whatever the PEM holds: a key pair or a public key.
  DecoderCtxPtr decoder(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, nullptr, 0, nullptr, nullptr));
  if (!decoder) detail::throw_openssl(Errc::crypto_error, "cannot create a PEM decoder");
  if (OSSL_DECODER_CTX_set_pem_password_cb(decoder.get(), refuse_passphrase, nullptr) != 1) {
    detail::throw_openssl(Errc::crypto_error, "cannot configure the PEM decoder");
  }
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t length = pem.size();
  if (OSSL_DECODER_from_data(decoder.get(), &data, &length) != 1 || raw == nullptr) {
    std::string reasons = detail::drain_openssl_errors();
    throw Error(Errc::invalid_key,
                "not a supported PEM key (PKCS#8, SubjectPublicKeyInfo, RSA or EC; unencrypted)" +
                    (reasons.empty() ? std::string() : ": " + reasons));
  }
  return detail::jwk_from_pkey(detail::adopt_pkey(raw));
}

std::string export_pem(const Jwk& key, bool include_private) {
  if (key.type == KeyType::oct) {
    throw Error(Errc::invalid_key, "an oct (HMAC) secret has no PEM form");
  }
  if (!key.pkey) throw Error(Errc::invalid_key, "the key has no key material");
  if (include_private && !key.is_private) {
    throw Error(Errc::invalid_key, "the key has no private half to export");
  }
  detail::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) detail::throw_openssl(Errc::crypto_error, "cannot allocate a memory BIO");
  int written = include_private
                    ? PEM_write_bio_PKCS8PrivateKey(bio.get(), key.pkey.get(), nullptr, nullptr,
                                                    0, nullptr, nullptr)
                    : PEM_write_bio_PUBKEY(bio.get(), key.pkey.get());
  if (written != 1) detail::throw_openssl(Errc::crypto_error, "cannot write the PEM key");
  char* text = nullptr;
  long length = BIO_get_mem_data(bio.get(), &text);
  return std::string(text, static_cast<std::size_t>(length));
}

}  // namespace swapi::jose
