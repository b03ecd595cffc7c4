#pragma once
// The header section of a request, judged before anything acts on it (RFC 9110 §5, RFC 9112
// §3.2, §5). cpp-httplib 0.11.4 parses leniently, and what it tolerates is what request
// smuggling is made of: a front end (a proxy, a load balancer, a test client) and this server
// must never disagree about where a request ends. What that version does, read from its
// source:
//  - "Content-Length : 40" (space before the colon), "\tContent-Length: 40" and an obsolete
//    line fold (" Content-Length: 40" after another field) are kept under names that are not
//    Content-Length, so it reads no body and parses the 40 bytes as the next request; a peer
//    that trims the name or unfolds the line reads them as this request's body.
//  - A bare CR or a NUL inside a value is kept: "Host: x\rContent-Length: 40" is one field
//    here and two for a peer that ends lines at CR.
//  - It counts no fields, so one request can carry any number of them.
//  - It does not check Host, which HTTP/1.1 requires exactly once.
// Each of those is refused with 400 (431 for the count) and the connection closed, as RFC
// 9112 §5.1/§5.2 and RFC 9110 §5.5 ask. A line ending in a bare LF never gets here: cpp-httplib
// would drop it without a trace, so the connection front refuses it (connection.h).
#include <optional>
#include <string>

namespace httplib { struct Request; }

namespace swapi::server {

// At most this many fields a request (Apache's LimitRequestFields default); a browser or an
// SDK sends 10 to 20.
inline constexpr std::size_t kMaxHeaderFields = 100;

struct HeaderRefusal {
  int status = 400;    // 400, or 431 for too many fields (RFC 6585 §5)
  std::string reason;  // the sentence for the JSON body
};

// nullopt when the header section may be acted on.
std::optional<HeaderRefusal> judge_header_fields(const httplib::Request& request);

}  // namespace swapi::server
