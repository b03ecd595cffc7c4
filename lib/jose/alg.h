#pragma once
// JWS algorithms (RFC 7518 §3, RFC 8037 §3.1) that swapi signs and verifies.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace swapi::jose {

enum class Alg : std::uint8_t {
  RS256, RS384, RS512,
  PS256, PS384, PS512,
  ES256, ES384, ES512,
  EdDSA,
  HS256, HS384, HS512,
};

// Exact, case-sensitive registry names: "RS256", "EdDSA"...; "none" is never an Alg.
std::optional<Alg> parse_alg(std::string_view name) noexcept;
std::string_view alg_name(Alg alg) noexcept;
const std::vector<Alg>& all_algs();

bool is_hmac(Alg alg) noexcept;
// The curve an ES* alg requires ("P-256", "P-384", "P-521"); empty for the others.
std::string_view alg_curve(Alg alg) noexcept;

}  // namespace swapi::jose
