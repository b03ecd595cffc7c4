#pragma once
// Internal: building EVP_PKEYs from JWK members and reading members back out of them, plus the
// consistency checks every loaded key passes (JWK, PEM or freshly generated alike).
#include <optional>
#include <string>
#include <string_view>

#include "jose/jwk.h"

namespace swapi::jose::detail {

// Big-endian unsigned byte strings, as in the JWK members (RFC 7518 §6.3).
struct RsaMembers {
  std::string n, e;
  std::optional<std::string> d;
  // The CRT members: all present or all absent (RFC 7518 §6.3.2).
  std::optional<std::string> p, q, dp, dq, qi;
};
struct EcMembers {
  std::string curve;  // "P-256", "P-384", "P-521"
  std::string x, y;   // each exactly curve_field_bytes(curve)
  std::optional<std::string> d;
};

// Bytes of a coordinate / private scalar of a JOSE curve name, 0 when unsupported.
int curve_field_bytes(std::string_view curve) noexcept;

PkeyPtr build_rsa_key(const RsaMembers& members);
PkeyPtr build_ec_key(const EcMembers& members);
PkeyPtr build_ed25519_key(std::string_view x, const std::optional<std::string>& d);

RsaMembers read_rsa_members(EVP_PKEY& key, bool include_private);
EcMembers read_ec_members(EVP_PKEY& key, bool include_private);
// Ed25519: the 32-byte public key and, when asked and present, the 32-byte seed.
std::string read_ed25519_public(EVP_PKEY& key);
std::optional<std::string> read_ed25519_private(EVP_PKEY& key);

// A Jwk around any supported EVP_PKEY (RSA, EC P-256/384/521, Ed25519), with type, curve and
// is_private filled in and the key material checked. Throws Error(invalid_key).
Jwk jwk_from_pkey(PkeyPtr key);

// The public half of an EVP_PKEY (a new object without private material).
PkeyPtr public_pkey(EVP_PKEY& key);

}  // namespace swapi::jose::detail
