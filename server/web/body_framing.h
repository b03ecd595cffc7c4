#pragma once
// Request bodies and the connection they arrive on (RFC 9112 §6.3, §9.6), over cpp-httplib
// 0.11.4 as Debian ships it. What that version does, read from its source:
//  - It reads a body only once routing gets past the pre-routing handler, and only for POST,
//    PUT, PATCH and DELETE. An answer given earlier (the auth guard's 401/403, a refused
//    Expect: 100-continue) leaves the body unread on a keep-alive connection, and the next
//    "request" it parses there is the body: a smuggled request.
//  - GET, HEAD, OPTIONS bodies are never read, whoever answers.
//  - A chunked body is read with no size limit; a Content-Length over the payload limit is
//    skipped byte by byte, however large; a POST without Content-Length is read until the
//    client closes; a malformed request is answered and the connection kept.
//  - A response's "Connection: close" does not close anything (only the request's does);
//    the connection ends when a write fails or a content provider cancels.
// So the server judges each request's framing from its headers before cpp-httplib reads
// anything (judge_body), refuses what cpp-httplib would mis-read, and any answer given while
// a body is unread closes the connection (close_after_sending): no byte of a body is parsed
// as a request. Close, not keep-alive: to keep the connection the body would have to be read
// through routing, and a refused request must never get that far. The close is a lingering
// one (RFC 9112 §9.6): half-close, read and discard what the client still sends (bounded in
// bytes and time), then close, so the client reads the answer instead of a reset. The
// connection front (connection_front.h) owns the socket and does that part.
#include <cstdint>
#include <string>

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

struct BodyVerdict {
  bool acceptable = true;
  int status = 0;           // when !acceptable: 400, 411 or 413
  std::string reason;       // when !acceptable: the sentence for the JSON body
  std::uint64_t length = 0; // the declared Content-Length (0 when none)
};

// From the headers alone: may cpp-httplib read this request's body? Refused: any
// Transfer-Encoding (411: its chunked reader has no limit), a Content-Length that is missing
// on POST/PUT/PATCH (411), repeated or not a decimal number (400), over max_bytes (413), or
// non-zero on a method whose body cpp-httplib never reads (400).
BodyVerdict judge_body(const httplib::Request& request, std::uint64_t max_bytes);

// True when the request's headers were parsed and its declared body (if any) has been read
// into request.body: only then may the connection carry another request.
bool body_fully_read(const httplib::Request& request);

// Makes `response` (a filled error) close the connection once it is sent: "Connection:
// close", and the body sent by a content provider that asks the front for a lingering close
// and then cancels, which is what makes cpp-httplib 0.11.4 end the connection's requests
// (the provider "return false to cancel" of its README). cpp-httplib never writes a HEAD response's body, so a HEAD answered
// this way is answered as a GET: a HEAD that declares a body, or that failed to parse, is not
// one a client can rely on, and the extra bytes end with the connection.
void close_after_sending(const httplib::Request& request, httplib::Response& response);

}  // namespace swapi::server
