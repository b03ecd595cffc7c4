// A throwaway self-signed certificate for HTTPS tests, made with the OpenSSL API so tests need
// no openssl command.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "tests/support/server_process.h"

namespace swapi::test {

void write_self_signed_certificate(const std::string& cert_path, const std::string& key_path) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) throw std::runtime_error("cannot create test certificate");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) throw std::runtime_error("cannot sign test certificate");
  std::unique_ptr<FILE, decltype(&fclose)> cert_file(fopen(cert_path.c_str(), "w"), fclose);
  std::unique_ptr<FILE, decltype(&fclose)> key_file(fopen(key_path.c_str(), "w"), fclose);
  if (!cert_file || !key_file || !PEM_write_X509(cert_file.get(), cert.get()) ||
      !PEM_write_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    throw std::runtime_error("cannot write test certificate");
}

}  // namespace swapi::test
