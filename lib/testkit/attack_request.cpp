#include "testkit/attack_request.h"

namespace swapi::testkit {

namespace {
constexpr std::string_view kQueryName = "access_token=";
}

void present(const Credentials& credentials, http::Request& request) {
  using Placement = Credentials::Placement;
  std::string value = credentials.scheme.empty() ? credentials.token : credentials.scheme + " " + credentials.token;
  switch (credentials.placement) {
    case Placement::none:
      return;
    case Placement::header:
      request.headers.push_back({"Authorization", value});
      return;
    case Placement::two_headers:
      request.headers.push_back({"Authorization", value});
      request.headers.push_back({"Authorization", value});
      return;
    case Placement::query:
      request.url = with_query_token(request.url, credentials.token);
      return;
  }
}

std::string with_query_token(std::string_view url, std::string_view token) {
  std::string result(url);
  auto fragment = result.find('#');
  std::string tail;
  if (fragment != std::string::npos) {
    tail = result.substr(fragment);
    result.erase(fragment);
  }
  // A JWS compact token is base64url and dots: nothing in it needs percent-encoding.
  result += result.find('?') == std::string::npos ? '?' : '&';
  result += kQueryName;
  result += token;
  return result + tail;
}

std::string redacted_url(std::string_view url) {
  std::string result(url);
  std::size_t query = result.find('?');
  if (query == std::string::npos) return result;
  std::size_t at = query + 1;
  while (at < result.size()) {
    std::size_t end = result.find_first_of("&#", at);
    if (end == std::string::npos) end = result.size();
    if (std::string_view(result).substr(at, end - at).starts_with(kQueryName)) {
      std::size_t value = at + kQueryName.size();
      result.replace(value, end - value, "REDACTED");
      end = value + 8;
    }
    if (end >= result.size() || result[end] == '#') break;
    at = end + 1;
  }
  return result;
}

}  // namespace swapi::testkit
