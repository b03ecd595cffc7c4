#pragma once
// Cache-Control response directives (RFC 9111 §5.2.2) a client needs to decide how long it
// may reuse a fetched document.
#include <chrono>
#include <optional>
#include <string_view>

namespace swapi::http {

// The max-age directive of a Cache-Control value, e.g. "public, max-age=600" -> 600 s.
// nullopt when absent or malformed; no-store / no-cache count as max-age=0 (reuse nothing).
std::optional<std::chrono::seconds> cache_max_age(std::string_view cache_control) noexcept;

}  // namespace swapi::http
