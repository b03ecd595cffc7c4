#include "server/web/cors.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>

#include "base/ascii.h"
#include "base/diagnostic.h"
#include "server/web/explorer.h"

namespace swapi::server {

namespace {

// Every method some route of either flavor answers; the browser compares the request's own.
constexpr std::string_view kAllowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE";
// Authorization carries the bearer token (RFC 6750 §2.1); Content-Type lets a front-end send
// JSON writes (application/json is not a CORS-safelisted value, so the browser asks).
constexpr std::string_view kAllowedHeaders = "Authorization, Content-Type";
// A front-end must read why it was refused: the RFC 6750 challenge. (Content-Type and the
// other CORS-safelisted response headers are always readable.)
constexpr std::string_view kExposedHeaders = "WWW-Authenticate";
// How long a browser may reuse a preflight answer; Chromium caps it at 2 h, Firefox at 24 h.
constexpr std::string_view kPreflightMaxAge = "600";

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// "[::1]" or a host name / IPv4 address, already lower-cased.
bool valid_host(std::string_view host) {
  if (host.size() >= 3 && host.front() == '[' && host.back() == ']') {
    return std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
    });
  }
  return !host.empty() && std::all_of(host.begin(), host.end(), is_host_char);
}

[[noreturn]] void refuse(std::string_view origin, const std::string& why, std::string hint) {
  throw base::Diagnostic("--cors", "'" + std::string(origin) + "' " + why, std::move(hint));
}

void add_vary_origin(httplib::Response& response) {
  auto found = response.headers.find("Vary");
  if (found == response.headers.end()) {
    response.set_header("Vary", "Origin");
  } else if (found->second.find("Origin") == std::string::npos) {
    found->second += ", Origin";
  }
}

// What decorate() looks at, from a raw request head that may be cut anywhere: the method and
// path of the request line and the first Origin field among the complete lines after it.
httplib::Request request_of_raw_head(std::string_view head) {
  httplib::Request request;
  std::size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  std::size_t space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  if (space != std::string_view::npos) {
    std::string_view target = line.substr(space + 1);
    request.path = std::string(target.substr(0, target.find_first_of(" ?")));
  }
  while (line_end != std::string_view::npos) {
    std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    if (line_end == std::string_view::npos || line_end == start) break;  // cut short, or the head's end
    std::string_view field = head.substr(start, line_end - start);
    std::size_t colon = field.find(':');
    if (colon != std::string_view::npos && base::iequals(field.substr(0, colon), "Origin")) {
      request.headers.emplace("Origin", std::string(base::trim(field.substr(colon + 1))));
      break;
    }
  }
  return request;
}

}  // namespace

std::string normalize_origin(std::string_view origin) {
  constexpr const char* kHint = "an origin is SCHEME://HOST[:PORT], as a browser sends it: --cors http://localhost:3000";
  if (origin == "*") return "*";
  if (base::iequals(origin, "null"))
    refuse(origin, "is the origin every sandboxed frame and file: page shares; allowing it allows them all",
           "serve the front-end from http://localhost:PORT and name that origin");
  std::string text = base::to_lower(origin);
  std::size_t scheme_end = text.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : text.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") refuse(origin, "is not an http or https origin", kHint);
  std::string_view rest = std::string_view(text).substr(scheme_end + 3);
  if (std::size_t slash = rest.find_first_of("/?#"); slash != std::string_view::npos) {
    std::string without = scheme + "://" + std::string(rest.substr(0, slash));
    refuse(origin, "has a path, query or fragment: an origin is only scheme, host and port",
           "use --cors " + without);
  }
  if (rest.find('@') != std::string_view::npos) refuse(origin, "has user information", kHint);
  std::string_view host = rest;
  std::size_t colon = rest.rfind(':');
  bool has_port = colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos;
  if (has_port) host = rest.substr(0, colon);
  if (!valid_host(host)) refuse(origin, "has no valid host", kHint);
  if (has_port) {
    std::string_view port = rest.substr(colon + 1);
    int number = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535)
      refuse(origin, "has a port that is not 1..65535", kHint);
    // Browsers leave the scheme's default port out of the Origin they send.
    bool default_port = (scheme == "http" && number == 80) || (scheme == "https" && number == 443);
    if (!default_port) return scheme + "://" + std::string(host) + ":" + std::to_string(number);
  }
  return scheme + "://" + std::string(host);
}

CorsPolicy::CorsPolicy(const std::vector<std::string>& origins) {
  for (const auto& given : origins) {
    std::string origin = normalize_origin(given);
    if (origin == "*") {
      any_ = true;
    } else if (std::find(origins_.begin(), origins_.end(), origin) == origins_.end()) {
      origins_.push_back(std::move(origin));
    }
  }
  if (any_ && !origins_.empty())
    throw base::Diagnostic("--cors", "'*' already allows every origin; naming others beside it says nothing",
                           "give --cors '*' alone, or only the origins your front-end runs on");
}

bool CorsPolicy::is_preflight(const httplib::Request& request) {
  return request.method == "OPTIONS" && request.has_header("Origin") &&
         request.has_header("Access-Control-Request-Method");
}

bool CorsPolicy::allows(std::string_view origin) const {
  return any_ || std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::string CorsPolicy::preflight_refusal(const httplib::Request& request) const {
  std::string origin = request.get_header_value("Origin");
  // Before "off" or "not allowed": whatever --cors says, the explorer is never shared.
  if (is_explorer_path(request.path))
    return "the explorer is for this server's own origin: its answers are never shared with another (they may hold "
           "the default client's secret)";
  if (!enabled()) return "cross-origin requests are off: start swapi serve with --cors " + origin;
  if (!allows(origin)) return "origin " + origin + " may not call this server: it is not one of its --cors origins";
  std::string method = request.get_header_value("Access-Control-Request-Method");
  bool known_method = false;
  for (std::size_t start = 0; start < kAllowedMethods.size();) {
    std::size_t end = std::min(kAllowedMethods.find(',', start), kAllowedMethods.size());
    if (kAllowedMethods.substr(start, end - start) == method) known_method = true;
    start = end + 2;
  }
  if (!known_method) return "method " + method + " is not served here; allowed: " + std::string(kAllowedMethods);
  std::string requested = request.get_header_value("Access-Control-Request-Headers");  // a copy
  std::string_view headers = requested;
  while (!headers.empty()) {
    std::size_t comma = std::min(headers.find(','), headers.size());
    std::string_view name = base::trim(headers.substr(0, comma));
    headers.remove_prefix(std::min(comma + 1, headers.size()));
    if (!name.empty() && !base::iequals(name, "authorization") && !base::iequals(name, "content-type"))
      return "request header " + std::string(name) + " is not allowed; allowed: " + std::string(kAllowedHeaders);
  }
  return {};
}

bool CorsPolicy::answer_preflight(const httplib::Request& request, httplib::Response& response,
                                  const SetError& set_error) const {
  if (!is_preflight(request)) return false;
  std::string refusal = preflight_refusal(request);
  if (!refusal.empty()) {
    // No Access-Control-* header: the browser fails the preflight and says why in its
    // console; the JSON reason is for whoever reads the answer itself (curl, devtools).
    set_error(response, 403, refusal);
    if (enabled()) add_vary_origin(response);
    return true;
  }
  response.status = 204;
  response.set_header("Access-Control-Allow-Origin", any_ ? "*" : request.get_header_value("Origin"));
  response.set_header("Access-Control-Allow-Methods", std::string(kAllowedMethods));
  response.set_header("Access-Control-Allow-Headers", std::string(kAllowedHeaders));
  response.set_header("Access-Control-Max-Age", std::string(kPreflightMaxAge));
  add_vary_origin(response);
  return true;
}

void CorsPolicy::decorate(const httplib::Request& request, httplib::Response& response) const {
  if (!enabled() || is_preflight(request) || is_explorer_path(request.path)) return;
  add_vary_origin(response);
  if (!request.has_header("Origin")) return;
  std::string origin = request.get_header_value("Origin");
  if (!allows(origin)) return;
  response.set_header("Access-Control-Allow-Origin", any_ ? "*" : origin);
  response.set_header("Access-Control-Expose-Headers", std::string(kExposedHeaders));
}

std::string CorsPolicy::headers_for_raw_head(std::string_view head) const {
  if (!enabled()) return {};
  httplib::Response response;
  decorate(request_of_raw_head(head), response);
  std::string lines;
  for (const auto& [name, value] : response.headers) lines += name + ": " + value + "\r\n";
  return lines;
}

}  // namespace swapi::server
