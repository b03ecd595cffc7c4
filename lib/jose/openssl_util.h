#pragma once
// Internal: RAII owners for OpenSSL handles and the error-queue drain every failure path uses.
// Not part of the public jose API (nothing outside jose/*.cpp includes it).
#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "jose/alg.h"
#include "jose/error.h"
#include "jose/jwk.h"

namespace swapi::jose::detail {

template <auto FreeFunction>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* handle) const noexcept {
    FreeFunction(handle);
  }
};

using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using SecureBignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_clear_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM_free>>;

// Takes ownership of a freshly created EVP_PKEY (nullptr stays nullptr).
PkeyPtr adopt_pkey(EVP_PKEY* key);

// Empties OpenSSL's thread-local error queue and returns its reasons joined by "; " (empty
// when the queue was empty). Every failure path drains it so a stale entry never shows up in
// an unrelated later error.
std::string drain_openssl_errors();

// Throws Error(code, what + ": " + drained OpenSSL reasons).
[[noreturn]] void throw_openssl(Errc code, std::string what);

// The hash of an alg (SHA-256/384/512; EdDSA has none and returns nullptr) and its size.
const EVP_MD* alg_digest(Alg alg) noexcept;
std::size_t alg_hash_size(Alg alg) noexcept;

// BIGNUM from big-endian bytes, and back padded to `width` bytes (width 0: minimal).
BignumPtr bignum_from_bytes(std::string_view bytes);
std::string bignum_to_bytes(const BIGNUM& number, int width = 0);

// Constant-time equality of two byte strings (false when the lengths differ).
bool equal_constant_time(std::string_view a, std::string_view b) noexcept;

}  // namespace swapi::jose::detail
