// base64url (jose/base64url.h): the strict decoder accepts only canonical text, so whatever it
// accepts must encode back to exactly the same text, and any bytes must survive a round trip.
#include <cstdlib>

#include "jose/base64url.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = swapi::fuzz::as_text(data, size);
  if (auto decoded = swapi::jose::base64url_decode(text)) {
    if (swapi::jose::base64url_encode(*decoded) != text) std::abort();  // two texts, one value
  }
  auto round = swapi::jose::base64url_decode(swapi::jose::base64url_encode(text));
  if (!round || *round != text) std::abort();
  return 0;
}
