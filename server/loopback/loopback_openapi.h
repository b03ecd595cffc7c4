#pragma once
// OpenAPI 3 path items for exactly the routes register_loopback_routes serves.
#include <nlohmann/json.hpp>

namespace swapi::server {

class Store;

nlohmann::json loopback_openapi_paths(const Store& store);

}  // namespace swapi::server
