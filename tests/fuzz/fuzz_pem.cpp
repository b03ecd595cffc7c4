// PEM import (jose/keygen.h import_pem): a key or Error(invalid_key); a key that loads exports
// and loads again (public half always, private half when it has one).
#include <cstdlib>

#include "jose/error.h"
#include "jose/jwk.h"
#include "jose/keygen.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using swapi::jose::Error;
  try {
    auto key = swapi::jose::import_pem(swapi::fuzz::as_text(data, size));
    auto public_pem = swapi::jose::export_pem(key, false);
    auto again = swapi::jose::import_pem(public_pem);
    if (swapi::jose::thumbprint(again) != swapi::jose::thumbprint(key)) std::abort();
    if (key.is_private) (void)swapi::jose::import_pem(swapi::jose::export_pem(key, true));
  } catch (const Error& error) {
    if (error.code() != swapi::jose::Errc::invalid_key) std::abort();
  }
  return 0;
}
