// jose::Signer (the prepared context `token mint --count` signs with) makes signatures that
// verify_bytes accepts, for every algorithm, and refuses keys sign_bytes refuses.
#include <doctest/doctest.h>

#include "core_test_helpers.h"
#include "jose/jws.h"

using namespace swapi::jose;
using namespace swapi::jose::test;

TEST_CASE("signer: every algorithm's signatures verify, many times on one context") {
  for (Alg alg : all_algs()) {
    CAPTURE(alg_name(alg));
    Jwk key = generate_key(alg);
    Signer signer(alg, key);
    for (int i = 0; i < 3; ++i) {
      std::string input = "eyJhbGciOiJ4In0.eyJpIjo" + std::to_string(i) + "fQ";
      std::string signature = signer.sign(input);
      CHECK(verify_bytes(alg, public_part(key), input, signature));
      CHECK_FALSE(verify_bytes(alg, public_part(key), input + "x", signature));
      if (!alg_curve(alg).empty()) CHECK(signature.size() == 2 * static_cast<std::size_t>(alg == Alg::ES512 ? 66 : alg == Alg::ES384 ? 48 : 32));
    }
  }
}

TEST_CASE("signer: a key that cannot sign is refused up front, as by sign_bytes") {
  CHECK(thrown_code([] { Signer(Alg::RS256, public_part(shared_key(Alg::RS256))); }) == Errc::key_mismatch);
  CHECK(thrown_code([] { Signer(Alg::ES256, shared_key(Alg::RS256)); }) == Errc::key_mismatch);
}
