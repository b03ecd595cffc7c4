#pragma once
// Internal: JWS ECDSA signatures are the fixed-length big-endian r||s of RFC 7518 §3.4, while
// OpenSSL speaks DER ECDSA-Sig-Value. These convert between the two.
#include <optional>
#include <string>
#include <string_view>

namespace swapi::jose::detail {

// r||s, each left-padded to `width` bytes (32, 48, 66). Throws Error(crypto_error) on bad DER.
std::string ecdsa_der_to_raw(std::string_view der, int width);

// DER for OpenSSL, or nullopt when the signature cannot be valid: length other than exactly
// 2 * the curve's field size, or r or s outside [1, n-1]. Checked here, before OpenSSL sees
// it, so no library leniency (zero values, r = n, non-minimal lengths) can let it through.
std::optional<std::string> ecdsa_raw_to_der(std::string_view raw, std::string_view curve);

}  // namespace swapi::jose::detail
