#pragma once
// GET /openapi.json: an OpenAPI 3 document of the routes the chosen flavor actually serves.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace swapi::server {

class Store;
struct ServeOptions;

// issuer_scopes: the scopes the local issuer grants, when it runs (its routes and the oauth2
// clientCredentials scheme are then listed); null with --jwks-uri/--jwks-file.
nlohmann::json openapi_document(const ServeOptions& options, const Store& store,
                                const std::string& base_url, const std::vector<std::string>* issuer_scopes);

}  // namespace swapi::server
