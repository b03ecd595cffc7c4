#pragma once
// Reading a POST /oauth/token request (RFC 6749 §2.3.1, §3.2, §4.4.2) into its parameters,
// before any client or scope is looked at. Pure parsing: no state, no secrets compared.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace httplib { struct Request; }

namespace swapi::server {

// An RFC 6749 §5.2 error response.
struct OAuthError {
  int status = 400;
  std::string error;        // invalid_request, invalid_client, unsupported_grant_type, ...
  std::string description;  // error_description: which rule failed, for a human
  bool basic_challenge = false;  // 401 answering HTTP Basic: add WWW-Authenticate (§5.2)
};

struct TokenRequest {
  std::optional<std::string> grant_type;
  std::optional<std::string> client_id, client_secret;
  bool basic_auth = false;  // the credentials came in an Authorization: Basic header
  std::optional<std::string> scope;     // as sent (space-separated)
  std::optional<std::string> audience;  // Auth0's extension parameter
};

// application/x-www-form-urlencoded ('+' is a space, %XX escapes) into name/value pairs in
// order; nullopt for a malformed escape. Exposed for tests.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form_urlencoded(std::string_view body);

// The body must be form-urlencoded (RFC 6749 §4.4.2) or a JSON object of strings (as Auth0
// accepts); a parameter may appear once (§3.2) and an empty one counts as absent (§3.1).
// Parameters in the URL query are refused: secrets do not belong in URLs and access logs.
// Client credentials come from the body or one Authorization: Basic header whose id and secret
// were form-urlencoded before base64 (§2.3.1), never both. Returns the first rule broken as
// invalid_request (400), or invalid_client (401, with the Basic challenge) for an
// Authorization header that is not well-formed Basic.
std::variant<TokenRequest, OAuthError> parse_token_request(const httplib::Request& request);

}  // namespace swapi::server
