#pragma once
// The one place every /api route of both flavors is guarded (DESIGN.md "Token validation
// contract"). The server calls admit() from cpp-httplib's pre-routing handler, before any
// route handler runs, so no handler can forget the check.
#include <string>
#include <string_view>

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

// The requests the guard sees: every path that starts with /api. The rest (health, OpenAPI,
// JWKS, discovery, the token endpoint) is public by design (DESIGN.md "HTTP surface"), so a
// policy rule may only name guarded paths: AuthPolicy refuses others at start-up rather than
// load a rule that would never be enforced.
constexpr std::string_view kGuardedPrefix = "/api";
constexpr bool is_guarded_path(std::string_view path) { return path.starts_with(kGuardedPrefix); }

class RequestGuard {
 public:
  virtual ~RequestGuard() = default;
  // True when the request may proceed. Otherwise the guard has filled `response` (401/403 with
  // WWW-Authenticate and a JSON body) and returns false.
  virtual bool admit(const httplib::Request& request, httplib::Response& response) = 0;
};

}  // namespace swapi::server
