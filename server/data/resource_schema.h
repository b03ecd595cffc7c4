#pragma once
// What each SWAPI resource looks like: its fields in swapi.dev's order, which of them are
// links, which fields ?search= matches, and the JSON schema served at /api/{res}/schema.
// One table, used by the store (link rendering, field order), both flavors and /openapi.json.
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

namespace swapi::server {

enum class FieldKind {
  text,       // a string (swapi.dev keeps numbers such as height as strings: "172", "unknown")
  integer,    // films.episode_id
  link,       // one "/api/<res>/<id>/" path, or null (species.homeworld of droids)
  link_list,  // an array of such paths
};

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
  std::string_view description;
};

struct ResourceSchema {
  std::string_view name;         // "people"
  std::string_view title;        // "People"
  std::string_view description;  // one sentence
  std::span<const FieldSpec> fields;           // swapi.dev's order, without "url"
  std::span<const std::string_view> search_fields;  // swapi.dev's ?search= fields
};

// The six resources, in the order of Store::resources().
std::span<const ResourceSchema> resource_schemas();
// nullptr for an unknown resource.
const ResourceSchema* find_resource_schema(std::string_view resource);
// nullptr when `field` is not one of the resource's known fields.
const FieldSpec* find_field(const ResourceSchema& schema, std::string_view field);

// A JSON Schema (draft-04, as swapi.dev serves) of one record as the swapi flavor renders it:
// {"$schema","title","description","type":"object","properties":{...},"required":[...]}.
nlohmann::json json_schema(const ResourceSchema& schema);
// The same as an OpenAPI 3.0 schema object, which has no "$schema" and no type arrays
// ("nullable" instead).
nlohmann::json openapi_record_schema(const ResourceSchema& schema);

}  // namespace swapi::server
