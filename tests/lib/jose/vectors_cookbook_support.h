#pragma once
// Helpers shared by the RFC 7520 / RFC 8037 / RFC 7797 cookbook runners
// (vectors_cookbook_test.cpp, vectors_cookbook_negative_test.cpp).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/alg.h"
#include "jose/jwk.h"
#include "tests/lib/jose/vectors_support.h"

namespace swapi::jose::test_vectors {

// parse_jwk(member); REQUIRE-fails the test case (naming `what`) when jose refuses the key.
Jwk cookbook_key(const nlohmann::json& member, std::string_view what);

// The Alg named by a cookbook "alg" string; REQUIRE-fails when jose does not know it.
Alg cookbook_alg(const nlohmann::json& name);

// verify_compact(token, {keys}, allowed) captured as an Outcome.
Outcome verify_token(std::string_view token, const std::vector<Jwk>& keys,
                     const std::vector<Alg>& allowed);

// Every alg jose knows except `excluded`: the strictest allow-list that still lacks it.
std::vector<Alg> all_algs_except(Alg excluded);

}  // namespace swapi::jose::test_vectors
