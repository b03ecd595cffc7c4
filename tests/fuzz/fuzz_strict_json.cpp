// Strict JSON (jose/strict_json.h): any text is an object or Error(malformed), never an
// nlohmann exception; an accepted object serialises and parses back to itself.
#include <cstdlib>

#include "jose/error.h"
#include "jose/strict_json.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto object = swapi::jose::parse_strict_object(swapi::fuzz::as_text(data, size), "header");
    if (!object.is_object()) std::abort();
    // Invalid UTF-8 is accepted by the parser and replaced here, as the server's dumps do.
    auto text = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto again = swapi::jose::parse_strict_object(text, "header");
    if (again.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) != text) std::abort();
  } catch (const swapi::jose::Error& error) {
    if (error.code() != swapi::jose::Errc::malformed) std::abort();
  }
  return 0;
}
