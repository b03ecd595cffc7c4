#include "server/openapi.h"

#include "server/issuer/issuer_openapi.h"
#include "server/loopback/loopback_openapi.h"
#include "server/options.h"
#include "server/swapi/swapi_openapi.h"

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

nlohmann::json openapi_document(const ServeOptions& options, const Store& store, const std::string& base_url,
                                const std::vector<std::string>* issuer_scopes) {
  nlohmann::json paths = options.flavor == "loopback" ? loopback_openapi_paths(store) : swapi_openapi_paths(store);
  nlohmann::json always_public = public_paths();  // named: items() of a temporary would dangle
  for (auto& [path, item] : always_public.items()) paths[path] = item;
  if (issuer_scopes) {
    nlohmann::json issuer_paths = issuer_openapi_paths();
    for (auto& [path, item] : issuer_paths.items()) paths[path] = item;
  }
  nlohmann::json document = {
      {"openapi", "3.0.3"},
      {"info", {{"title", "swapi: Star Wars API (" + options.flavor + " flavor)"}, {"version", "1"}}},
      {"servers", {{{"url", base_url}}}},
      {"paths", paths},
  };
  if (!options.no_auth) {
    document["components"]["securitySchemes"]["bearerAuth"] = {
        {"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}};
    // Security requirements are alternatives: a bearer token from anywhere trusted, or one got
    // from our own issuer with the client credentials flow.
    document["security"] = {{{"bearerAuth", nlohmann::json::array()}}};
    if (issuer_scopes) {
      document["components"]["securitySchemes"]["oauth2"] = oauth2_security_scheme(base_url, *issuer_scopes);
      document["security"].push_back({{"oauth2", nlohmann::json::array()}});
    }
  }
  return document;
}

}  // namespace swapi::server
