#pragma once
// How a token is presented to a target (RFC 6750 §2): the one place that turns Credentials
// into an HTTP request, shared by `call` and `check`.
#include <string>
#include <string_view>

#include "http/client.h"
#include "testkit/attack_case.h"

namespace swapi::testkit {

// Adds the Authorization header(s) or the access_token query parameter to `request`.
void present(const Credentials& credentials, http::Request& request);

// `url` with "access_token=<token>" added to its query (RFC 6750 §2.3).
std::string with_query_token(std::string_view url, std::string_view token);

// `url` with the value of any access_token query parameter replaced by "REDACTED", for error
// messages and reports: a token is a credential and is never printed.
std::string redacted_url(std::string_view url);

}  // namespace swapi::testkit
