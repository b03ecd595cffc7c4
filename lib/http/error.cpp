#include "http/error.h"

namespace swapi::http {

std::string_view code_name(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_url: return "invalid_url";
    case Errc::unsupported_scheme: return "unsupported_scheme";
    case Errc::resolve_failed: return "resolve_failed";
    case Errc::connect_failed: return "connect_failed";
    case Errc::timeout: return "timeout";
    case Errc::tls_failed: return "tls_failed";
    case Errc::too_large: return "too_large";
    case Errc::too_many_redirects: return "too_many_redirects";
    case Errc::cancelled: return "cancelled";
    case Errc::transfer_failed: return "transfer_failed";
  }
  return "transfer_failed";
}

}  // namespace swapi::http
