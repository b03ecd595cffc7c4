#include "http/url.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>

#include "base/ascii.h"
#include "http/curl_handles.h"
#include "http/error.h"

namespace swapi::http {

namespace {

std::string url_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (detail::curl().url_get(url, part, &raw, flags) != CURLUE_OK || raw == nullptr) return {};
  detail::CurlStringPtr owned(raw);
  return std::string(raw);
}

}  // namespace

UrlParts parse_url(std::string_view url) {
  detail::UrlPtr handle(detail::curl().url());
  if (!handle) throw Error(Errc::invalid_url, "out of memory parsing a URL");
  std::string text(url);
  // No CURLU_GUESS_SCHEME / CURLU_DEFAULT_SCHEME: "example.com/jwks" is refused, not guessed.
  CURLUcode rc = detail::curl().url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK)
    throw Error(Errc::invalid_url, "'" + text + "' is not a valid absolute URL (" + detail::curl().url_strerror(rc) + ")");
  UrlParts parts;
  parts.scheme = base::to_lower(url_part(handle.get(), CURLUPART_SCHEME));
  parts.host = url_part(handle.get(), CURLUPART_HOST);
  if (parts.host.size() >= 2 && parts.host.front() == '[' && parts.host.back() == ']')
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  if (parts.host.empty()) throw Error(Errc::invalid_url, "'" + text + "' has no host");
  std::string port = url_part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  parts.port = port.empty() ? 0 : std::stoi(port);
  parts.path = url_part(handle.get(), CURLUPART_PATH);
  // push_back, not `= "/"`: GCC 12 inlines assign(const char*) into a memcpy it cannot prove
  // free of overlap here and warns (-Wrestrict); appending one char to an empty string needs no copy.
  if (parts.path.empty()) parts.path.push_back('/');
  return parts;
}

bool is_loopback_host(std::string_view host) noexcept {
  std::string name = base::to_lower(std::string(host));
  if (!name.empty() && name.back() == '.') name.pop_back();  // "localhost." is the same name
  if (name == "localhost" || name.ends_with(".localhost")) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, name.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

bool is_loopback_address(std::string_view address) noexcept {
  std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

}  // namespace swapi::http
