#include "server/web/header_fields.h"

#include <httplib.h>

#include <array>
#include <string_view>

namespace swapi::server {

namespace {

// What cpp-httplib adds to request.headers itself, after parsing (the peer and local address).
constexpr std::array<std::string_view, 4> kAddedByHttplib = {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"};

// RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" /
// "_" / "`" / "|" / "~" / DIGIT / ALPHA.
bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_tchar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

HeaderRefusal bad_request(std::string reason) { return HeaderRefusal{400, std::move(reason)}; }

}  // namespace

std::optional<HeaderRefusal> judge_header_fields(const httplib::Request& request) {
  std::size_t fields = 0;
  for (const auto& [name, value] : request.headers) {
    bool added = false;
    for (std::string_view own : kAddedByHttplib) added = added || name == own;
    if (!added) ++fields;
    // A name with whitespace is the fold or the "Name :" of the header comment: RFC 9112 §5.1
    // and §5.2 answer both with 400.
    if (!is_token(name))
      return bad_request("a header field name is not a token: whitespace before its colon, an obsolete line "
                         "fold, or a control byte (RFC 9112 §5)");
    // RFC 9110 §5.5: CR, LF or NUL in a value is rejected (cpp-httplib has already turned
    // %0D, %0A, %00 into those bytes, which a value never needs either).
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      return bad_request("the value of header field " + name + " holds a CR, LF or NUL byte (RFC 9110 §5.5)");
  }
  if (fields > kMaxHeaderFields)
    return HeaderRefusal{431, "the request has " + std::to_string(fields) + " header fields, over the limit of " +
                                  std::to_string(kMaxHeaderFields)};
  // RFC 9112 §3.2: an HTTP/1.1 request without Host, or with more than one, is answered 400.
  if (request.version == "HTTP/1.1") {
    std::size_t hosts = request.get_header_value_count("Host");
    if (hosts != 1)
      return bad_request(hosts == 0 ? "an HTTP/1.1 request needs a Host header (RFC 9112 §3.2)"
                                    : "the request has " + std::to_string(hosts) +
                                          " Host headers; exactly one is allowed (RFC 9112 §3.2)");
  }
  return std::nullopt;
}

}  // namespace swapi::server
