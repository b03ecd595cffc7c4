#pragma once
// Verified-token cache (DESIGN.md "Token validation contract", last paragraph): the signature
// of a token is checked once, not once per request.
//
// - Positive entries hold what verification produced (header, claims, scopes) so a cache hit
//   re-parses nothing. The guard still runs the claim rules on every hit (time passes).
//   An entry never outlives the token's exp; without exp it lives until evicted (LRU).
// - Negative entries remember a token whose signature failed (or that was already past exp)
//   for a few seconds, so a flood of one bad token costs one verification.
// - Both are bounded LRUs, keyed by SHA-256 of the token (fixed-size keys whatever the token
//   length; the cache keeps no raw bearer tokens), split into shards with their own mutex so
//   worker threads rarely wait on each other.
// - Every entry records the key-set generation it was computed under: when the trusted keys
//   change (remote JWKS rotation), older entries stop matching.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/claims.h"
#include "jose/digest.h"

#include "jose/error.h"
#include "jose/scopes.h"

namespace swapi::server {

using TokenDigest = jose::Sha256;

// SHA-256 of the token text.
TokenDigest digest_token(std::string_view token);

struct VerifiedToken {
  nlohmann::json header;
  nlohmann::json claims;
  std::vector<std::string> scopes;  // sorted, unique (jose::extract_scopes)
  // The NumericDates (RFC 7519 §2) when present and numeric, read once so a cache hit can
  // re-check the time rules without walking the JSON.
  jose::TokenTimes times;
  // jose::validate_claims passed when the token was verified: the rules that do not depend on
  // time (iss, aud, typ, claim types) hold for good, only the time rules are re-checked.
  bool claims_valid = false;

  bool has_scope(std::string_view scope) const noexcept;
};

struct TokenCacheLimits {
  std::size_t capacity = 4096;           // verified tokens
  std::size_t rejected_capacity = 1024;  // failed signatures
  std::chrono::seconds rejected_ttl{10};
  std::size_t shards = 16;
};

class TokenCache {
 public:
  explicit TokenCache(TokenCacheLimits limits = {});
  ~TokenCache();
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // The verified token, or nullptr when absent, expired (now >= exp) or from another key-set
  // generation. A hit makes the entry most recently used.
  std::shared_ptr<const VerifiedToken> find(const TokenDigest& key, std::int64_t now, std::uint64_t generation);
  // Ignored when the token is already past its exp.
  void insert(const TokenDigest& key, std::shared_ptr<const VerifiedToken> token, std::int64_t now,
              std::uint64_t generation);

  // The remembered failure, or nullptr (absent, older than rejected_ttl, other generation).
  std::shared_ptr<const jose::Error> find_rejected(const TokenDigest& key, std::int64_t now, std::uint64_t generation);
  void insert_rejected(const TokenDigest& key, jose::Error error, std::int64_t now, std::uint64_t generation);

  std::size_t size() const;
  std::size_t rejected_size() const;

 private:
  struct Shard;
  TokenCacheLimits limits_;
  std::unique_ptr<Shard[]> verified_;
  std::unique_ptr<Shard[]> rejected_;

  Shard& shard_of(std::unique_ptr<Shard[]>& shards, const TokenDigest& key) const;
};

}  // namespace swapi::server
