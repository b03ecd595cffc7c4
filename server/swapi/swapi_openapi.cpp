// OpenAPI 3 path items for the routes register_swapi_routes serves. The document (openapi.cpp)
// adds the bearerAuth security requirement globally, so the items only list 401/403.
#include "server/swapi/swapi_openapi.h"

#include "server/data/resource_schema.h"
#include "server/data/store.h"
#include "server/web/openapi_parts.h"

namespace swapi::server {

namespace {

using nlohmann::json;

json detail_schema() {
  return {{"type", "object"},
          {"properties", {{"detail", {{"type", "string"}}}}},
          {"required", {"detail"}}};
}

json responses(json ok_schema, std::string_view ok_description, bool can_be_missing) {
  json result = {
      {"200", {{"description", ok_description}, {"content", json_content(std::move(ok_schema))}}},
  };
  result = with_auth_responses(std::move(result));
  if (can_be_missing)
    result["404"] = {{"description", "Not found: {\"detail\":\"Not found\"}"}, {"content", json_content(detail_schema())}};
  return result;
}

json get_operation(std::string summary, std::string operation_id, json parameters, json responses_object) {
  json operation = {{"summary", std::move(summary)}, {"operationId", std::move(operation_id)},
                    {"responses", std::move(responses_object)}};
  if (!parameters.empty()) operation["parameters"] = std::move(parameters);
  return {{"get", std::move(operation)}};
}

json page_schema(const json& record) {
  json link = {{"type", "string"}, {"format", "uri"}, {"nullable", true}};
  return {{"type", "object"},
          {"properties",
           {{"count", {{"type", "integer"}, {"description", "Records matching the search, over all pages"}}},
            {"next", link},
            {"previous", link},
            {"results", {{"type", "array"}, {"items", record}, {"maxItems", 10}}}}},
          {"required", {"count", "next", "previous", "results"}}};
}

json list_parameters(const ResourceSchema& schema) {
  std::string fields;
  for (auto field : schema.search_fields) fields += (fields.empty() ? "" : " or ") + std::string(field);
  return json::array({
      {{"name", "page"}, {"in", "query"}, {"required", false},
       {"description", "1-based page of 10 records, or \"last\"; a page past the end is 404"},
       {"schema", {{"type", "string"}, {"pattern", "^([1-9][0-9]*|last)$"}}}},
      {{"name", "search"}, {"in", "query"}, {"required", false},
       {"description", "Case-insensitive substring of " + fields + "; several words must all match"},
       {"schema", {{"type", "string"}}}},
  });
}

}  // namespace

json swapi_openapi_paths(const Store& store) {
  json paths = json::object();
  json root_properties = json::object();
  for (const auto& name : store.resources()) root_properties[name] = {{"type", "string"}, {"format", "uri"}};
  paths["/api/"] = get_operation("Links to every resource list", "getRoot", json::array(),
                                 responses({{"type", "object"}, {"properties", root_properties}}, "Resource roots", false));

  for (const auto& schema : resource_schemas()) {
    if (!store.has(schema.name)) continue;
    std::string name(schema.name);
    json record = openapi_record_schema(schema);
    json id_parameter = json::array({{{"name", "id"}, {"in", "path"}, {"required", true},
                                      {"schema", {{"type", "integer"}, {"minimum", 1}}}}});
    paths["/api/" + name + "/"] = get_operation("List " + name + ", 10 per page (trailing slash optional)",
                                                "list_" + name, list_parameters(schema),
                                                responses(page_schema(record), "A page of " + name, true));
    paths["/api/" + name + "/{id}/"] = get_operation("One " + std::string(schema.title) + " by id (trailing slash optional)",
                                                     "get_" + name, id_parameter,
                                                     responses(record, "The record", true));
    paths["/api/" + name + "/schema"] = get_operation("JSON schema of a " + std::string(schema.title) + " record",
                                                      "schema_" + name, json::array(),
                                                      responses({{"type", "object"}}, "A JSON Schema (draft-04)", false));
  }
  return paths;
}

}  // namespace swapi::server
