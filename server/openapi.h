#pragma once
// GET /openapi.json: an OpenAPI 3 document of the routes the chosen flavor actually serves.
#include <string>

#include <nlohmann/json.hpp>

namespace swapi::server {

class Store;
struct ServeOptions;

nlohmann::json openapi_document(const ServeOptions& options, const Store& store,
                                const std::string& base_url);

}  // namespace swapi::server
