#pragma once
// RFC 7515 §2 / RFC 4648 §5 base64url without padding, decoded strictly: no '=' padding, no
// characters outside [A-Za-z0-9_-], no length of 1 mod 4, and the unused low bits of the last
// character must be zero (a non-canonical encoding would let two strings name one token).
#include <optional>
#include <string>
#include <string_view>

namespace swapi::jose {

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace swapi::jose
