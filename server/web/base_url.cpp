#include "server/web/base_url.h"

#include <httplib.h>

namespace swapi::server {

namespace {
// A Host header is echoed into every link we emit; refuse anything that is not a plain
// host[:port] so a hostile header cannot inject markup or whitespace into response bodies.
bool plausible_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

std::string request_base_url(const httplib::Request& request, std::string_view scheme,
                             std::string_view fallback_host) {
  std::string host = request.get_header_value("Host");
  if (!plausible_host(host)) host = std::string(fallback_host);
  std::string url(scheme);
  url += "://";
  url += host;
  return url;
}

}  // namespace swapi::server
