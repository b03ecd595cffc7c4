#pragma once
// One error type for the HTTP client layer. The code is stable (callers branch on it); the
// detail is a sentence with libcurl's own reason, for logs and diagnostics.
#include <exception>
#include <string>
#include <string_view>

namespace swapi::http {

enum class Errc {
  invalid_url,         // not an absolute http(s) URL libcurl can parse
  unsupported_scheme,  // a scheme other than http/https (file:, ftp:... are never fetched)
  resolve_failed,      // DNS lookup failed
  connect_failed,      // connection refused / unreachable
  timeout,             // connect or total transfer time exceeded
  tls_failed,          // handshake, certificate or hostname verification failed
  too_large,           // response body over the configured limit
  too_many_redirects,  // redirect limit reached
  cancelled,           // Options::cancel asked to stop
  transfer_failed,     // any other transport error (reset, bad response...)
};

// The stable machine code, e.g. "timeout".
std::string_view code_name(Errc code) noexcept;

class Error : public std::exception {
 public:
  Error(Errc code, std::string detail) : code_(code), detail_(std::move(detail)) {}
  Errc code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }
  const char* what() const noexcept override { return detail_.c_str(); }

 private:
  Errc code_;
  std::string detail_;
};

}  // namespace swapi::http
