#pragma once
// Cross-origin resource sharing for `swapi serve --cors ORIGIN` (DESIGN.md "Explorer"; the
// Fetch standard's "CORS protocol"). Off by default: no origin is allowed and no
// Access-Control-* header is ever sent.
//
// Three hooks, wired in server.cpp:
//  - answer_preflight(), before the auth guard: a preflight (OPTIONS with Origin and
//    Access-Control-Request-Method) never carries a token, so the guard would answer 401 and
//    the browser would never send the real request.
//  - decorate(), on every response (cpp-httplib's post-routing handler runs for route
//    answers, the guard's 401/403 and its own errors alike), so a front-end can read why it
//    was refused.
//  - headers_for_raw_head(), the same headers for the connection front's own answers (408,
//    431, 400), which come before cpp-httplib parsed anything.
//
// Credentials: the API's only credential is a bearer token that the page's own script puts
// in an Authorization header. In the Fetch standard that is an ordinary request header,
// allowed by Access-Control-Allow-Headers, not a "credential" (cookies, HTTP authentication
// the browser manages, TLS client certificates). So Access-Control-Allow-Credentials is never
// sent, and `*` works for every fetch() that does not ask for credentials: "include". Note
// that the wildcard in Access-Control-Allow-Headers would not cover Authorization, which is
// why it is listed by name.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

// "http://localhost:3000" -> itself; "HTTP://LocalHost:80" -> "http://localhost" (browsers
// send the origin lower-cased and without the scheme's default port, RFC 6454 §6.2); "*"
// stays "*". Throws base::Diagnostic("--cors", why, hint) for anything else: a path or a
// trailing slash, a query, user info, a scheme other than http/https, a bad port, "null"
// (sandboxed frames and file: pages share it, so allowing it allows them all).
std::string normalize_origin(std::string_view origin);

class CorsPolicy {
 public:
  // From the --cors values (normalize_origin each); "*" only alone. Empty: CORS off.
  // Throws base::Diagnostic.
  explicit CorsPolicy(const std::vector<std::string>& origins = {});

  bool enabled() const { return any_ || !origins_.empty(); }

  // When `request` is a CORS preflight, answers it and returns true: 204 with the allowed
  // methods and headers for an allowed origin asking for what is allowed, else 403 with a
  // reason (through set_error, the flavor's JSON shape) and no CORS header, always for the
  // explorer's paths. False otherwise.
  using SetError = std::function<void(httplib::Response&, int status, std::string_view reason)>;
  bool answer_preflight(const httplib::Request& request, httplib::Response& response,
                        const SetError& set_error) const;

  // Adds Access-Control-Allow-Origin and -Expose-Headers for an allowed Origin, and
  // Vary: Origin to every answer while CORS is on (a cache must not hand one origin's answer
  // to another). Nothing when CORS is off, for the explorer page (it may carry the default
  // client's secret: no other origin may read it), or for a preflight already answered.
  void decorate(const httplib::Request& request, httplib::Response& response) const;

  // decorate()'s headers as "Name: value\r\n" lines, for an answer the connection front
  // gives before any request is parsed (408, 431, 400): from the raw bytes of the request
  // head that arrived, its request line's path and its first complete Origin line.
  std::string headers_for_raw_head(std::string_view head) const;

  static bool is_preflight(const httplib::Request& request);

 private:
  bool allows(std::string_view origin) const;
  std::string preflight_refusal(const httplib::Request& request) const;

  bool any_ = false;
  std::vector<std::string> origins_;
};

}  // namespace swapi::server
