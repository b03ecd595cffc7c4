// Attacker material for the defect catalogue, through OpenSSL 3's encoders and EVP.
#include "testkit/forgery.h"

#include <map>
#include <memory>
#include <mutex>

#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "jose/error.h"
#include "jose/keygen.h"

namespace swapi::testkit {

namespace {

using EncoderCtxPtr = std::unique_ptr<OSSL_ENCODER_CTX, decltype(&OSSL_ENCODER_CTX_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

[[noreturn]] void fail(std::string what) {
  ERR_clear_error();  // the reasons belong to this failure only; do not leak them into the next
  throw jose::Error(jose::Errc::crypto_error, std::move(what));
}

// OpenSSL's encoder for the public half of `key` in `format` ("PEM"/"DER") and `structure`
// ("SubjectPublicKeyInfo", or "type-specific": PKCS#1 RSAPublicKey for RSA).
std::string encode_public(const jose::Jwk& key, const char* format, const char* structure) {
  EncoderCtxPtr encoder(
      OSSL_ENCODER_CTX_new_for_pkey(key.pkey.get(), OSSL_KEYMGMT_SELECT_PUBLIC_KEY, format, structure, nullptr),
      OSSL_ENCODER_CTX_free);
  unsigned char* data = nullptr;
  std::size_t length = 0;
  if (!encoder || OSSL_ENCODER_CTX_get_num_encoders(encoder.get()) == 0 ||
      OSSL_ENCODER_to_data(encoder.get(), &data, &length) != 1)
    fail(std::string("cannot encode the public key as ") + format + " " + structure);
  std::string bytes(reinterpret_cast<char*>(data), length);
  OPENSSL_free(data);
  return bytes;
}

std::string without_final_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

const jose::Jwk& attacker_key(jose::Alg alg) {
  static std::mutex mutex;
  static std::map<jose::Alg, jose::Jwk> keys;  // node-based: references stay valid
  std::lock_guard lock(mutex);
  auto found = keys.find(alg);
  if (found == keys.end()) found = keys.emplace(alg, jose::generate_key(alg)).first;
  return found->second;
}

std::string_view form_name(PublicKeyForm form) {
  switch (form) {
    case PublicKeyForm::spki_pem: return "spki-pem";
    case PublicKeyForm::spki_pem_no_newline: return "spki-pem-nonl";
    case PublicKeyForm::pkcs1_pem: return "pkcs1-pem";
    case PublicKeyForm::pkcs1_pem_no_newline: return "pkcs1-pem-nonl";
    case PublicKeyForm::der: return "der";
    case PublicKeyForm::jwk: return "jwk";
  }
  return "?";
}

std::string public_key_bytes(const jose::Jwk& key, PublicKeyForm form) {
  if (key.type == jose::KeyType::oct || !key.pkey)
    throw jose::Error(jose::Errc::invalid_key, "an HMAC secret has no public form");
  bool pkcs1 = form == PublicKeyForm::pkcs1_pem || form == PublicKeyForm::pkcs1_pem_no_newline;
  if (pkcs1 && key.type != jose::KeyType::rsa)
    throw jose::Error(jose::Errc::invalid_key, "PKCS#1 is an RSA-only form");
  switch (form) {
    case PublicKeyForm::spki_pem: return encode_public(key, "PEM", "SubjectPublicKeyInfo");
    case PublicKeyForm::spki_pem_no_newline:
      return without_final_newline(encode_public(key, "PEM", "SubjectPublicKeyInfo"));
    case PublicKeyForm::pkcs1_pem: return encode_public(key, "PEM", "type-specific");
    case PublicKeyForm::pkcs1_pem_no_newline: return without_final_newline(encode_public(key, "PEM", "type-specific"));
    case PublicKeyForm::der: return encode_public(key, "DER", "SubjectPublicKeyInfo");
    case PublicKeyForm::jwk: return jose::to_json(jose::public_part(key), false).dump();
  }
  return {};
}

std::string hmac_any(jose::Alg alg, std::string_view secret, std::string_view input) {
  const char* digest = alg == jose::Alg::HS384 ? "SHA384" : alg == jose::Alg::HS512 ? "SHA512" : "SHA256";
  unsigned char tag[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  // EVP_Q_mac takes a null key pointer for an empty secret badly; give it a valid address.
  static const unsigned char empty = 0;
  const void* key = secret.empty() ? static_cast<const void*>(&empty) : secret.data();
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key, secret.size(),
                 reinterpret_cast<const unsigned char*>(input.data()), input.size(), tag, sizeof tag, &length))
    fail("HMAC failed");
  return std::string(reinterpret_cast<const char*>(tag), length);
}

std::string self_signed_certificate_der(const jose::Jwk& key) {
  X509Ptr cert(X509_new(), X509_free);
  if (!cert) fail("cannot allocate a certificate");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key.pkey.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("swapi attacker"), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // Ed25519 signs without a separate digest.
  const EVP_MD* digest = key.type == jose::KeyType::okp ? nullptr : EVP_sha256();
  if (X509_sign(cert.get(), key.pkey.get(), digest) <= 0) fail("cannot sign the certificate");
  unsigned char* der = nullptr;
  int length = i2d_X509(cert.get(), &der);
  if (length <= 0) fail("cannot encode the certificate");
  std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return bytes;
}

std::string base64_standard(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                               reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(length));
  return text;
}

std::string pem_certificate(std::string_view der) {
  // RFC 7468 §2: base64 lines of 64 characters between the labels.
  std::string body = base64_standard(der);
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t at = 0; at < body.size(); at += 64) pem += body.substr(at, 64) + "\n";
  return pem + "-----END CERTIFICATE-----\n";
}

}  // namespace swapi::testkit
