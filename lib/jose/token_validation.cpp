#include "jose/token_validation.h"

#include "jose/error.h"
#include "jose/jws.h"
#include "jose/scopes.h"
#include "jose/strict_json.h"

namespace swapi::jose {

namespace {

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view token) {
  std::size_t end = token.size();
  while (end > 0 && token[end - 1] == '=') --end;
  if (end == 0) return false;
  for (std::size_t i = 0; i < end; ++i) {
    char c = token[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
              c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void check_token_syntax(std::string_view token, std::size_t max_bytes) {
  if (token.size() > max_bytes)
    throw Error(Errc::token_too_large, "the token is " + std::to_string(token.size()) + " bytes, over the limit of " +
                                           std::to_string(max_bytes));
  if (!is_b64token(token))
    throw Error(Errc::malformed, "the token has characters outside the b64token syntax of RFC 6750 section 2.1");
}

SignedClaims verify_signed_claims(std::string_view token, std::span<const Jwk> keys, std::span<const Alg> allowed) {
  VerifiedJws jws = verify_compact(token, keys, allowed);
  nlohmann::json claims = parse_strict_object(jws.payload, "payload");
  return SignedClaims{std::move(jws.header), std::move(claims), jws.alg, jws.key};
}

std::string insufficient_scope_detail(std::span<const std::string> missing) {
  return "the token lacks scope " + join_scopes(missing) + " (from scope, scp or permissions)";
}

SignedClaims validate_token(std::string_view token, std::span<const Jwk> keys, std::span<const Alg> allowed,
                            const TokenRules& rules, std::int64_t now) {
  check_token_syntax(token, rules.max_token_bytes);
  SignedClaims verified = verify_signed_claims(token, keys, allowed);
  validate_claims(verified.header, verified.claims, rules.claims, now);
  auto granted = extract_scopes(verified.claims);
  auto missing =
      missing_scopes(rules.required_scopes, [&](std::string_view scope) { return granted.count(std::string(scope)) > 0; });
  if (!missing.empty()) throw Error(Errc::insufficient_scope, insufficient_scope_detail(missing));
  return verified;
}

}  // namespace swapi::jose
