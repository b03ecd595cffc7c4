#include "server/openapi.h"

#include "server/loopback/loopback_openapi.h"
#include "server/swapi/swapi_openapi.h"
#include "server/options.h"

namespace swapi::server {

namespace {
nlohmann::json public_paths() {
  auto json_get = [](const char* summary) {
    return nlohmann::json{{"get", {{"summary", summary}, {"security", nlohmann::json::array()},
                                   {"responses", {{"200", {{"description", "OK"}}}}}}}};
  };
  nlohmann::json paths = {
      {"/healthz", json_get("Liveness check")},
      {"/openapi.json", json_get("This document")},
  };
  return paths;
}
}  // namespace

nlohmann::json openapi_document(const ServeOptions& options, const Store& store, const std::string& base_url) {
  nlohmann::json paths = options.flavor == "loopback" ? loopback_openapi_paths(store) : swapi_openapi_paths(store);
  nlohmann::json always_public = public_paths();  // named: items() of a temporary would dangle
  for (auto& [path, item] : always_public.items()) paths[path] = item;
  nlohmann::json document = {
      {"openapi", "3.0.3"},
      {"info", {{"title", "swapi: Star Wars API (" + options.flavor + " flavor)"}, {"version", "1"}}},
      {"servers", {{{"url", base_url}}}},
      {"paths", paths},
  };
  if (!options.no_auth) {
    document["components"]["securitySchemes"]["bearerAuth"] = {
        {"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}};
    document["security"] = {{{"bearerAuth", nlohmann::json::array()}}};
  }
  return document;
}

}  // namespace swapi::server
