#pragma once
// Shared helpers for the jose core unit tests (not the external-vector runners).
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "jose/base64url.h"
#include "jose/error.h"
#include "jose/jwk.h"
#include "jose/keygen.h"

namespace doctest {
template <>
struct StringMaker<swapi::jose::Errc> {
  static String convert(swapi::jose::Errc code) { return String(swapi::jose::code_name(code).data()); }
};
}  // namespace doctest

namespace swapi::jose::test {

// The Error that `call` throws; fails the test when it throws nothing.
template <typename Call>
Error thrown_error(Call&& call) {
  try {
    call();
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected a jose::Error, nothing was thrown");
  return Error(Errc::crypto_error, "unreachable");
}

template <typename Call>
Errc thrown_code(Call&& call) {
  return thrown_error(std::forward<Call>(call)).code();
}

inline std::string b64(std::string_view bytes) { return base64url_encode(bytes); }

// A compact token from raw header/payload text and raw signature bytes.
inline std::string compact(std::string_view header, std::string_view payload,
                           std::string_view signature) {
  return b64(header) + "." + b64(payload) + "." + b64(signature);
}

// Keys generated once per test run (RSA generation is slow), each with its thumbprint kid.
inline const Jwk& shared_key(Alg alg) {
  switch (alg) {
    case Alg::RS256: { static const Jwk key = generate_key(Alg::RS256); return key; }
    case Alg::PS256: { static const Jwk key = generate_key(Alg::PS256); return key; }
    case Alg::ES256: { static const Jwk key = generate_key(Alg::ES256); return key; }
    case Alg::ES384: { static const Jwk key = generate_key(Alg::ES384); return key; }
    case Alg::ES512: { static const Jwk key = generate_key(Alg::ES512); return key; }
    case Alg::EdDSA: { static const Jwk key = generate_key(Alg::EdDSA); return key; }
    case Alg::HS256: { static const Jwk key = generate_key(Alg::HS256); return key; }
    default: break;
  }
  FAIL("no shared key for this alg");
  throw Error(Errc::crypto_error, "unreachable");
}

}  // namespace swapi::jose::test
