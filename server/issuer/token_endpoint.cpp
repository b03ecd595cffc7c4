#include "server/issuer/token_endpoint.h"

#include <httplib.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "jose/base64url.h"
#include "jose/digest.h"
#include "jose/jws.h"
#include "jose/scopes.h"

namespace swapi::server {

namespace {

constexpr std::string_view kGrantType = "client_credentials";

// The scopes to grant, or the error. RFC 6749 §3.3: space-delimited scope-tokens.
std::variant<std::vector<std::string>, OAuthError> granted_scopes(const std::optional<std::string>& requested,
                                                                  const Client& client) {
  if (!requested) return client.scopes;
  std::vector<std::string> granted;
  for (auto& scope : jose::split_scopes(*requested)) {
    if (!is_scope_token(scope))
      return OAuthError{400, "invalid_scope", "'" + scope + "' is not a valid scope (RFC 6749 section 3.3)"};
    if (std::find(client.scopes.begin(), client.scopes.end(), scope) == client.scopes.end())
      return OAuthError{400, "invalid_scope", "scope '" + scope + "' is not allowed for client '" + client.id + "'"};
    granted.push_back(std::move(scope));
  }
  return granted;
}

}  // namespace

std::variant<nlohmann::json, OAuthError> grant_token(const TokenRequest& request, const TokenGrantContext& context,
                                                     std::int64_t now) {
  if (request.grant_type != kGrantType)
    return OAuthError{400, "unsupported_grant_type",
                      "grant_type '" + request.grant_type.value_or("") + "' is not supported; use client_credentials"};

  if (!request.client_id || !request.client_secret)
    return OAuthError{401, "invalid_client",
                      "client authentication required: client_id and client_secret in the body or HTTP Basic",
                      request.basic_auth};
  const Client* client = context.clients.authenticate(*request.client_id, *request.client_secret);
  // One message for an unknown id and a wrong secret: which ids exist is not our caller's
  // business.
  if (!client) return OAuthError{401, "invalid_client", "unknown client or wrong secret", request.basic_auth};

  auto scopes = granted_scopes(request.scope, *client);
  if (auto* error = std::get_if<OAuthError>(&scopes)) return std::move(*error);
  const auto& granted = std::get<std::vector<std::string>>(scopes);
  std::string scope = jose::join_scopes(granted);

  std::string audience = context.audiences.front();
  if (request.audience) {
    const auto& allowed = context.audiences;
    if (std::find(allowed.begin(), allowed.end(), *request.audience) == allowed.end())
      return OAuthError{403, "access_denied", "Service not found: " + *request.audience + " (this server serves " +
                                                   jose::join_scopes(allowed) + ")"};
    audience = *request.audience;
  }

  const jose::Jwk& key = context.signing_key;
  nlohmann::json header = {{"alg", jose::alg_name(*key.alg)}, {"kid", key.kid}, {"typ", "at+jwt"}};
  nlohmann::json claims = {
      {"iss", context.issuer},
      {"sub", client->id + "@clients"},
      {"aud", audience},
      {"iat", now},
      {"exp", now + context.lifetime_seconds},
      {"jti", jose::random_base64url(16)},
      {"client_id", client->id},
      {"scope", scope},
      {"gty", "client-credentials"},
  };
  if (context.permissions_claim) claims["permissions"] = granted;
  if (context.extra_claims) {
    nlohmann::json extra = context.extra_claims();
    for (auto& [name, value] : extra.items()) {
      if (value.is_null()) {
        claims.erase(name);
      } else {
        claims[name] = value;
      }
    }
  }
  // Whoever holds a client secret must not become an operator of scenario control: not by a
  // client allowed the scope, not by extra claims, not by anything added later.
  if (jose::extract_scopes(claims).contains(std::string(jose::kScenarioControlScope)))
    return OAuthError{400, "invalid_scope", "scope '" + std::string(jose::kScenarioControlScope) +
                                                "' is reserved for scenario control: the token endpoint never issues it "
                                                "(swapi fault and swapi stats mint their own)"};
  // --client ids come from argv and may be any bytes; never let them make dump() throw.
  std::string payload = claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string token = jose::sign_compact(header, payload, key);
  return nlohmann::json{{"access_token", std::move(token)},
                        {"token_type", "Bearer"},
                        {"expires_in", context.lifetime_seconds},
                        {"scope", scope}};
}

void set_token_response(httplib::Response& response, const nlohmann::json& body) {
  response.status = 200;
  // RFC 6749 §5.1: tokens must not be cached by anything on the way.
  response.set_header("Cache-Control", "no-store");
  response.set_header("Pragma", "no-cache");
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void set_oauth_error(httplib::Response& response, const OAuthError& error) {
  response.status = error.status;
  response.set_header("Cache-Control", "no-store");
  response.set_header("Pragma", "no-cache");
  if (error.basic_challenge) response.set_header("WWW-Authenticate", "Basic realm=\"swapi\"");
  nlohmann::json body = {{"error", error.error}, {"error_description", error.description}};
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

}  // namespace swapi::server
