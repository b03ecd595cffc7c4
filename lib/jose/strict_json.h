#pragma once
// JOSE headers and claim sets must be JSON objects without duplicate member names (RFC 7515
// §5.2, RFC 7519 §7.2); nlohmann silently keeps the last duplicate, so we detect them.
#include <nlohmann/json.hpp>
#include <string_view>

namespace swapi::jose {

// Throws Error(Errc::malformed) naming the problem: invalid JSON (a number beyond double
// range included), not an object, or a duplicate member at any depth; never an nlohmann
// exception. `what` names the document in the message ("header").
nlohmann::json parse_strict_object(std::string_view text, std::string_view what = "JSON");

}  // namespace swapi::jose
