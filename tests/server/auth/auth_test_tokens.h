#pragma once
// Test support for the auth tests (unit and integration): keys generated once per run, good
// tokens minted with jose::sign_compact, and the defective ones taken from the defect catalogue
// (lib/testkit), the one list `swapi check` and `swapi token mint --defect` use too.
#include <chrono>
#include <stdexcept>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/base64url.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "jose/keygen.h"
#include "testkit/defect_catalogue.h"

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

// Segments encoded as given: for bytes no signer would produce (a number beyond double range).
inline std::string raw_token(std::string_view header, std::string_view payload, std::string_view signature) {
  return b64(header) + "." + b64(payload) + "." + b64(signature);
}

// The catalogue's cases of `defect` for a server that trusts `key` (and only it) with this
// issuer and kTestAudience, for a route needing read:films. canary: where jku/x5u point.
inline std::vector<testkit::AttackCase> defect_cases(const std::string& defect, const std::string& issuer,
                                                     std::int64_t now = unix_now(), const jose::Jwk& key = rsa_key(),
                                                     const std::string& canary = {}) {
  testkit::CaseContext context;
  context.signing_key = key;
  context.issuer = issuer;
  context.audience = std::string(kTestAudience);
  context.subject = "tester";
  context.scopes = {"read:films"};
  context.now = now;
  context.trusted_public_keys = {jose::public_part(key)};
  context.canary_base_url = canary;
  const testkit::Defect* found = testkit::find_defect(defect);
  if (!found) throw std::invalid_argument("no defect " + defect);
  return testkit::cases_for(*found, context);
}

// The token of one case: "bad-signature", "alg-none-upper-kid" (the defect is the longest
// catalogue name the case name starts with).
inline std::string defect_token(const std::string& name, const std::string& issuer, std::int64_t now = unix_now(),
                                const jose::Jwk& key = rsa_key()) {
  std::string defect;
  for (const auto& entry : testkit::defect_catalogue()) {
    std::string candidate(entry.name);
    if ((name == candidate || name.starts_with(candidate + "-")) && candidate.size() > defect.size()) defect = candidate;
  }
  for (const auto& attack : defect_cases(defect, issuer, now, key))
    if (attack.name == name) return attack.credentials.token;
  throw std::invalid_argument("no catalogue case " + name);
}

}  // namespace swapi::test
