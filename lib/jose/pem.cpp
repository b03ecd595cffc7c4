// PEM import (PKCS#8, SPKI, PKCS#1 "RSA PRIVATE/PUBLIC KEY", SEC 1 "EC PRIVATE KEY") and
// export (PKCS#8 / SPKI), through OpenSSL 3's decoder and PEM writers.
#include <openssl/decoder.h>
#include <openssl/pem.h>

#include "jose/key_material.h"
#include "jose/keygen.h"
#include "jose/openssl_util.h"

namespace swapi::jose {
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
