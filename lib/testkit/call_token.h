#pragma once
// The token `swapi call` sends when asked to make one (DESIGN.md "`swapi call`"): --scope
// mints a good token with the local keyset's active key; --defect NAME sends one case of the
// defect catalogue (a defect name picks its first case, a case name that very case).
#include <cstdint>
#include <string>
#include <vector>

#include "testkit/attack_case.h"
#include "testkit/local_issuer.h"

namespace swapi::testkit {

struct CallTokenRequest {
  std::vector<std::string> scopes;  // empty: what the route needs (route_scopes)
  std::string defect;               // empty: a good token
  std::string method, url;          // the request, for route_scopes
  LocalIssuerInputs issuer;
  std::int64_t now = 0;
};

struct CallToken {
  Credentials credentials;
  std::string case_name;      // "valid" or the defect case sent
  std::vector<int> expected;  // what a correct server answers to it
};

// Throws InputError for an unknown defect or case name (with "did you mean"), or a defect
// that gives no case here (missing-scope without scopes); base::Diagnostic for the keyset.
CallToken make_call_token(const CallTokenRequest& request);

}  // namespace swapi::testkit
