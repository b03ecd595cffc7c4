// Fresh signing keys (RFC 7518 §3 key sizes) with RFC 7638 thumbprint kids.
#include "jose/keygen.h"

#include <openssl/rand.h>

#include "jose/key_material.h"
#include "jose/openssl_util.h"

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

}  // namespace swapi::jose
