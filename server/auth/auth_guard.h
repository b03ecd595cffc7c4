#pragma once
// The resource server's bearer-token guard (DESIGN.md "Token validation contract"): the
// RequestGuard the server calls for every /api request before routing.
//
// Per request: the policy says what the route needs (auth_policy.h); the token is taken from
// exactly one place (RFC 6750 §2.1 header, §2.3 query only with --allow-query-token); a token
// seen before is looked up (token_cache.h) instead of re-verified; otherwise
// jose::verify_compact checks structure, alg allow-list, crit, key choice and signature against
// the key source's current set (one refetch on an unknown kid when the source can), and
// jose::validate_claims checks typ/exp/nbf/iat/iss/aud. The time rules run on every request,
// cache hit or not. Then the scopes. Every refusal is an RFC 6750 challenge (auth_challenge.h)
// and names its rule in the access log (note_decision).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "jose/claims.h"
#include "jose/token_validation.h"
#include "server/auth/auth_challenge.h"
#include "server/auth/auth_policy.h"
#include "server/auth/key_source.h"
#include "server/auth/request_guard.h"
#include "server/auth/token_cache.h"

namespace swapi::server {

struct GuardSettings {
  jose::ClaimsPolicy claims;
  bool allow_query_token = false;
  BodyShape body_shape = BodyShape::swapi;
  // Larger tokens are refused before any parsing. 8000, not 8192: cpp-httplib 0.11 refuses a
  // header line over 8192 bytes itself (400, before any handler), so with "Authorization:
  // Bearer " in front a limit of 8192 could never be reached; at 8000 an oversized token gets
  // the precise 401 token_too_large, and only lines past httplib's cap get its plain 400.
  std::size_t max_token_bytes = jose::kDefaultMaxTokenBytes;
  TokenCacheLimits cache;
};

// What the guard decided, without HTTP (unit tests use it directly).
struct GuardDecision {
  bool allowed = false;
  std::string rule;     // for the access log: "ok", "public", "no_token", "expired", ...
  Challenge challenge;  // when !allowed
};

// The parts of a request the guard reads.
struct BearerInput {
  std::string_view method;
  std::string_view path;
  std::size_t authorization_count = 0;
  std::string_view authorization;     // the first Authorization header
  std::size_t query_token_count = 0;
  std::string_view query_token;       // the first access_token query parameter
};

class AuthGuard : public RequestGuard {
 public:
  // now: Unix seconds (the real clock in production, a fixed one in tests).
  AuthGuard(GuardSettings settings, AuthPolicy policy, std::shared_ptr<KeySource> keys,
            std::function<std::int64_t()> now);

  bool admit(const httplib::Request& request, httplib::Response& response) override;
  GuardDecision decide(const BearerInput& input);

  const KeySource& keys() const { return *keys_; }
  const GuardSettings& settings() const { return settings_; }
  const AuthPolicy& policy() const { return policy_; }
  // Signature verifications performed (cache misses that reached jose::verify_compact).
  std::size_t verifications() const noexcept { return verifications_.load(std::memory_order_relaxed); }
  const TokenCache& cache() const { return cache_; }

 private:
  GuardDecision check_token(std::string_view token, const Requirement& requirement);
  std::shared_ptr<const VerifiedToken> verify(std::string_view token, const TokenDigest& digest, std::int64_t now,
                                              GuardDecision& refusal);
  bool claims_hold(const VerifiedToken& token, std::int64_t now, GuardDecision& refusal) const;

  GuardSettings settings_;
  AuthPolicy policy_;
  std::shared_ptr<KeySource> keys_;
  std::function<std::int64_t()> now_;
  TokenCache cache_;
  std::atomic<std::size_t> verifications_{0};
};

}  // namespace swapi::server
