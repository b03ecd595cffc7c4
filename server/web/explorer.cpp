#include "server/web/explorer.h"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "base/ascii.h"
#include "http/url.h"  // is_loopback_address, is_loopback_host
#include "server/web/explorer_assets.h"
#include "server/web/peer_user.h"

namespace swapi::server {

// Only this server's own files; connect-src for the API calls the page makes on its own
// origin; form-action 'none' so that a form can never be submitted as a navigation (the
// secret in a URL or a history entry), even if the script failed to load. Trusted Types with
// no policy: the script builds the DOM with textContent only, and the browser enforces it
// (an innerHTML or a script URL from a string throws instead of running what an answer says).
const char* const kExplorerContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; "
    "trusted-types 'none'";

namespace {

constexpr std::string_view kPagePath = "/explorer/";

const ExplorerAsset& asset(std::string_view name) {
  for (const auto& file : explorer_assets()) {
    if (file.name == name) return file;
  }
  throw std::logic_error("explorer asset missing: " + std::string(name));
}

void set_security_headers(httplib::Response& response) {
  response.set_header("Content-Security-Policy", kExplorerContentSecurityPolicy);
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("X-Frame-Options", "DENY");  // frame-ancestors, for browsers without CSP 2
  response.set_header("Referrer-Policy", "no-referrer");
  // No other origin may embed these answers (a <script> or <img> from elsewhere).
  response.set_header("Cross-Origin-Resource-Policy", "same-origin");
  // A page on another origin that opened this one (window.open) keeps no handle on it.
  response.set_header("Cross-Origin-Opener-Policy", "same-origin");
}

// For an HTML attribute value in double quotes (and text): every character that could end
// the value or start markup or a character reference.
std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// "{{name}}" in `page` replaced by value_of(name), HTML-escaped, in one pass: a value that
// itself contains "{{...}}" is never expanded again. A name value_of does not know (nullopt)
// stays as it is.
template <typename ValueOf>
std::string fill_template(std::string_view page, ValueOf&& value_of) {
  std::string out;
  out.reserve(page.size() + 128);
  while (true) {
    std::size_t open = page.find("{{");
    std::size_t close = open == std::string_view::npos ? open : page.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(page.substr(0, open));
    std::optional<std::string> value = value_of(page.substr(open + 2, close - open - 2));
    out += value ? html_escape(*value) : std::string(page.substr(open, close + 2 - open));
    page.remove_prefix(close + 2);
  }
  out.append(page);
  return out;
}

// The host of a Host header value: "127.0.0.1:8080" -> "127.0.0.1", "[::1]:8080" -> "::1".
std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) {
    std::size_t end = host.find(']');
    return end == std::string_view::npos ? std::string_view{} : host.substr(1, end - 1);
  }
  return host.substr(0, host.find(':'));
}

// If-None-Match (RFC 9110 §13.1.2): "*", or a list of entity tags compared weakly (a "W/"
// prefix ignored on either side).
bool none_match_fails(std::string_view header, std::string_view etag) {
  if (base::trim(header) == "*") return true;
  while (!header.empty()) {
    std::size_t comma = std::min(header.find(','), header.size());
    std::string_view tag = base::trim(header.substr(0, comma));
    header.remove_prefix(std::min(comma + 1, header.size()));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

// The kernel's word on who holds the other end (peer_user.h): the user running this server.
bool peer_is_this_user(const httplib::Request& request) {
  auto uid = loopback_peer_uid({request.remote_addr, request.remote_port, request.local_addr, request.local_port});
  return uid && *uid == ::geteuid();
}

}  // namespace

bool is_local_request(const httplib::Request& request) {
  if (!http::is_loopback_address(request.remote_addr)) return false;
  if (request.get_header_value_count("Host") != 1) return false;
  std::string header = request.get_header_value("Host");  // a copy: host_name views into it
  std::string_view host = host_name(header);
  return !host.empty() && http::is_loopback_host(host);
}

bool is_explorer_path(std::string_view path) {
  return path == kPagePath.substr(0, kPagePath.size() - 1) || path.starts_with(kPagePath);
}

bool accepts_html(const httplib::Request& request) {
  std::string header = request.get_header_value("Accept");  // a copy: the views below are into it
  std::string_view accept = header;
  while (!accept.empty()) {
    std::size_t comma = std::min(accept.find(','), accept.size());
    std::string_view range = accept.substr(0, comma);
    accept.remove_prefix(std::min(comma + 1, accept.size()));
    std::size_t semicolon = std::min(range.find(';'), range.size());
    if (!base::iequals(base::trim(range.substr(0, semicolon)), "text/html")) continue;
    // RFC 9110 §12.4.2: "q=0" means "not acceptable".
    std::string params = base::to_lower(range.substr(semicolon));
    std::size_t q = params.find("q=");
    if (q == std::string::npos || std::strtod(params.c_str() + q + 2, nullptr) > 0) return true;
  }
  return false;
}

std::string explorer_page(const httplib::Request& request, const ExplorerSettings& settings) {
  std::optional<ClientCredentials> client;
  if (settings.default_client && is_local_request(request) &&
      (settings.same_user ? settings.same_user(request) : peer_is_this_user(request)))
    client = settings.default_client();
  return fill_template(asset("index.html").body, [&](std::string_view name) -> std::optional<std::string> {
    if (name == "client_id") return client ? client->id : "";
    if (name == "client_secret") return client ? client->secret : "";
    return std::nullopt;
  });
}

void register_explorer_routes(httplib::Server& http, ExplorerSettings settings) {
  http.Get("/", [](const httplib::Request& request, httplib::Response& response) {
    response.set_header("Vary", "Accept");
    if (accepts_html(request)) {
      response.set_redirect(std::string(kPagePath), 302);
    } else {
      response.status = 404;  // the error handler writes the flavor's JSON 404, as before
    }
  });
  http.Get("/explorer", [](const httplib::Request&, httplib::Response& response) {
    response.set_redirect(std::string(kPagePath), 301);
  });
  http.Get(std::string(kPagePath), [settings = std::move(settings)](const httplib::Request& request,
                                                                    httplib::Response& response) {
    set_security_headers(response);
    // It may hold the default client's secret: never stored by a browser or a proxy.
    response.set_header("Cache-Control", "no-store");
    response.set_content(explorer_page(request, settings), std::string(asset("index.html").content_type));
  });
  for (const auto& file : explorer_assets()) {
    if (file.name == "index.html") continue;
    std::string pattern = std::string(kPagePath);
    for (char c : file.name) pattern += c == '.' ? std::string("\\.") : std::string(1, c);  // a regex
    http.Get(pattern, [&file](const httplib::Request& request, httplib::Response& response) {
      set_security_headers(response);
      // Revalidated on every load, answered 304 while the build is the same.
      response.set_header("Cache-Control", "no-cache");
      response.set_header("ETag", std::string(file.etag));
      if (none_match_fails(request.get_header_value("If-None-Match"), file.etag)) {
        response.status = 304;
        return;
      }
      response.set_content(std::string(file.body), std::string(file.content_type));
    });
  }
}

}  // namespace swapi::server
