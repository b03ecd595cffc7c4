#pragma once
// JWS compact serialization (RFC 7515 §7.1): sign, parse and verify. The verifier takes the
// allowed algorithms and the trusted keys from its caller, never from the token: jku, x5u,
// jwk and x5c header members are ignored, "crit" is refused (RFC 7515 §4.1.11), and "none"
// is never an algorithm (RFC 8725 §3.1).
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "jose/alg.h"
#include "jose/jwk.h"

namespace swapi::jose {

// The raw JWS signature of signing_input ("b64(header).b64(payload)"). ECDSA signatures are
// the fixed-length r||s of RFC 7518 §3.4. Throws Error(key_mismatch/weak_key) when the key
// cannot sign with alg, Error(crypto_error) when OpenSSL fails.
std::string sign_bytes(Alg alg, const Jwk& key, std::string_view signing_input);

// sign_bytes for many inputs under one key and alg (`token mint --count`): the OpenSSL context
// is prepared once and each input is hashed and signed on it, as `openssl speed` does, instead
// of fetching the algorithm again per token. Same output as sign_bytes. Not thread-safe: one
// Signer per thread. Throws as sign_bytes; the key must outlive the Signer.
class Signer {
 public:
  Signer(Alg alg, const Jwk& key);
  ~Signer();
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) = delete;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  std::string sign(std::string_view signing_input);

 private:
  Alg alg_;
  const Jwk* key_;
  EVP_PKEY_CTX* prepared_ = nullptr;  // RSA, PSS, ECDSA; null for EdDSA and HMAC (sign_bytes)
};

// True iff signature is a valid alg signature of signing_input under key. ECDSA: the signature
// must be exactly 2 * curve size bytes and r, s in [1, n-1]. Throws Error(key_mismatch or
// weak_key) when the key cannot verify with alg (a policy failure, not a bad signature).
bool verify_bytes(Alg alg, const Jwk& key, std::string_view signing_input,
                  std::string_view signature);

// Signs header + payload into a compact JWS. header must hold a string "alg" naming an Alg;
// it is serialized as given (so tests can add kid, typ, crit...).
std::string sign_compact(const nlohmann::json& header, std::string_view payload, const Jwk& key);

// A compact JWS split and decoded, not verified. Throws Error(malformed) unless there are
// exactly three segments, each strict base64url (the payload may be empty), and the
// header is a JSON object without duplicate members whose "alg" is a string.
struct CompactJws {
  nlohmann::json header;
  std::string payload;          // decoded bytes
  std::string signature;        // decoded bytes
  std::string_view signing_input;  // view into the token: header "." payload segments
};
CompactJws parse_compact(std::string_view token);

struct VerifiedJws {
  nlohmann::json header;
  std::string payload;
  Alg alg;
  const Jwk* key;  // the trusted key that verified it (points into the caller's span)
};

// Full verification. In order: structure (malformed); alg is a registered name in `allowed`
// (alg_not_allowed; "none" in any spelling always); no crit (crit_unsupported); key choice:
// with kid the keys having that kid (unknown_kid if none, key_mismatch if none fits alg,
// no_matching_key if several fit), without kid the keys that fit alg (no_matching_key unless
// exactly one); signature (bad_signature). Keys unfit for alg (key_unfit_for) never verify.
VerifiedJws verify_compact(std::string_view token, std::span<const Jwk> keys,
                           std::span<const Alg> allowed);

}  // namespace swapi::jose
