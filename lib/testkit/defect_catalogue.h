#pragma once
// The one catalogue of defective tokens (DESIGN.md "Defective tokens"). It drives
// `token mint --defect`, `call --defect`, `token defects` and `check`, and the test suite's
// own bad tokens, so all of them share one list.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/jwk.h"
#include "testkit/attack_case.h"

namespace swapi::testkit {

struct Defect {
  std::string_view name;       // stable: "alg-none"
  std::string_view sentence;   // "alg: none with none, None, NONE, nOnE (one case each)"
  std::vector<int> expected;   // statuses a correct server answers: {401}
  // Minted with the local keyset's signing key (or derived from a token that is), so the
  // verdict means something only when the target trusts that keyset: expired, crit, ...
  bool needs_private_key;
  bool black_box;              // can be made from a foreign token + its JWKS (check --token --jwks)
};

std::span<const Defect> defect_catalogue();
const Defect* find_defect(std::string_view name);  // nullptr when unknown (caller suggests)
// The defect name nearest a misspelt one ("alg-none" -> "alg-none"), for "did you mean".
std::optional<std::string> suggest_defect(std::string_view name);
// "401", "400|401": how `token defects` and reports print expected statuses.
std::string statuses_text(std::span<const int> statuses);

// What the cases are made from.
struct CaseContext {
  // Normal mode: the local keyset's active signing key (private) and the claims a valid
  // token carries.
  std::optional<jose::Jwk> signing_key;
  std::string issuer, audience, subject = "swapi-check";
  std::vector<std::string> scopes;       // what the target route needs
  std::int64_t now = 0;                  // Unix seconds (injected clock)
  std::int64_t ttl = 3600;
  // The trusted public keys the target knows (for hs256-with-public-key, unknown-kid...).
  std::vector<jose::Jwk> trusted_public_keys;
  // Black-box mode: a real token from another issuer (cases that need no private key).
  std::optional<std::string> foreign_token;
  // Where the canary listener answers, e.g. "http://127.0.0.1:41234" (jku/x5u cases). Empty:
  // https://canary.swapi.invalid (RFC 2606: never resolves), for tokens minted outside check.
  std::string canary_base_url;
  // Merged into every minted token's claims / header (token mint --claim/--header).
  nlohmann::json extra_claims = nlohmann::json::object();
  nlohmann::json extra_header = nlohmann::json::object();
};

// Every case of one defect (alg-none gives eight: four spellings, with and without kid).
// Black-box mode (foreign_token set): only defects with black_box, derived from that token;
// otherwise a defect that needs_private_key gives no case without a signing_key. Defects that
// cannot apply give none: missing-scope without scopes, psychic-signature without a trusted EC
// key, kid variants when the trusted key has no kid. Throws jose::Error(malformed) when the
// foreign token is not a JWS, jose::Error when the signing key cannot sign.
std::vector<AttackCase> cases_for(const Defect& defect, const CaseContext& context);

// cases_for over the whole catalogue, in catalogue order.
std::vector<AttackCase> all_cases(const CaseContext& context);

}  // namespace swapi::testkit
