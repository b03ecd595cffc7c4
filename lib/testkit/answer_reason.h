#pragma once
// Why a server refused a request, as it said it: the RFC 6750 §3 Bearer challenge in
// WWW-Authenticate, else the JSON body (swapi.dev's {"detail"}, OAuth's {"error",
// "error_description"}, LoopBack's {"error":{"message"}}). `call` puts it after "got 401" and
// `check` shows it next to each case.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/client.h"

namespace swapi::testkit {

// The auth-params of the Bearer challenge in one WWW-Authenticate value (RFC 7235 §4.1: a
// value may list several challenges; names are case-insensitive, stored lower case; values
// are tokens or quoted-strings, RFC 9110 §5.6.4). nullopt when no challenge is Bearer.
std::optional<std::map<std::string, std::string>> bearer_challenge(std::string_view header_value);

// True when some WWW-Authenticate header of the response carries a Bearer challenge.
bool has_bearer_challenge(const http::Response& response);

// "invalid_token: expired: token expired 2 min ago", "Authentication credentials were not
// provided.", or "" when the server gave no reason. One line of printable ASCII, at most 300
// characters (a hostile body cannot flood the terminal or inject escapes).
std::string answer_reason(const http::Response& response);

// The error_description of the Bearer challenge, else the body's, else "".
std::string error_description(const http::Response& response);

}  // namespace swapi::testkit
