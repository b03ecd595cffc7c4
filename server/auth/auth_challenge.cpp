#include "server/auth/auth_challenge.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace swapi::server {

namespace {

// Django REST framework's wording, as swapi.dev answers.
constexpr std::string_view kNoCredentials = "Authentication credentials were not provided.";
// LoopBack 3's answer to a request without an access token.
constexpr std::string_view kLoopbackNoCredentials = "Authorization Required";

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The flavor's sentence for "no token", and when a header was sent under another scheme,
// what was wrong with it: "Authentication credentials were not provided: the Authorization
// header uses the 'Token' scheme, not Bearer; ...".
std::string no_credentials(std::string_view sentence, const Challenge& challenge) {
  std::string text(sentence);
  if (challenge.code == "no_token" || challenge.detail.empty()) return text;
  if (text.ends_with('.')) text.pop_back();
  return text + ": " + challenge.detail;
}

}  // namespace

int Challenge::status() const noexcept {
  switch (kind) {
    case Kind::invalid_request: return 400;
    case Kind::insufficient_scope: return 403;
    case Kind::no_token:
    case Kind::invalid_token: return 401;
  }
  return 401;
}

std::string_view Challenge::error() const noexcept {
  switch (kind) {
    case Kind::invalid_request: return "invalid_request";
    case Kind::invalid_token: return "invalid_token";
    case Kind::insufficient_scope: return "insufficient_scope";
    case Kind::no_token: return {};
  }
  return {};
}

std::string Challenge::description() const {
  // The rule names what failed beyond the RFC 6750 error code; when the rule is that code
  // (insufficient_scope), repeating it says nothing: error_description is then the sentence.
  if (code.empty() || code == error()) return sanitize_attribute(detail);
  return sanitize_attribute(code + ": " + detail);
}

std::string sanitize_attribute(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      clean += '\'';
    } else if (c == '\\') {
      clean += '/';
    } else if (u < 0x20 || u > 0x7e) {
      clean += '?';
    } else {
      clean += c;
    }
  }
  return clean;
}

std::string www_authenticate(const Challenge& challenge) {
  std::string value = "Bearer realm=\"";
  value += kRealm;
  value += '"';
  if (challenge.kind == Challenge::Kind::no_token) return value;  // §3.1: no error without credentials
  value += ", error=\"";
  value += challenge.error();
  value += "\", error_description=\"";
  value += challenge.description();
  value += '"';
  if (challenge.kind == Challenge::Kind::insufficient_scope) {
    value += ", scope=\"";
    value += sanitize_attribute(challenge.scope);
    value += '"';
  }
  return value;
}

std::string challenge_body(const Challenge& challenge, BodyShape shape) {
  int status = challenge.status();
  if (shape == BodyShape::loopback) {
    nlohmann::json error = {{"statusCode", status}};
    if (challenge.kind == Challenge::Kind::no_token) {
      error["name"] = "Error";
      error["message"] = no_credentials(kLoopbackNoCredentials, challenge);
      error["code"] = "AUTHORIZATION_REQUIRED";
    } else {
      error["name"] = status == 400 ? "BadRequestError" : status == 403 ? "ForbiddenError" : "UnauthorizedError";
      error["message"] = challenge.description();
      error["code"] = challenge.error();
    }
    return dump(nlohmann::json{{"error", error}});
  }
  if (challenge.kind == Challenge::Kind::no_token)
    return dump(nlohmann::json{{"detail", no_credentials(kNoCredentials, challenge)}});
  nlohmann::json body = {{"detail", challenge.detail},
                         {"error", challenge.error()},
                         {"error_description", challenge.description()}};
  if (challenge.kind == Challenge::Kind::insufficient_scope) body["scope"] = challenge.scope;
  return dump(body);
}

void write_challenge(httplib::Response& response, const Challenge& challenge, BodyShape shape) {
  response.status = challenge.status();
  response.set_header("WWW-Authenticate", www_authenticate(challenge));
  response.set_content(challenge_body(challenge, shape), "application/json");
}

}  // namespace swapi::server
