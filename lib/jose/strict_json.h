#pragma once
// JOSE headers and claim sets must be JSON objects without duplicate member names (RFC 7515
// §5.2, RFC 7519 §7.2); nlohmann silently keeps the last duplicate, so we detect them.
#include <nlohmann/json.hpp>
#include <string_view>

namespace swapi::jose {

// Objects and arrays nest at most this deep in a JOSE document (a header, a claims set, a
// JWK(S)): real ones nest two or three levels. nlohmann parses deep nesting without recursion,
// but copying, comparing and dumping the result recurse once per level, so 100,000 '[' in a
// token someone asks `token decode` about would overflow the stack of whoever prints it.
inline constexpr int kMaxJsonDepth = 32;

// Throws Error(Errc::malformed) naming the problem: invalid JSON (a number beyond double
// range included), not an object, nesting deeper than kMaxJsonDepth, or a duplicate member
// at any depth; never an nlohmann exception. `what` names the document in the message
// ("header").
nlohmann::json parse_strict_object(std::string_view text, std::string_view what = "JSON");

// Any JSON value, duplicates kept as nlohmann keeps them (the last), nesting at most
// kMaxJsonDepth; a discarded value (is_discarded()) when the text is not that.
nlohmann::json parse_loose_json(std::string_view text);

}  // namespace swapi::jose
