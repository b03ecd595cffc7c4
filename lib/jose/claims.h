#pragma once
// JWT claim validation (RFC 7519 §4.1, RFC 9068 §4) and scope extraction.
#include <chrono>
#include <cstdint>
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

// Throws Error with missing_exp, expired, not_yet_valid, issued_in_future, wrong_iss,
// wrong_aud, wrong_typ, or malformed (a claim of the wrong JSON type, e.g. exp as a string).
// now is Unix seconds, injected so tests use a fixed clock.
void validate_claims(const nlohmann::json& header, const nlohmann::json& claims,
                     const ClaimsPolicy& policy, std::int64_t now);

// Union of "scope" (space-separated string), "scp" (string or array of strings) and
// "permissions" (array of strings, Auth0 RBAC). Members of other types are ignored.
std::set<std::string> extract_scopes(const nlohmann::json& claims);

}  // namespace swapi::jose
