#pragma once
// Test support for the auth tests (unit and integration): keys generated once per run, tokens
// minted with jose::sign_compact, and hand-built defective tokens.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/base64url.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "jose/keygen.h"

namespace swapi::test {

inline constexpr std::string_view kTestAudience = "https://starwarsapi.com";

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// RSA generation is slow: one key per purpose per test binary.
inline const jose::Jwk& rsa_key() { static const jose::Jwk key = jose::generate_key(jose::Alg::RS256); return key; }
inline const jose::Jwk& other_rsa_key() { static const jose::Jwk key = jose::generate_key(jose::Alg::RS256); return key; }
inline const jose::Jwk& ec_key() { static const jose::Jwk key = jose::generate_key(jose::Alg::ES256); return key; }
inline const jose::Jwk& hmac_key() { static const jose::Jwk key = jose::generate_key(jose::Alg::HS256); return key; }

// {"keys":[...]} with the public parts (secrets kept for oct keys: a JWKS *file* of ours).
inline std::string jwks_text(const std::vector<jose::Jwk>& keys) {
  std::vector<jose::Jwk> published;
  for (const auto& key : keys) published.push_back(key.type == jose::KeyType::oct ? key : jose::public_part(key));
  return jose::to_jwks(published, true).dump();
}

inline nlohmann::json good_claims(const std::string& issuer, std::int64_t now, const std::string& scope = "read:films") {
  return {{"iss", issuer}, {"aud", kTestAudience}, {"sub", "tester"}, {"iat", now}, {"exp", now + 600}, {"scope", scope}};
}

// Signed with key (alg from the key), kid from the key unless header overrides it.
inline std::string mint(const jose::Jwk& key, const nlohmann::json& claims, const nlohmann::json& header_extra = nlohmann::json::object()) {
  nlohmann::json header = {{"alg", std::string(jose::alg_name(*key.alg))}, {"typ", "JWT"}, {"kid", key.kid}};
  for (const auto& [name, value] : header_extra.items()) {
    if (value.is_null()) {
      header.erase(name);
    } else {
      header[name] = value;
    }
  }
  return jose::sign_compact(header, claims.dump(), key);
}

inline std::string b64(std::string_view bytes) { return jose::base64url_encode(bytes); }

// header.payload.signature from raw texts (for defects sign_compact would not produce).
inline std::string raw_token(std::string_view header, std::string_view payload, std::string_view signature) {
  return b64(header) + "." + b64(payload) + "." + b64(signature);
}

// The token with the last character of its signature changed: a bad signature, same structure.
inline std::string tamper_signature(std::string token) {
  // Change a character well inside the signature so the base64url stays canonical.
  std::size_t at = token.rfind('.') + 5;
  token[at] = token[at] == 'A' ? 'B' : 'A';
  return token;
}

}  // namespace swapi::test
