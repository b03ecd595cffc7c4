#pragma once
// The client_credentials grant of POST /oauth/token (RFC 6749 §4.4) and the access tokens it
// issues: JWTs shaped as RFC 9068 and as Auth0 issues them for machine-to-machine clients.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/jwk.h"
#include "server/issuer/token_request.h"
#include "state/client_registry.h"

namespace httplib { struct Response; }

namespace swapi::server {

// The token endpoint's path (the discovery documents name it).
inline constexpr std::string_view kTokenEndpointPath = "/oauth/token";

struct TokenGrantContext {
  const std::string& issuer;
  const std::vector<std::string>& audiences;  // the first is the default audience
  const ClientRegistry& clients;
  const jose::Jwk& signing_key;               // private, with alg and kid
  std::int64_t lifetime_seconds;
  bool permissions_claim = false;             // add Auth0 RBAC's "permissions": [scopes...]
  // Scenario control: asked once a grant has passed every check, just before signing; its
  // members go over the claims (a null value removes one). Empty = nothing extra.
  std::function<nlohmann::json()> extra_claims = {};
};

// Checks, in order: grant_type is client_credentials (else unsupported_grant_type, 400); the
// client authenticates (else invalid_client, 401, with the Basic challenge when Basic was
// used); every requested scope is one of the client's (else invalid_scope, 400; no scope
// parameter grants all of the client's scopes); the audience, when given, is one this server
// serves (else access_denied, 403, as Auth0 answers "Service not found").
// The token: header {alg, kid, typ: "at+jwt"}; claims iss, sub "<client_id>@clients", aud,
// iat, exp, jti, client_id, scope, gty "client-credentials", and with permissions_claim the
// granted scopes again as an array, "permissions", as Auth0 adds them when an API enables
// RBAC's "Add Permissions in the Access Token". Returns the RFC 6749 §5.1 body
// {access_token, token_type "Bearer", expires_in, scope}.
std::variant<nlohmann::json, OAuthError> grant_token(const TokenRequest& request,
                                                     const TokenGrantContext& context,
                                                     std::int64_t now);

// RFC 6749 §5.1: 200 with the JSON body, Cache-Control: no-store and Pragma: no-cache.
void set_token_response(httplib::Response& response, const nlohmann::json& body);
// RFC 6749 §5.2: status, {"error","error_description"}, no-store, and
// WWW-Authenticate: Basic realm="swapi" when error.basic_challenge.
void set_oauth_error(httplib::Response& response, const OAuthError& error);

}  // namespace swapi::server
