#include "server/issuer/issuer_openapi.h"

#include "server/issuer/issuer.h"  // kAuthorizationServerMetadataPath
#include "server/web/openapi_parts.h"

namespace swapi::server {

namespace {

using nlohmann::json;

json public_get(std::string summary, std::string operation_id) {
  return {{"get",
           {{"summary", std::move(summary)},
            {"operationId", std::move(operation_id)},
            {"security", json::array()},
            {"responses", {{"200", {{"description", "OK"}, {"content", json_content({{"type", "object"}})}}}}}}}};
}

json token_operation() {
  json string = {{"type", "string"}};
  json parameters = {
      {"type", "object"},
      {"properties",
       {{"grant_type", {{"type", "string"}, {"enum", {"client_credentials"}}}},
        {"client_id", string},
        {"client_secret", string},
        {"scope", {{"type", "string"}, {"description", "Space-separated subset of the client's scopes (default: all)"}}},
        {"audience", {{"type", "string"}, {"description", "Auth0's parameter: one of the audiences served"}}}}},
      {"required", {"grant_type"}}};
  json token = {{"type", "object"},
                {"properties",
                 {{"access_token", string},
                  {"token_type", {{"type", "string"}, {"enum", {"Bearer"}}}},
                  {"expires_in", {{"type", "integer"}}},
                  {"scope", string}}},
                {"required", {"access_token", "token_type", "expires_in"}}};
  json error = {{"type", "object"},
                {"properties", {{"error", string}, {"error_description", string}}},
                {"required", {"error"}}};
  return {{"post",
           {{"summary", "Get an access token (client_credentials, RFC 6749 §4.4); client secret in the body or "
                        "HTTP Basic"},
            {"operationId", "oauthToken"},
            {"security", json::array()},
            {"requestBody",
             {{"required", true},
              {"content",
               {{"application/x-www-form-urlencoded", {{"schema", parameters}}},
                {"application/json", {{"schema", parameters}}}}}}},
            {"responses",
             {{"200", {{"description", "The token (RFC 6749 §5.1)"}, {"content", json_content(token)}}},
              {"400", {{"description", "invalid_request, invalid_scope, unsupported_grant_type (RFC 6749 §5.2)"},
                       {"content", json_content(error)}}},
              {"401", {{"description", "invalid_client"}, {"content", json_content(error)}}},
              {"403", {{"description", "access_denied: an audience this server does not serve"},
                       {"content", json_content(error)}}}}}}}};
}

// "read:films" -> "Read films"; anything else is described by its name.
std::string scope_description(const std::string& scope) {
  if (scope.starts_with("read:")) return "Read " + scope.substr(5);
  if (scope.starts_with("write:")) return "Create, change and delete " + scope.substr(6);
  return scope;
}

}  // namespace

json issuer_openapi_paths() {
  return {
      {"/oauth/token", token_operation()},
      {"/.well-known/jwks.json", public_get("The public keys tokens are signed with (JWKS)", "jwks")},
      {"/.well-known/openid-configuration", public_get("OpenID Connect discovery document", "openidConfiguration")},
      {std::string(kAuthorizationServerMetadataPath),
       public_get("OAuth 2.0 authorization server metadata (RFC 8414)", "authorizationServerMetadata")},
  };
}

json oauth2_security_scheme(const std::string& base_url, const std::vector<std::string>& scopes) {
  json described = json::object();
  for (const auto& scope : scopes) described[scope] = scope_description(scope);
  return {{"type", "oauth2"},
          {"description", "Tokens from this server's own issuer: POST /oauth/token with a client's id and secret"},
          {"flows", {{"clientCredentials", {{"tokenUrl", base_url + "/oauth/token"}, {"scopes", described}}}}}};
}

}  // namespace swapi::server
