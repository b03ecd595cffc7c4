// OpenAPI 3 path items for exactly the routes register_loopback_routes serves
// (server/loopback/loopback_routes.cpp). The document (openapi.cpp) adds the bearerAuth security
// requirement globally when auth is on, so the items only list 401/403.
#include "server/loopback/loopback_openapi.h"

#include "server/data/resource_schema.h"
#include "server/data/store.h"
#include "server/loopback/loopback_filter.h"
#include "server/web/openapi_parts.h"

namespace swapi::server {

namespace {

using nlohmann::json;

json error_schema() {
  return {{"type", "object"},
          {"properties",
           {{"error",
             {{"type", "object"},
              {"properties",
               {{"statusCode", {{"type", "integer"}}},
                {"name", {{"type", "string"}}},
                {"message", {{"type", "string"}}},
                {"code", {{"type", "string"}}}}},
              {"required", {"statusCode", "name", "message"}}}}}},
          {"required", {"error"}}};
}

json error_response(const std::string& description) {
  return {{"description", description}, {"content", json_content(error_schema())}};
}

// The record as LoopBack renders it: "id", the fields, "url". OpenAPI 3.0 has no type arrays
// and no "$schema": nullable instead.
json record_schema(const ResourceSchema& schema, bool for_write) {
  json record = openapi_record_schema(schema);
  record["properties"]["id"] = {{"type", "integer"}, {"minimum", 1}};
  if (for_write) {
    // The store takes any JSON object: every property is optional, "id" is assigned when absent.
    record.erase("required");
    record["properties"].erase("url");
  }
  return record;
}

json ok(json schema, const std::string& description) {
  return {{"description", description}, {"content", json_content(std::move(schema))}};
}

json operation(const std::string& summary, const std::string& id, json parameters, json responses) {
  json result = {{"summary", summary}, {"operationId", id}, {"responses", with_auth_responses(std::move(responses))}};
  if (!parameters.empty()) result["parameters"] = std::move(parameters);
  return result;
}

json filter_parameter() {
  return {{"name", "filter"},
          {"in", "query"},
          {"required", false},
          {"description", "LoopBack filter as JSON, e.g. {\"where\":{\"height\":{\"gt\":180}},\"order\":\"name DESC\","
                          "\"limit\":5}; or in bracket form filter[where][name]=...; at most " +
                              std::to_string(kMaxFilterBytes) + " bytes"},
          {"schema", {{"type", "string"}}}};
}

json where_parameter(bool required = false) {
  return {{"name", "where"},
          {"in", "query"},
          {"required", required},
          {"description", "LoopBack where clause as JSON, e.g. {\"name\":{\"like\":\"Sky%\"}} or "
                          "{\"name\":{\"regexp\":\"/^dar/i\"}}, or where[...] bracket form"},
          {"schema", {{"type", "string"}}}};
}

json id_parameter() {
  return {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}, {"minimum", 1}}}};
}

json write_body(const json& schema) {
  return {{"required", true}, {"content", json_content(schema)}};
}

json count_schema() {
  return {{"type", "object"}, {"properties", {{"count", {{"type", "integer"}}}}}, {"required", {"count"}}};
}

}  // namespace

json loopback_openapi_paths(const Store& store) {
  json paths = json::object();
  for (const auto& schema : resource_schemas()) {
    if (!store.has(schema.name)) continue;
    std::string name(schema.name);
    std::string title(schema.title);
    json record = record_schema(schema, false);
    json writable = record_schema(schema, true);
    std::string base = "/api/" + name;

    auto bad_filter = error_response("INVALID_FILTER: the filter does not parse; the message says why");
    auto not_found = error_response("MODEL_NOT_FOUND: no record has this id");
    auto bad_body = error_response("INVALID_BODY: not a JSON object, invalid JSON, or an id that conflicts");
    auto media = error_response("UNSUPPORTED_MEDIA_TYPE: the body must be sent as application/json");
    auto persist = error_response("PERSIST_FAILED: the write could not be saved (--persist); nothing changed");

    paths[base]["get"] = operation("Find " + name + " matching a filter", name + ".find", json::array({filter_parameter()}),
                                   {{"200", ok({{"type", "array"}, {"items", record}}, "The matching records")},
                                    {"400", bad_filter}});
    paths[base]["post"] = operation("Create a " + title + " record (id assigned unless given)", name + ".create",
                                    json::array(),
                                    {{"200", ok(record, "The created record")},
                                     {"400", bad_body},
                                     {"409", error_response("DUPLICATE_ID: the given id is taken")},
                                     {"415", media},
                                     {"503", persist}});
    paths[base]["post"]["requestBody"] = write_body(writable);

    // LoopBack 3's replaceOnPUT default: PUT replaces (replaceOrCreate), PATCH merges (upsert).
    auto put_like = [&](const std::string& summary, const std::string& id) {
      json op = operation(summary, id, json::array(),
                          {{"200", ok(record, "The replaced, merged or created record")},
                           {"400", bad_body},
                           {"409", error_response("DUPLICATE_ID: a concurrent write took the id")},
                           {"415", media},
                           {"503", persist}});
      op["requestBody"] = write_body(writable);
      return op;
    };
    paths[base]["put"] = put_like("Replace the " + title + " record the body's id names, or create it",
                                  name + ".replaceOrCreate");
    paths[base]["patch"] = put_like("Merge the body into the " + title + " record its id names, or create it",
                                    name + ".patchOrCreate");
    paths[base + "/replaceOrCreate"]["post"] =
        put_like("Replace the " + title + " record the body's id names, or create it", name + ".replaceOrCreate__post");
    paths[base + "/upsertWithWhere"]["post"] = operation(
        "Merge the body into the one " + title + " record the where clause matches, or create it when none does",
        name + ".upsertWithWhere", json::array({where_parameter(true)}),
        {{"200", ok(record, "The merged or created record")},
         {"400", error_response("more than one record matches, the body is empty, an id that conflicts, or "
                                "INVALID_FILTER / INVALID_BODY")},
         {"409", error_response("DUPLICATE_ID: a concurrent write took the id")},
         {"415", media},
         {"503", persist}});
    paths[base + "/upsertWithWhere"]["post"]["requestBody"] = write_body(writable);
    paths[base + "/update"]["post"] = operation(
        "Merge the body into every " + title + " record the where clause matches (all without one)",
        name + ".updateAll", json::array({where_parameter()}),
        {{"200", ok(count_schema(), "{\"count\": n}, the records updated")},
         {"400", error_response("INVALID_FILTER or INVALID_BODY")},
         {"415", media},
         {"503", persist}});
    paths[base + "/update"]["post"]["requestBody"] = write_body(writable);

    paths[base + "/count"]["get"] = operation("Count " + name + " matching a where clause", name + ".count",
                                              json::array({where_parameter()}),
                                              {{"200", ok(count_schema(), "The number of matching records")},
                                               {"400", bad_filter}});
    paths[base + "/findOne"]["get"] = operation("The first " + title + " record matching a filter", name + ".findOne",
                                                json::array({filter_parameter()}),
                                                {{"200", ok(record, "The first matching record")},
                                                 {"400", bad_filter},
                                                 {"404", error_response("MODEL_NOT_FOUND: nothing matches")}});

    std::string item = base + "/{id}";
    paths[item]["get"] = operation("One " + title + " record by id", name + ".findById",
                                   json::array({id_parameter(), filter_parameter()}),
                                   {{"200", ok(record, "The record")}, {"400", bad_filter}, {"404", not_found}});
    paths[item]["put"] = operation("Replace a " + title + " record", name + ".replaceById", json::array({id_parameter()}),
                                   {{"200", ok(record, "The replaced record")},
                                    {"400", bad_body},
                                    {"404", error_response("Could not replace: no record has this id")},
                                    {"415", media},
                                    {"503", persist}});
    paths[item]["put"]["requestBody"] = write_body(writable);
    paths[item + "/replace"]["post"] = paths[item]["put"];
    paths[item + "/replace"]["post"]["operationId"] = name + ".replaceById__post";
    paths[item]["patch"] = operation("Change some properties of a " + title + " record", name + ".patchAttributes",
                                     json::array({id_parameter()}),
                                     {{"200", ok(record, "The updated record")},
                                      {"400", bad_body},
                                      {"404", not_found},
                                      {"415", media},
                                      {"503", persist}});
    paths[item]["patch"]["requestBody"] = write_body(writable);
    paths[item]["delete"] = operation("Delete a " + title + " record", name + ".deleteById", json::array({id_parameter()}),
                                      {{"200", ok(count_schema(), "{\"count\":1} when deleted, {\"count\":0} when absent")},
                                       {"503", persist}});
    paths[item + "/exists"]["get"] = operation(
        "Whether a " + title + " record exists", name + ".exists", json::array({id_parameter()}),
        {{"200", ok({{"type", "object"}, {"properties", {{"exists", {{"type", "boolean"}}}}}, {"required", {"exists"}}},
                    "{\"exists\":true} or {\"exists\":false}")}});
  }
  return paths;
}

}  // namespace swapi::server
