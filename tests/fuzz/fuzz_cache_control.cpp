// Cache-Control max-age (http/cache_control.h): noexcept, and never a negative age.
#include <cstdlib>

#include "http/cache_control.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto age = swapi::http::cache_max_age(swapi::fuzz::as_text(data, size));
  if (age && age->count() < 0) std::abort();
  return 0;
}
