#pragma once
// JWT claim validation (RFC 7519 §4.1, RFC 9068 §4). Scopes: jose/scopes.h.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace swapi::jose {

struct ClaimsPolicy {
  std::string issuer;                  // exact match (no slash added or dropped); empty = skip
  std::vector<std::string> audiences;  // aud (string or array) must contain one; empty = skip
  std::chrono::seconds leeway{5};      // as Auth0's express-oauth2-jwt-bearer
  bool require_exp = true;
  std::vector<std::string> allowed_typ;  // e.g. {"JWT","at+jwt"}; empty = skip. Compared
                                         // case-insensitively, "application/" prefix optional
};

// The NumericDates of a claims set (RFC 7519 §2: a JSON number, integer or not), read once, so
// a cached token's time rules can be re-checked on every request without walking the JSON.
struct TokenTimes {
  std::optional<double> exp, nbf, iat;
};
// Throws Error(malformed) when one is present but not a number.
TokenTimes read_times(const nlohmann::json& claims);

// The time rules, the one implementation: exp required (unless !require_exp), now before
// exp + leeway, nbf and iat not after now + leeway. check_times throws Error(missing_exp,
// expired, not_yet_valid or issued_in_future) with the sentence a user reads; times_hold is the
// same rules as a yes/no for the guard's cache-hit path (no sentence built).
void check_times(const TokenTimes& times, const ClaimsPolicy& policy, std::int64_t now);
bool times_hold(const TokenTimes& times, const ClaimsPolicy& policy, std::int64_t now) noexcept;

// Throws Error with missing_exp, expired, not_yet_valid, issued_in_future, wrong_iss,
// wrong_aud, wrong_typ, or malformed (a claim of the wrong JSON type, e.g. exp as a string).
// now is Unix seconds, injected so tests use a fixed clock.
void validate_claims(const nlohmann::json& header, const nlohmann::json& claims,
                     const ClaimsPolicy& policy, std::int64_t now);

}  // namespace swapi::jose
