#pragma once
// Which key may sign or verify which alg (RFC 7518 §3, RFC 8725 §3.1-3.2, RFC 7517 §4.2-4.3).
#include <optional>
#include <string>

#include "jose/alg.h"
#include "jose/error.h"
#include "jose/jwk.h"

namespace swapi::jose {

// Bits of an RSA modulus, 0 for other key types.
int rsa_bits(const Jwk& key);

// Why `key` may not verify/sign `alg`, or nullopt when it may. Family must match (RSA for
// RS*/PS*, EC of the alg's curve for ES*, OKP Ed25519 for EdDSA, oct for HS*), the JWK alg
// member (if any) must equal alg, use must not be "enc", key_ops (if any) must allow the
// operation. Returns Errc::key_mismatch or Errc::weak_key (RSA < 2048 bits, HMAC secret
// shorter than the hash output, RFC 7518 §3.2) with a sentence.
struct KeyUnfit {
  Errc code;
  std::string reason;
};
std::optional<KeyUnfit> key_unfit_for(const Jwk& key, Alg alg, bool for_signing = false);

// The alg a key is used with when nobody says: its own "alg", else RS256 for RSA, the ES* of an
// EC key's curve, EdDSA for Ed25519, HS256 for a secret; nullopt for an unsupported curve.
std::optional<Alg> default_alg(const Jwk& key);

}  // namespace swapi::jose
