#include "server/issuer/token_request.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

#include "base/ascii.h"
#include "jose/base64url.h"
#include "jose/error.h"
#include "jose/strict_json.h"

namespace swapi::server {

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

OAuthError invalid_request(std::string description) {
  return {400, "invalid_request", std::move(description), false};
}

OAuthError invalid_basic(std::string description) {
  return {401, "invalid_client", std::move(description), true};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> form_decode(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      result += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      result += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      result += c;
    }
  }
  return result;
}

// RFC 4648 §4 base64 with padding, decoded strictly (RFC 7617 credentials).
std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0 || text.find_first_of("-_") != std::string_view::npos) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  std::string url(text.substr(0, text.size() - padding));
  if (url.find('=') != std::string::npos) return std::nullopt;
  std::replace(url.begin(), url.end(), '+', '-');
  std::replace(url.begin(), url.end(), '/', '_');
  return jose::base64url_decode(url);
}

// The media type of a Content-Type header, lowercased, without parameters.
std::string media_type(std::string_view content_type) {
  return base::to_lower(base::trim(content_type.substr(0, content_type.find(';'))));
}

std::variant<Params, OAuthError> body_params(const httplib::Request& request) {
  std::string type = media_type(request.get_header_value("Content-Type"));
  if (type == "application/x-www-form-urlencoded") {
    auto params = parse_form_urlencoded(request.body);
    if (!params) return invalid_request("the form body has a malformed %-escape");
    return std::move(*params);
  }
  if (type == "application/json") {
    nlohmann::json document;
    try {
      document = jose::parse_strict_object(request.body, "JSON body");
    } catch (const jose::Error& error) {
      return invalid_request(error.detail());
    }
    Params params;
    for (const auto& [name, value] : document.items()) {
      if (value.is_null()) continue;
      if (!value.is_string()) return invalid_request("parameter '" + name + "' must be a string");
      params.emplace_back(name, value.get<std::string>());
    }
    return params;
  }
  return invalid_request(type.empty() ? "the request has no Content-Type; send application/x-www-form-urlencoded or application/json"
                                      : "unsupported Content-Type '" + type + "'; send application/x-www-form-urlencoded or application/json");
}

// Fills id/secret from "Authorization: Basic ...", or returns the error.
std::optional<OAuthError> read_basic(std::string_view header, TokenRequest& out) {
  header = base::trim(header);
  auto space = header.find(' ');
  if (space == std::string_view::npos || base::to_lower(header.substr(0, space)) != "basic")
    return invalid_basic("the Authorization header must use the Basic scheme");
  auto decoded = base64_decode(base::trim(header.substr(space + 1)));
  if (!decoded) return invalid_basic("the Basic credentials are not valid base64");
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return invalid_basic("the Basic credentials are not client_id:client_secret");
  // RFC 6749 §2.3.1: both halves were application/x-www-form-urlencoded before base64.
  auto id = form_decode(std::string_view(*decoded).substr(0, colon));
  auto secret = form_decode(std::string_view(*decoded).substr(colon + 1));
  if (!id || !secret) return invalid_basic("the Basic credentials have a malformed %-escape");
  out.client_id = std::move(*id);
  out.client_secret = std::move(*secret);
  out.basic_auth = true;
  return std::nullopt;
}

}  // namespace

std::optional<Params> parse_form_urlencoded(std::string_view body) {
  Params params;
  while (!body.empty()) {
    auto end = body.find('&');
    std::string_view pair = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    if (pair.empty()) continue;
    auto equals = pair.find('=');
    auto name = form_decode(pair.substr(0, equals));
    auto value = form_decode(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1));
    if (!name || !value) return std::nullopt;
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

std::variant<TokenRequest, OAuthError> parse_token_request(const httplib::Request& request) {
  if (request.target.find('?') != std::string::npos)
    return invalid_request("parameters belong in the request body, not the URL (RFC 6749 section 3.2)");

  auto parsed = body_params(request);
  if (auto* error = std::get_if<OAuthError>(&parsed)) return std::move(*error);
  const auto& params = std::get<Params>(parsed);

  TokenRequest result;
  std::vector<std::string_view> seen;
  for (const auto& [name, value] : params) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      return invalid_request("parameter '" + name + "' appears more than once (RFC 6749 section 3.2)");
    seen.push_back(name);
    if (value.empty()) continue;  // §3.1: sent without a value = omitted
    if (name == "grant_type") result.grant_type = value;
    else if (name == "client_id") result.client_id = value;
    else if (name == "client_secret") result.client_secret = value;
    else if (name == "scope") result.scope = value;
    else if (name == "audience") result.audience = value;
    // Other parameters are ignored (§3.2: unrecognized request parameters).
  }

  auto authorization_count = request.get_header_value_count("Authorization");
  if (authorization_count > 1) return invalid_request("more than one Authorization header");
  if (authorization_count == 1) {
    if (result.client_secret)
      return invalid_request("client credentials in both the Authorization header and the body; use one (RFC 6749 section 2.3)");
    std::optional<std::string> body_id = result.client_id;
    if (auto error = read_basic(request.get_header_value("Authorization"), result)) return std::move(*error);
    if (body_id && *body_id != *result.client_id)
      return invalid_request("client_id in the body differs from the one in the Authorization header");
  }

  if (!result.grant_type) return invalid_request("missing parameter 'grant_type'");
  return result;
}

}  // namespace swapi::server
