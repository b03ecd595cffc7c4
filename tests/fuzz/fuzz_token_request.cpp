// The POST /oauth/token request reader (server/issuer/token_request.h) over a request built
// from the input: "<Content-Type>\n<Authorization>\n<body>" (an empty line is an absent
// header; a second Authorization line after a tab adds a second header). Every outcome is a
// TokenRequest or an OAuthError that the endpoint renders as JSON; nothing throws.
#include <httplib.h>

#include <cstdlib>
#include <variant>

#include "server/issuer/token_endpoint.h"
#include "server/issuer/token_request.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using swapi::fuzz::split_once;
  auto [content_type, rest] = split_once(swapi::fuzz::as_text(data, size), '\n');
  auto [authorization, body] = split_once(rest, '\n');
  httplib::Request request;
  request.method = "POST";
  request.target = "/oauth/token";
  request.path = "/oauth/token";
  if (!content_type.empty()) request.headers.emplace("Content-Type", std::string(content_type));
  while (!authorization.empty()) {
    auto [one, more] = split_once(authorization, '\t');
    request.headers.emplace("Authorization", std::string(one));
    authorization = more;
  }
  request.body = std::string(body);
  auto parsed = swapi::server::parse_token_request(request);
  if (auto* error = std::get_if<swapi::server::OAuthError>(&parsed)) {
    if (error->status != 400 && error->status != 401) std::abort();
    httplib::Response response;
    swapi::server::set_oauth_error(response, *error);
    if (nlohmann::json::parse(response.body, nullptr, false).is_discarded()) std::abort();
  }
  // Also the form reader alone, as the tests call it.
  (void)swapi::server::parse_form_urlencoded(body);
  return 0;
}
