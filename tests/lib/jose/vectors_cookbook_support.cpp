#include "tests/lib/jose/vectors_cookbook_support.h"

#include <doctest/doctest.h>

#include "jose/jws.h"

namespace swapi::jose::test_vectors {

Jwk cookbook_key(const nlohmann::json& member, std::string_view what) {
  Jwk key;
  const Outcome load = capture([&] {
    key = parse_jwk(member);
    return true;
  });
  REQUIRE_MESSAGE(load.accepted, what << ": parse_jwk refused the cookbook key: "
                                      << describe(load));
  return key;
}

Alg cookbook_alg(const nlohmann::json& name) {
  const auto alg = parse_alg(name.get<std::string>());
  REQUIRE_MESSAGE(alg.has_value(), "jose does not know alg " << name);
  return *alg;
}

Outcome verify_token(std::string_view token, const std::vector<Jwk>& keys,
                     const std::vector<Alg>& allowed) {
  return capture([&] {
    const VerifiedJws verified = verify_compact(token, keys, allowed);
    return verified.key != nullptr;
  });
}

std::vector<Alg> all_algs_except(Alg excluded) {
  std::vector<Alg> algs;
  for (Alg alg : all_algs()) {
    if (alg != excluded) algs.push_back(alg);
  }
  return algs;
}

}  // namespace swapi::jose::test_vectors
