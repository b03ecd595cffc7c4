#pragma once
// Which cases a `swapi check` run sends (DESIGN.md "`swapi check`"): the whole catalogue minted
// with the local keyset, or, in black-box mode, the cases derived from a foreign token and the
// JWKS its issuer publishes; then --only / --skip.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jose/jwk.h"
#include "testkit/attack_case.h"
#include "testkit/local_issuer.h"

namespace swapi::testkit {

struct CheckPlanInputs {
  std::string target;               // the endpoint, resolved
  std::vector<std::string> scopes;  // what the route needs; empty = route_scopes("GET", target)
  LocalIssuerInputs issuer;         // normal mode: keyset and iss/aud
  std::optional<std::string> foreign_token;  // black-box mode
  std::string jwks;                          // black-box: FILE or URL of the token's issuer keys
  std::string canary_base_url;
  std::vector<std::string> only, skip;
  std::int64_t now = 0;
};

std::vector<AttackCase> plan_cases(const CheckPlanInputs& inputs);

// The keys of a JWKS file, or of a JWKS URL fetched with libcurl (https, or http to a
// loopback host). Throws base::Diagnostic naming the source when it cannot be read or holds
// no usable key.
std::vector<jose::Jwk> load_jwks(const std::string& file_or_url);

}  // namespace swapi::testkit
