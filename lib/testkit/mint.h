#pragma once
// Minting good tokens (DESIGN.md "CLI", `swapi token mint`): the claims an Auth0-style access
// token carries, signed with a key of the local keyset or a PEM file. The defect catalogue
// starts every defective token from these.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/jwk.h"

namespace swapi::testkit {

struct TokenSpec {
  std::string issuer;                  // iss; empty = none
  std::vector<std::string> audiences;  // aud: one is a string, several an array, none no claim
  std::string subject;                 // sub; empty = none
  std::vector<std::string> scopes;     // scope, space-separated (RFC 8693 §4.2); none = no claim
  std::int64_t issued_at = 0;          // iat, Unix seconds
  std::optional<std::int64_t> expires_at;  // exp; nullopt = none
  std::optional<std::int64_t> not_before;  // nbf; nullopt = none
  bool with_jti = true;                // a fresh jti per token
  // Merged over the above, last: {"tenant":"acme"}; a null value removes a claim.
  nlohmann::json extra_claims = nlohmann::json::object();
  // Merged over {"alg","typ":"JWT","kid"}; a null value removes a member.
  nlohmann::json extra_header = nlohmann::json::object();
};

// The claims of spec with jti (when spec.with_jti and jti is not empty).
nlohmann::json build_claims(const TokenSpec& spec, std::string_view jti);

// {"alg": key's alg, "typ": "JWT", "kid": key's kid (when it has one)} + extra.
// Throws jose::Error(key_mismatch) when the key has no alg.
nlohmann::json build_header(const jose::Jwk& key, const nlohmann::json& extra = nlohmann::json::object());

// 128 random bits, base64url: unique for all practical purposes.
std::string new_jti();

// One token: header and claims of spec, signed with key (a private key with an alg).
// Throws jose::Error when the key cannot sign.
std::string mint_token(const jose::Jwk& key, const TokenSpec& spec);

// `token mint --count N`: N tokens with distinct jti (a random prefix shared by the batch plus
// a sequence number), one per line on out, in order. The header and the other claims are
// serialised once; the signing is spread over `threads` threads (>= 1). Throws jose::Error.
void mint_batch(const jose::Jwk& key, const TokenSpec& spec, std::size_t count, unsigned threads,
                std::ostream& out);

// "a=b" and "a=b=c" style merges: members of patch over target, a null value erasing.
void merge_members(nlohmann::json& target, const nlohmann::json& patch);

}  // namespace swapi::testkit
