#pragma once
// JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037 §2) and RFC 7638 thumbprints.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "jose/alg.h"
#include "jose/error.h"

namespace swapi::jose {

enum class KeyType { rsa, ec, okp, oct };

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
using PkeyPtr = std::shared_ptr<EVP_PKEY>;

struct Jwk {
  KeyType type = KeyType::rsa;
  std::string kid;                    // may be empty
  std::optional<Alg> alg;             // the JWK "alg" member: when set, the only alg allowed
  std::string use;                    // "sig", "enc" or empty
  std::vector<std::string> key_ops;   // empty = unrestricted
  std::string curve;                  // EC: "P-256"/"P-384"/"P-521"; OKP: "Ed25519"
  PkeyPtr pkey;                       // RSA, EC, OKP (public or private)
  std::string secret;                 // oct: the raw secret bytes
  bool is_private = false;            // holds private material (always true for oct)
};

// Throws Error(Errc::invalid_key) with the reason (missing member, bad base64url, point not on
// the curve, RSA exponent 1, unsupported kty/crv, mixed public/private members...).
Jwk parse_jwk(const nlohmann::json& member);
Jwk parse_jwk(std::string_view json_text);
// Text overloads so parse_jwk(std::string) and parse_jwk("...") are not ambiguous between the
// json and string_view overloads (both are user-defined conversions).
Jwk parse_jwk(const std::string& json_text);
Jwk parse_jwk(const char* json_text);

// A JWKS loads key by key: a bad key is reported and skipped, never fatal to the whole set.
// Keys sharing a kid are all rejected (a verifier could not tell which one the token meant),
// counting entries that failed to load. HMAC (oct) secrets in a set that also holds public keys
// are rejected (Wycheproof MixedKeySet: a published set must not carry secrets). Key numbers in
// `rejected` count from 1.
struct JwksLoad {
  std::vector<Jwk> keys;
  std::vector<std::string> rejected;  // one sentence per skipped key: "key 2 (kid "x"): why"
};
// Throws Error(Errc::invalid_key) only when the document is not {"keys":[...]}.
JwksLoad parse_jwks(const nlohmann::json& document);
JwksLoad parse_jwks(std::string_view json_text);
JwksLoad parse_jwks(const std::string& json_text);
JwksLoad parse_jwks(const char* json_text);

// Serialize; private members only when include_private (and the key has them). A secret has
// no public form: to_json(oct key, false) throws Error(invalid_key), and to_jwks(keys, false)
// leaves oct keys out, so a public JWKS never carries a secret.
nlohmann::json to_json(const Jwk& key, bool include_private);
nlohmann::json to_jwks(std::span<const Jwk> keys, bool include_private);

// The public half of a key (for oct keys, a copy: a secret has no public half).
Jwk public_part(const Jwk& key);

// RFC 7638 SHA-256 thumbprint, base64url.
std::string thumbprint(const Jwk& key);

}  // namespace swapi::jose
