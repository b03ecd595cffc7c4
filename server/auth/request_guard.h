#pragma once
// The one place every /api route of both flavors is guarded (DESIGN.md "Token validation
// contract"). The server calls admit() from cpp-httplib's pre-routing handler, before any
// route handler runs, so no handler can forget the check.
#include <string>

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

class RequestGuard {
 public:
  virtual ~RequestGuard() = default;
  // True when the request may proceed. Otherwise the guard has filled `response` (401/403 with
  // WWW-Authenticate and a JSON body) and returns false.
  virtual bool admit(const httplib::Request& request, httplib::Response& response) = 0;
};

}  // namespace swapi::server
