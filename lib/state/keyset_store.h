#pragma once
// The local keyset (DESIGN.md "Issuer and keys"): a private JWKS file, <state>/keys.json, mode
// 0600. The server's issuer signs with its active key; `swapi keys gen|list|jwks|rotate|
// retire|import` edit it through this API.
//
// File format: a JWKS (RFC 7517 §5) of private JWKs, so any JOSE tool can read it, plus one
// swapi member the JWKS spec lets readers ignore:
//   {
//     "keys": [ {"kty":"RSA","kid":"<RFC 7638 thumbprint>","alg":"RS256","use":"sig",
//                "n":..,"e":..,"d":..,"p":..,"q":..,"dp":..,"dq":..,"qi":..}, ... ],
//     "swapi": {"format": 1,
//               "keys": {"<kid>": {"status": "active", "created": 1767225600}, ...}}
//   }
// Status: exactly one "active" key (asymmetric, private, with an alg: it signs what
// POST /oauth/token issues); "previous" keys (Auth0's word) were active before a rotation and
// stay published so tokens they signed keep verifying until `keys retire` removes them; "published" keys were
// added by `keys gen`/`import` (verify, and the CLI may mint with them, but the issuer does not
// sign with them). A key with no swapi entry counts as "published"; a plain JWKS without the
// swapi member gets its first signing-capable key as the active one.
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/alg.h"
#include "jose/jwk.h"
#include "jose/key_policy.h"
#include "state/state_dir.h"  // WarningSink

namespace swapi::server {

enum class KeyStatus { active, previous, published };
std::string_view status_name(KeyStatus status) noexcept;

struct StoredKey {
  jose::Jwk key;             // with its private half; kid always set
  KeyStatus status = KeyStatus::published;
  std::int64_t created = 0;  // Unix seconds; 0 when unknown (imported plain JWKS)
};

// A keyset edit that makes no sense (the file itself is fine). The CLI prints detail + hint.
enum class KeysetErrc {
  unknown_kid,    // no key has that kid
  duplicate_kid,  // a key with that kid is already in the set
  retire_active,  // the active key cannot be removed (rotate first)
  cannot_sign,    // the key cannot be the issuer's active key (public only, HMAC, no alg)
};
class KeysetError : public std::exception {
 public:
  KeysetError(KeysetErrc code, std::string detail, std::string hint = {});
  KeysetErrc code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::string& hint() const noexcept { return hint_; }
  const char* what() const noexcept override { return detail_.c_str(); }

 private:
  KeysetErrc code_;
  std::string detail_, hint_;
};

class Keyset {
 public:
  // In file order. Invariant (kept by every member function and checked on load): kids are
  // unique and exactly one key is active.
  const std::vector<StoredKey>& keys() const { return keys_; }
  const StoredKey* find(std::string_view kid) const;
  const StoredKey& active() const;

  // What the issuer publishes at /.well-known/jwks.json: the public half of every asymmetric
  // key, whatever its status (active, previous, published). Secrets (oct keys) never are.
  std::vector<jose::Jwk> public_keys() const;

  // Adds a key as "published" (or as the active one when the set is empty); a key without
  // kid gets its RFC 7638 thumbprint. Throws KeysetError(duplicate_kid).
  const StoredKey& add(jose::Jwk key, std::int64_t now);
  // Makes kid the active key; the active key becomes "previous" (still published).
  // Throws KeysetError(unknown_kid, cannot_sign).
  void activate(std::string_view kid);
  // `keys rotate`: a fresh key of alg becomes active, the old one previous. Returns the new key.
  const StoredKey& rotate(jose::Alg alg, std::int64_t now, int rsa_bits = 2048);
  // `keys retire KID`: removes the key, so tokens it signed stop verifying. Throws
  // KeysetError(unknown_kid, retire_active).
  void retire(std::string_view kid);

  // The file content (private members included) and its inverse. from_json throws
  // base::Diagnostic("keyset <path>", "corrupt: <why>", hint) for anything not a valid keyset.
  nlohmann::json to_json() const;
  static Keyset from_json(std::string_view text, const std::string& path);

  // A new keyset of one RS256 RSA-2048 key, active.
  static Keyset generate(std::int64_t now);

 private:
  std::vector<StoredKey> keys_;
};

// <dir>/keys.json, or nullopt when there is none yet. Throws base::Diagnostic for a corrupt or
// group/world-accessible file.
std::optional<Keyset> load_keyset(const std::string& dir);

// The keyset, created on first use (dir 0700, file 0600) under the state-dir lock, so that of
// several concurrent first runs exactly one generates it and the others read that one. A
// write whose durability is in doubt is reported on warn (write_private_file).
Keyset open_keyset(const std::string& dir, std::int64_t now, const WarningSink& warn = {});

// Read-modify-write under the state-dir lock: loads (or creates) the keyset, applies change,
// writes it back atomically and returns it. Used by every `swapi keys` edit.
Keyset update_keyset(const std::string& dir, std::int64_t now,
                     const std::function<void(Keyset&)>& change, const WarningSink& warn = {});

}  // namespace swapi::server
