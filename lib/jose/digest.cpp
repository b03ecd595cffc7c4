#include "jose/digest.h"

#include <memory>
#include <vector>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "jose/base64url.h"
#include "jose/error.h"

namespace swapi::jose {

namespace {
struct MdDeleter {
  void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

// Fetched once: OpenSSL 3's implicit fetch in EVP_DigestInit_ex(EVP_sha256()) takes a
// provider-store lock on every call, which shows up under load (the guard hashes every token).
const EVP_MD* sha256_md() {
  static const std::unique_ptr<EVP_MD, MdDeleter> md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  return md.get();
}
}  // namespace

Sha256 sha256(std::string_view bytes) {
  // One context per thread, reused: no allocation per call.
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  Sha256 digest{};
  unsigned int length = 0;
  if (!ctx || !sha256_md() || EVP_DigestInit_ex2(ctx.get(), sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1 || length != digest.size())
    throw Error(Errc::crypto_error, "SHA-256 is unavailable in OpenSSL");
  return digest;
}

std::string random_base64url(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1)
    throw Error(Errc::crypto_error, "OpenSSL's random generator failed");
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()));
}

}  // namespace swapi::jose
