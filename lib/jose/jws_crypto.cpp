// The signature primitives of JWS (RFC 7518 §3, RFC 8037 §3.1), all through EVP_DigestSign /
// EVP_DigestVerify except HMAC, whose tag is compared in constant time.
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "jose/ecdsa_signature.h"
#include "jose/jws.h"
#include "jose/key_material.h"
#include "jose/openssl_util.h"

namespace swapi::jose {
namespace {

using detail::MdCtxPtr;

bool is_rsa_pss(Alg alg) { return alg == Alg::PS256 || alg == Alg::PS384 || alg == Alg::PS512; }
bool is_ecdsa(Alg alg) { return !alg_curve(alg).empty(); }

void require_fit(const Jwk& key, Alg alg, bool for_signing) {
  if (auto unfit = key_unfit_for(key, alg, for_signing)) {
    throw Error(unfit->code, std::move(unfit->reason));
  }
}

std::string hmac_tag(Alg alg, std::string_view secret, std::string_view input) {
  unsigned char tag[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(detail::alg_digest(alg), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), tag,
           &length) == nullptr) {
    detail::throw_openssl(Errc::crypto_error, "HMAC failed");
  }
  return std::string(reinterpret_cast<const char*>(tag), length);
}

// RFC 7518 §3.5: PSS with MGF1 over the same hash and a salt as long as the hash. On verify,
// RSA_PSS_SALTLEN_DIGEST makes OpenSSL insist on exactly that salt length.
void configure_padding(Alg alg, EVP_PKEY_CTX* context) {
  if (!is_rsa_pss(alg)) return;
  if (EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(context, detail::alg_digest(alg)) != 1) {
    detail::throw_openssl(Errc::crypto_error, "cannot set RSA-PSS parameters");
  }
}

}  // namespace

std::string sign_bytes(Alg alg, const Jwk& key, std::string_view signing_input) {
  require_fit(key, alg, true);
  if (is_hmac(alg)) return hmac_tag(alg, key.secret, signing_input);

  MdCtxPtr context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  if (!context || EVP_DigestSignInit(context.get(), &key_context, detail::alg_digest(alg), nullptr,
                                     key.pkey.get()) != 1) {
    detail::throw_openssl(Errc::crypto_error, "cannot start signing");
  }
  configure_padding(alg, key_context);
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  std::size_t length = 0;
  if (EVP_DigestSign(context.get(), nullptr, &length, data, signing_input.size()) != 1) {
    detail::throw_openssl(Errc::crypto_error, "cannot size the signature");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     data, signing_input.size()) != 1) {
    detail::throw_openssl(Errc::crypto_error, "signing failed");
  }
  signature.resize(length);
  if (is_ecdsa(alg)) {
    return detail::ecdsa_der_to_raw(signature, detail::curve_field_bytes(key.curve));
  }
  return signature;
}

Signer::Signer(Alg alg, const Jwk& key) : alg_(alg), key_(&key) {
  require_fit(key, alg, true);
  if (is_hmac(alg) || alg == Alg::EdDSA) return;  // no prehash step to split off
  prepared_ = EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr);
  bool ok = prepared_ && EVP_PKEY_sign_init(prepared_) == 1 &&
            EVP_PKEY_CTX_set_signature_md(prepared_, detail::alg_digest(alg)) == 1;
  if (!ok) {
    EVP_PKEY_CTX_free(prepared_);
    prepared_ = nullptr;
    detail::throw_openssl(Errc::crypto_error, "cannot prepare signing");
  }
  // RSA: PKCS#1 v1.5 (the default padding, DigestInfo from the signature md) or PSS as above.
  configure_padding(alg, prepared_);
}

Signer::~Signer() { EVP_PKEY_CTX_free(prepared_); }

Signer::Signer(Signer&& other) noexcept : alg_(other.alg_), key_(other.key_), prepared_(other.prepared_) {
  other.prepared_ = nullptr;
}

std::string Signer::sign(std::string_view signing_input) {
  if (!prepared_) return sign_bytes(alg_, *key_, signing_input);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_Digest(signing_input.data(), signing_input.size(), digest, &digest_length, detail::alg_digest(alg_),
                 nullptr) != 1)
    detail::throw_openssl(Errc::crypto_error, "cannot hash the signing input");
  std::size_t length = 0;
  if (EVP_PKEY_sign(prepared_, nullptr, &length, digest, digest_length) != 1)
    detail::throw_openssl(Errc::crypto_error, "cannot size the signature");
  std::string signature(length, '\0');
  if (EVP_PKEY_sign(prepared_, reinterpret_cast<unsigned char*>(signature.data()), &length, digest, digest_length) != 1)
    detail::throw_openssl(Errc::crypto_error, "signing failed");
  signature.resize(length);
  if (is_ecdsa(alg_)) return detail::ecdsa_der_to_raw(signature, detail::curve_field_bytes(key_->curve));
  return signature;
}

bool verify_bytes(Alg alg, const Jwk& key, std::string_view signing_input,
                  std::string_view signature) {
  require_fit(key, alg, false);
  if (is_hmac(alg)) {
    // The tag must be the full hash output: a truncated tag is never an HS* signature.
    return detail::equal_constant_time(hmac_tag(alg, key.secret, signing_input), signature);
  }

  std::string der;
  std::string_view presented = signature;
  if (is_ecdsa(alg)) {
    std::optional<std::string> converted = detail::ecdsa_raw_to_der(signature, key.curve);
    if (!converted) return false;
    der = std::move(*converted);
    presented = der;
  } else if (alg != Alg::EdDSA &&
             signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey.get()))) {
    return false;  // RSA signatures are exactly the modulus length (RFC 8017 §8.1.2 step 1)
  }

  MdCtxPtr context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  if (!context || EVP_DigestVerifyInit(context.get(), &key_context, detail::alg_digest(alg),
                                       nullptr, key.pkey.get()) != 1) {
    detail::throw_openssl(Errc::crypto_error, "cannot start verifying");
  }
  configure_padding(alg, key_context);
  int verdict = EVP_DigestVerify(
      context.get(), reinterpret_cast<const unsigned char*>(presented.data()), presented.size(),
      reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  // A bad signature leaves reasons on the queue; they are not news, only clutter.
  detail::drain_openssl_errors();
  return verdict == 1;
}

}  // namespace swapi::jose
