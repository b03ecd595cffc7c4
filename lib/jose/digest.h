#pragma once
// One-shot SHA-256 and random identifiers, the two uses of OpenSSL outside signing: token
// cache keys, client-secret comparison, thumbprints; client secrets, jti values.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace swapi::jose {

using Sha256 = std::array<unsigned char, 32>;

// Throws Error(crypto_error) when OpenSSL cannot hash (no default provider).
Sha256 sha256(std::string_view bytes);

// `bytes` random bytes from OpenSSL's CSPRNG, base64url-encoded without padding (16 bytes: a
// jti; 32: a client secret). Throws Error(crypto_error) when the generator fails.
std::string random_base64url(std::size_t bytes);

}  // namespace swapi::jose
