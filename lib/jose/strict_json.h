#pragma once
// JOSE headers and claim sets must be JSON objects without duplicate member names (RFC 7515
// §5.2, RFC 7519 §7.2); nlohmann silently keeps the last duplicate, so we detect them.
#include <nlohmann/json.hpp>
#include <string_view>

namespace swapi::jose {

// How deep objects and arrays may nest. A JWK, a JWKS, a keyset, a claim set or a token request
// needs 2 to 4 levels; the documents come from the network (a token of 8 KiB, a token request
// of 1 MiB: half a million levels, 3 s of parsing and 45 MB kept before this limit).
inline constexpr int kMaxStrictDepth = 64;

// Throws Error(Errc::malformed) naming the problem: invalid JSON (a number beyond double
// range included), nesting deeper than kMaxStrictDepth, not an object, or a duplicate member at
// any depth; never an nlohmann exception. `what` names the document in the message ("header").
nlohmann::json parse_strict_object(std::string_view text, std::string_view what = "JSON");

}  // namespace swapi::jose
