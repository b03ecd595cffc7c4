#pragma once
// The issuer in /openapi.json: its routes (token endpoint, JWKS, discovery) and the OAuth 2.0
// clientCredentials security scheme that names the token URL and the scopes, so that an
// OpenAPI tool (Swagger UI, an API explorer, a client generator) can get a token by itself.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace swapi::server {

// Path items for POST /oauth/token, GET /.well-known/jwks.json, GET
// /.well-known/openid-configuration and GET /.well-known/oauth-authorization-server; public.
nlohmann::json issuer_openapi_paths();

// {"type":"oauth2","flows":{"clientCredentials":{"tokenUrl": base_url + "/oauth/token",
// "scopes": {scope: description}}}} (OpenAPI 3.0.3 §4.7.27).
nlohmann::json oauth2_security_scheme(const std::string& base_url, const std::vector<std::string>& scopes);

}  // namespace swapi::server
