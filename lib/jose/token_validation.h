#pragma once
// The resource server's rules for one bearer token, end to end (DESIGN.md "Token validation
// contract"): `swapi serve`'s guard and `swapi token verify` both call these, so the two
// cannot drift apart. The guard adds only what a server needs on top (the token cache, the
// remote key refetch, RFC 6750 challenges); the rules themselves live here and in
// jws.h / claims.h.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/alg.h"
#include "jose/claims.h"
#include "jose/jwk.h"

namespace swapi::jose {

// 8000, not 8192: cpp-httplib 0.11 refuses a header line over 8192 bytes itself, so with
// "Authorization: Bearer " in front a larger limit could never be reached by a server.
inline constexpr std::size_t kDefaultMaxTokenBytes = 8000;

struct TokenRules {
  ClaimsPolicy claims;
  std::vector<std::string> required_scopes;  // every one is needed; empty = none
  std::size_t max_token_bytes = kDefaultMaxTokenBytes;
};

// Before any parsing: the size limit (Error(token_too_large)) and the RFC 6750 §2.1 b64token
// syntax (Error(malformed)).
void check_token_syntax(std::string_view token, std::size_t max_bytes);

struct SignedClaims {
  nlohmann::json header;
  nlohmann::json claims;
  Alg alg;
  const Jwk* key;  // the trusted key that verified it (points into the caller's span)
};

// verify_compact (structure, alg allow-list, crit, key choice, signature), then the payload as
// a JSON object without duplicate members (RFC 7519 §7.2 step 10). Throws Error.
SignedClaims verify_signed_claims(std::string_view token, std::span<const Jwk> keys, std::span<const Alg> allowed);

// The scopes of `required` that has(scope) denies, in order; empty when none is missing.
template <typename Has>
std::vector<std::string> missing_scopes(const std::vector<std::string>& required, Has has) {
  std::vector<std::string> missing;
  for (const auto& scope : required)
    if (!has(std::string_view(scope))) missing.push_back(scope);
  return missing;
}
// "the token lacks scope <missing, space-separated> (from scope, scp or permissions)".
std::string insufficient_scope_detail(std::span<const std::string> missing);

// All of it, in the guard's order: syntax, signature, claims (validate_claims), scopes
// (extract_scopes: scope, scp, permissions). Throws Error with the failed rule, e.g.
// Errc::expired or Errc::insufficient_scope.
SignedClaims validate_token(std::string_view token, std::span<const Jwk> keys, std::span<const Alg> allowed,
                            const TokenRules& rules, std::int64_t now);

}  // namespace swapi::jose
