#include "jose/key_policy.h"

#include <algorithm>

#include <openssl/core_names.h>

#include "jose/jwk.h"
#include "jose/openssl_util.h"

namespace swapi::jose {
namespace {

std::string_view family_name(KeyType type) {
  switch (type) {
    case KeyType::rsa: return "RSA";
    case KeyType::ec: return "EC";
    case KeyType::okp: return "OKP";
    case KeyType::oct: return "oct";
  }
  return "?";
}

std::string describe_key(const Jwk& key) {
  std::string text(family_name(key.type));
  if (!key.curve.empty()) text += " " + key.curve;
  return text;
}

// What alg needs, as a sentence fragment, and whether key provides it.
bool family_fits(const Jwk& key, Alg alg, std::string& needed) {
  switch (alg) {
    case Alg::RS256: case Alg::RS384: case Alg::RS512:
    case Alg::PS256: case Alg::PS384: case Alg::PS512:
      needed = "an RSA key";
      return key.type == KeyType::rsa;
    case Alg::ES256: case Alg::ES384: case Alg::ES512:
      needed = "an EC " + std::string(alg_curve(alg)) + " key";
      return key.type == KeyType::ec && key.curve == alg_curve(alg);
    case Alg::EdDSA:
      needed = "an OKP Ed25519 key";
      return key.type == KeyType::okp && key.curve == "Ed25519";
    case Alg::HS256: case Alg::HS384: case Alg::HS512:
      // HMAC only with a configured secret: the bytes of a public key are never a secret
      // (the RS256 -> HS256 confusion attack, RFC 8725 §2.1).
      needed = "an oct (HMAC secret) key";
      return key.type == KeyType::oct;
  }
  return false;
}

std::optional<KeyUnfit> mismatch(std::string reason) {
  return KeyUnfit{Errc::key_mismatch, std::move(reason)};
}
std::optional<KeyUnfit> weak(std::string reason) {
  return KeyUnfit{Errc::weak_key, std::move(reason)};
}

bool rsa_exponent_below_65537(const Jwk& key) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.pkey.get(), OSSL_PKEY_PARAM_RSA_E, &raw) != 1) {
    detail::drain_openssl_errors();
    return true;  // no readable exponent: treat as unusable
  }
  detail::BignumPtr exponent(raw);
  return BN_num_bits(exponent.get()) <= 16;  // 65537 = 2^16 + 1 is the first 17-bit value
}

}  // namespace

int rsa_bits(const Jwk& key) {
  if (key.type != KeyType::rsa || !key.pkey) return 0;
  return EVP_PKEY_get_bits(key.pkey.get());
}

std::optional<KeyUnfit> key_unfit_for(const Jwk& key, Alg alg, bool for_signing) {
  std::string needed;
  std::string name(alg_name(alg));
  if (!family_fits(key, alg, needed)) {
    return mismatch(name + " needs " + needed + ", the key is " + describe_key(key));
  }
  if (key.alg && *key.alg != alg) {
    return mismatch("the key is restricted to alg " + std::string(alg_name(*key.alg)) +
                    ", not " + name);
  }
  if (!key.use.empty() && key.use != "sig") {
    return mismatch("the key's use is \"" + key.use + "\", not \"sig\"");
  }
  std::string_view operation = for_signing ? "sign" : "verify";
  if (!key.key_ops.empty() &&
      std::find(key.key_ops.begin(), key.key_ops.end(), operation) == key.key_ops.end()) {
    return mismatch("the key's key_ops do not include \"" + std::string(operation) + "\"");
  }
  if (for_signing && !key.is_private) {
    return mismatch("a public key cannot sign");
  }
  if (key.type != KeyType::oct && !key.pkey) {
    return mismatch("the key has no key material");
  }
  if (key.type == KeyType::rsa) {
    int bits = rsa_bits(key);
    if (bits < 2048) {
      return weak("RSA key of " + std::to_string(bits) + " bits is under 2048 (RFC 7518 section 3.3)");
    }
    if (rsa_exponent_below_65537(key)) {
      return weak("RSA public exponent is under 65537 (NIST SP 800-89)");
    }
  }
  if (key.type == KeyType::oct) {
    std::size_t hash_size = detail::alg_hash_size(alg);
    if (key.secret.empty()) return weak("the HMAC secret is empty");
    if (key.secret.size() < hash_size) {
      return weak("HMAC secret of " + std::to_string(key.secret.size()) + " bytes is shorter than " +
                  name + "'s " + std::to_string(hash_size) + "-byte hash (RFC 7518 section 3.2)");
    }
  }
  return std::nullopt;
}

std::optional<Alg> default_alg(const Jwk& key) {
  if (key.alg) return key.alg;
  switch (key.type) {
    case KeyType::rsa: return Alg::RS256;
    case KeyType::ec:
      for (Alg alg : {Alg::ES256, Alg::ES384, Alg::ES512})
        if (alg_curve(alg) == key.curve) return alg;
      return std::nullopt;
    case KeyType::okp: return Alg::EdDSA;
    case KeyType::oct: return Alg::HS256;
  }
  return std::nullopt;
}

}  // namespace swapi::jose
