#pragma once
// The answers of the auth guard (RFC 6750 §3): status, WWW-Authenticate and a JSON body in the
// flavor's shape, all carrying the same reason.
//
//   no token        401  Bearer realm="swapi"
//   invalid_request 400  Bearer realm="swapi", error="invalid_request", error_description="..."
//   invalid_token   401  Bearer realm="swapi", error="invalid_token", error_description="..."
//   scope missing   403  Bearer realm="swapi", error="insufficient_scope", error_description="...",
//                        scope="read:films"
//
// error_description is "<rule code>: <sentence>" ("expired: token expired 2 h ago"), or the
// sentence alone when the rule is the error code itself (insufficient_scope). RFC 6750 §3
// limits it to %x20-21 / %x23-5B / %x5D-7E, so a '"' or '\' cannot appear even escaped: they
// become ' and /, and anything outside printable ASCII becomes '?' (so every sentence the
// server writes is ASCII: "RFC 6750 section 2.3", never a section sign). The body repeats the
// same description.
#include <string>
#include <string_view>

namespace httplib { struct Response; }

namespace swapi::server {

inline constexpr std::string_view kRealm = "swapi";

struct Challenge {
  enum class Kind { no_token, invalid_request, invalid_token, insufficient_scope };
  Kind kind = Kind::no_token;
  std::string code;    // the rule: "expired", "multiple_authorization_headers", ...
  std::string detail;  // the sentence
  std::string scope;   // insufficient_scope: the scopes needed, space-separated

  int status() const noexcept;
  std::string_view error() const noexcept;  // RFC 6750 error code; empty for no_token
  std::string description() const;          // "<code>: <detail>" (or <detail>), sanitised
};

// RFC 6750 §3 attribute value: the characters above, quotes and backslashes replaced.
std::string sanitize_attribute(std::string_view text);

std::string www_authenticate(const Challenge& challenge);

enum class BodyShape { swapi, loopback };

// {"detail", "error", "error_description"[, "scope"]} or LoopBack's {"error":{...}}.
std::string challenge_body(const Challenge& challenge, BodyShape shape);

// Status, WWW-Authenticate, body (application/json).
void write_challenge(httplib::Response& response, const Challenge& challenge, BodyShape shape);

}  // namespace swapi::server
