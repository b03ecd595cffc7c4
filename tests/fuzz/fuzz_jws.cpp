// Compact JWS parse + verify (jose/jws.h) as the guard runs it on a bearer token: every alg
// allowed, so each verification path is reachable. The input is a token, or a JWKS document,
// a newline, then the token ("<jwks>\n<token>", the seeds from the Wycheproof and cookbook
// vectors) so signatures can verify under the keys they were made with; without a JWKS line
// (or one that loads no key) the RFC 7520 / 7515 / 8037 example keys are trusted.
// The only refusal allowed is jose::Error; a success must name one of the trusted keys and the
// alg in the token header.
#include <cstdlib>
#include <vector>

#include "jose/error.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/lib/jose/rfc_examples.h"

namespace {

using namespace swapi::jose;

const std::vector<Jwk>& example_keys() {
  static const std::vector<Jwk> keys = [] {
    std::vector<Jwk> out;
    for (auto text : {test::kRs256Jwk, test::kEs512Jwk, test::kHs256Jwk, test::kEdDsaJwk,
                      test::kRfc7515HmacKeyJwk})
      out.push_back(parse_jwk(text));
    return out;
  }();
  return keys;
}

void verify(std::string_view token, const std::vector<Jwk>& keys) {
  const auto& allowed = all_algs();
  try {
    (void)parse_compact(token);
  } catch (const Error&) {
  }
  try {
    auto verified = verify_compact(token, keys, allowed);
    if (verified.key < keys.data() || verified.key >= keys.data() + keys.size()) std::abort();
    if (!verified.header.is_object() || verified.header.value("alg", "") != alg_name(verified.alg)) std::abort();
  } catch (const Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)example_keys();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = swapi::fuzz::as_text(data, size);
  auto newline = text.rfind('\n');
  if (newline == std::string_view::npos) {
    verify(text, example_keys());
    return 0;
  }
  std::vector<Jwk> keys;
  try {
    keys = parse_jwks(text.substr(0, newline)).keys;
  } catch (const Error&) {
  }
  verify(text.substr(newline + 1), keys.empty() ? example_keys() : keys);
  return 0;
}
