// JWK and JWKS parsing (jose/jwk.h): a key or Error(invalid_key); a set loads key by key and
// throws only when the document is not {"keys":[...]}. Every key that loads serialises, and
// its public form loads again with the same thumbprint.
#include <cstdlib>

#include "jose/error.h"
#include "jose/jwk.h"
#include "jose/strict_json.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using namespace swapi::jose;

void round_trip(const Jwk& key) {
  (void)to_json(key, true);
  if (key.type == KeyType::oct) return;  // a secret has no public form
  auto again = parse_jwk(to_json(key, false));
  if (thumbprint(again) != thumbprint(key)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = swapi::fuzz::as_text(data, size);
  try {
    round_trip(parse_jwk(text));
  } catch (const Error& error) {
    if (error.code() != Errc::invalid_key) std::abort();
  }
  // As the server reads a published set (remote_jwks, --jwks-file): the text overload.
  try {
    auto loaded = parse_jwks(text);
    for (const auto& key : loaded.keys) round_trip(key);
    (void)to_jwks(loaded.keys, false);
  } catch (const Error& error) {
    if (error.code() != Errc::invalid_key) std::abort();
  }
  // As the keyset store reads the private keyset: strictly parsed, then the other role.
  try {
    auto loaded = parse_jwks(parse_strict_object(text, "keyset"), JwksRole::private_keyset);
    for (const auto& key : loaded.keys) round_trip(key);
  } catch (const Error& error) {
    if (error.code() != Errc::invalid_key && error.code() != Errc::malformed) std::abort();
  }
  return 0;
}
