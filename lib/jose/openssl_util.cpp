#include "jose/openssl_util.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

namespace swapi::jose::detail {

PkeyPtr adopt_pkey(EVP_PKEY* key) {
  if (key == nullptr) return nullptr;
  return PkeyPtr(key, EvpPkeyDeleter{});
}

std::string drain_openssl_errors() {
  std::string reasons;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!reasons.empty()) reasons += "; ";
    reasons += buffer;
  }
  return reasons;
}

void throw_openssl(Errc code, std::string what) {
  std::string reasons = drain_openssl_errors();
  if (!reasons.empty()) what += ": " + reasons;
  throw Error(code, std::move(what));
}

const EVP_MD* alg_digest(Alg alg) noexcept {
  switch (alg) {
    case Alg::RS256: case Alg::PS256: case Alg::ES256: case Alg::HS256: return EVP_sha256();
    case Alg::RS384: case Alg::PS384: case Alg::ES384: case Alg::HS384: return EVP_sha384();
    case Alg::RS512: case Alg::PS512: case Alg::ES512: case Alg::HS512: return EVP_sha512();
    case Alg::EdDSA: return nullptr;  // Ed25519 hashes internally (RFC 8032 PureEdDSA)
  }
  return nullptr;
}

std::size_t alg_hash_size(Alg alg) noexcept {
  const EVP_MD* digest = alg_digest(alg);
  return digest == nullptr ? 0 : static_cast<std::size_t>(EVP_MD_get_size(digest));
}

BignumPtr bignum_from_bytes(std::string_view bytes) {
  BignumPtr number(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                             static_cast<int>(bytes.size()), nullptr));
  if (!number) throw_openssl(Errc::crypto_error, "cannot allocate a big number");
  return number;
}

std::string bignum_to_bytes(const BIGNUM& number, int width) {
  if (width == 0) width = BN_num_bytes(&number);
  std::string bytes(static_cast<std::size_t>(width), '\0');
  if (width > 0 &&
      BN_bn2binpad(&number, reinterpret_cast<unsigned char*>(bytes.data()), width) != width) {
    throw_openssl(Errc::crypto_error, "big number does not fit its field");
  }
  return bytes;
}

bool equal_constant_time(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace swapi::jose::detail
