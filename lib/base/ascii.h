#pragma once
// ASCII-only text helpers. HTTP tokens, header names, auth schemes, alg names and JSON member
// names are ASCII by their grammars (RFC 9110 §5.6.2), so no locale is ever consulted:
// std::tolower depends on the C locale, and "I" lowercases differently in Turkish.
#include <string>
#include <string_view>

namespace swapi::base {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char ascii_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);

// Case-insensitive equality of ASCII strings (RFC 7235 §2.1: auth schemes; header names).
bool iequals(std::string_view a, std::string_view b) noexcept;

// `text` without leading and trailing characters from `chars`; by default HTTP's optional
// white space, OWS = *( SP / HTAB ) (RFC 9110 §5.6.3).
std::string_view trim(std::string_view text, std::string_view chars = " \t") noexcept;

}  // namespace swapi::base
