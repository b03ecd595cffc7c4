#pragma once
// URL inspection for callers that must decide before fetching (https required except to
// loopback hosts, DESIGN.md "Key sources"). Parsing is libcurl's own (CURLU), so what we check
// is exactly what libcurl will connect to.
#include <string>
#include <string_view>

namespace swapi::http {

struct UrlParts {
  std::string scheme;  // lower case: "http", "https"
  std::string host;    // as libcurl sees it; IPv6 without brackets: "::1"
  int port = 0;        // explicit or the scheme's default
  std::string path;    // "/" when absent
};

// Throws Error(invalid_url) unless `url` is an absolute URL with a host.
UrlParts parse_url(std::string_view url);

// localhost (and *.localhost, RFC 6761 §6.3), 127.0.0.0/8 and ::1: traffic that never leaves
// the machine, the only place plain http is acceptable for fetching keys.
bool is_loopback_host(std::string_view host) noexcept;

// A peer address as getpeername gives it (numeric, never a name): 127.0.0.0/8, ::1, and both
// as IPv4-mapped IPv6 (::ffff:127.x.y.z, a dual-stack socket's IPv4 peer). Anything else (a
// LAN address, "", a name such as "localhost") is not loopback.
bool is_loopback_address(std::string_view address) noexcept;

}  // namespace swapi::http
