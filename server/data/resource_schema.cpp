#include "server/data/resource_schema.h"

#include <array>

namespace swapi::server {

namespace {

using K = FieldKind;

constexpr std::string_view kCreated = "The ISO 8601 date and time at which this record was created.";
constexpr std::string_view kEdited = "The ISO 8601 date and time at which this record was last edited.";
constexpr std::string_view kFilms = "URLs of the films this record appears in.";

constexpr FieldSpec kFilmFields[] = {
    {"title", K::text, "The title of this film."},
    {"episode_id", K::integer, "The number of this film's episode in the saga."},
    {"opening_crawl", K::text, "A one-sentence synopsis of this film."},
    {"director", K::text, "The name of this film's director."},
    {"producer", K::text, "The names of this film's producers, comma separated."},
    {"release_date", K::text, "The ISO 8601 date on which this film was released in its country of origin."},
    {"characters", K::link_list, "URLs of the people who appear in this film."},
    {"planets", K::link_list, "URLs of the planets seen in this film."},
    {"starships", K::link_list, "URLs of the starships seen in this film."},
    {"vehicles", K::link_list, "URLs of the vehicles seen in this film."},
    {"species", K::link_list, "URLs of the species seen in this film."},
    {"created", K::text, kCreated},
    {"edited", K::text, kEdited},
};

constexpr FieldSpec kPeopleFields[] = {
    {"name", K::text, "The name of this person."},
    {"height", K::text, "This person's height in centimetres."},
    {"mass", K::text, "This person's mass in kilograms."},
    {"hair_color", K::text, "This person's hair colour: \"unknown\" or \"n/a\" when it has none."},
    {"skin_color", K::text, "This person's skin colour."},
    {"eye_color", K::text, "This person's eye colour: \"unknown\" when not known."},
    {"birth_year", K::text, "This person's birth year, BBY or ABY (before or after the Battle of Yavin)."},
    {"gender", K::text, "This person's gender: \"male\", \"female\", \"unknown\" or \"n/a\"."},
    {"homeworld", K::link, "URL of the planet this person was born on or inhabits."},
    {"films", K::link_list, kFilms},
    {"species", K::link_list, "URLs of the species this person belongs to."},
    {"vehicles", K::link_list, "URLs of the vehicles this person has piloted."},
    {"starships", K::link_list, "URLs of the starships this person has piloted."},
    {"created", K::text, kCreated},
    {"edited", K::text, kEdited},
};

constexpr FieldSpec kPlanetFields[] = {
    {"name", K::text, "The name of this planet."},
    {"rotation_period", K::text, "The number of standard hours this planet takes to turn once on its axis."},
    {"orbital_period", K::text, "The number of standard days this planet takes to orbit its star."},
    {"diameter", K::text, "This planet's diameter in kilometres."},
    {"climate", K::text, "This planet's climates, comma separated."},
    {"gravity", K::text, "This planet's gravity, where \"1\" is standard G."},
    {"terrain", K::text, "This planet's terrains, comma separated."},
    {"surface_water", K::text, "The percentage of this planet's surface that is water."},
    {"population", K::text, "The average population of sentient beings on this planet."},
    {"residents", K::link_list, "URLs of the people who live on this planet."},
    {"films", K::link_list, kFilms},
    {"created", K::text, kCreated},
    {"edited", K::text, kEdited},
};

constexpr FieldSpec kSpeciesFields[] = {
    {"name", K::text, "The name of this species."},
    {"classification", K::text, "This species' classification, such as \"mammal\" or \"reptile\"."},
    {"designation", K::text, "This species' designation, such as \"sentient\"."},
    {"average_height", K::text, "The average height of this species in centimetres."},
    {"skin_colors", K::text, "Skin colours common in this species, comma separated."},
    {"hair_colors", K::text, "Hair colours common in this species, comma separated."},
    {"eye_colors", K::text, "Eye colours common in this species, comma separated."},
    {"average_lifespan", K::text, "The average lifespan of this species in years."},
    {"homeworld", K::link, "URL of the planet this species comes from, or null."},
    {"language", K::text, "The language this species commonly speaks."},
    {"people", K::link_list, "URLs of the people of this species."},
    {"films", K::link_list, kFilms},
    {"created", K::text, kCreated},
    {"edited", K::text, kEdited},
};

// Fields starships and vehicles share, in swapi.dev's order up to "consumables".
#define SWAPI_CRAFT_FIELDS(what)                                                                   \
  {"name", K::text, "The name of this " what "."},                                                 \
      {"model", K::text, "The model or official name of this " what "."},                          \
      {"manufacturer", K::text, "The manufacturers of this " what ", comma separated."},           \
      {"cost_in_credits", K::text, "The cost of this " what " new, in Galactic Credits."},         \
      {"length", K::text, "The length of this " what " in metres."},                               \
      {"max_atmosphering_speed", K::text, "The top speed of this " what " in atmosphere."},        \
      {"crew", K::text, "The number of personnel needed to run or pilot this " what "."},          \
      {"passengers", K::text, "The number of non-essential people this " what " can carry."},      \
      {"cargo_capacity", K::text, "The kilograms of cargo this " what " can carry."},              \
      {"consumables", K::text, "How long this " what " can supply its crew without resupplying."}

constexpr FieldSpec kStarshipFields[] = {
    SWAPI_CRAFT_FIELDS("starship"),
    {"hyperdrive_rating", K::text, "The class of this starship's hyperdrive."},
    {"MGLT", K::text, "Megalights per hour: the distance this starship travels in a standard hour."},
    {"starship_class", K::text, "The class of this starship, such as \"Starfighter\"."},
    {"pilots", K::link_list, "URLs of the people who have piloted this starship."},
    {"films", K::link_list, kFilms},
    {"created", K::text, kCreated},
    {"edited", K::text, kEdited},
};

constexpr FieldSpec kVehicleFields[] = {
    SWAPI_CRAFT_FIELDS("vehicle"),
    {"vehicle_class", K::text, "The class of this vehicle, such as \"wheeled\" or \"repulsorcraft\"."},
    {"pilots", K::link_list, "URLs of the people who have piloted this vehicle."},
    {"films", K::link_list, kFilms},
    {"created", K::text, kCreated},
    {"edited", K::text, kEdited},
};
#undef SWAPI_CRAFT_FIELDS

constexpr std::string_view kSearchTitle[] = {"title"};
constexpr std::string_view kSearchName[] = {"name"};
constexpr std::string_view kSearchNameModel[] = {"name", "model"};

constexpr std::array<ResourceSchema, 6> kSchemas = {{
    {"films", "Film", "A Star Wars film.", kFilmFields, kSearchTitle},
    {"people", "People", "A person or character within the Star Wars universe.", kPeopleFields, kSearchName},
    {"planets", "Planet", "A planet or large mass within the Star Wars universe.", kPlanetFields, kSearchName},
    {"species", "Species", "A species of people or creatures within the Star Wars universe.", kSpeciesFields, kSearchName},
    {"starships", "Starship", "A starship: a transport craft with hyperdrive capability.", kStarshipFields, kSearchNameModel},
    {"vehicles", "Vehicle", "A vehicle: a transport craft without hyperdrive capability.", kVehicleFields, kSearchNameModel},
}};

nlohmann::json property_schema(const FieldSpec& field) {
  switch (field.kind) {
    case FieldKind::integer:
      return {{"type", "integer"}, {"description", field.description}};
    case FieldKind::link:
      return {{"type", {"string", "null"}}, {"format", "uri"}, {"description", field.description}};
    case FieldKind::link_list:
      return {{"type", "array"}, {"items", {{"type", "string"}, {"format", "uri"}}}, {"description", field.description}};
    case FieldKind::text:
      break;
  }
  nlohmann::json text = {{"type", "string"}, {"description", field.description}};
  if (field.name == "created" || field.name == "edited") text["format"] = "date-time";
  if (field.name == "release_date") text["format"] = "date";
  return text;
}

}  // namespace

std::span<const ResourceSchema> resource_schemas() { return kSchemas; }

const ResourceSchema* find_resource_schema(std::string_view resource) {
  for (const auto& schema : kSchemas) {
    if (schema.name == resource) return &schema;
  }
  return nullptr;
}

const FieldSpec* find_field(const ResourceSchema& schema, std::string_view field) {
  for (const auto& spec : schema.fields) {
    if (spec.name == field) return &spec;
  }
  return nullptr;
}

nlohmann::json json_schema(const ResourceSchema& schema) {
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const auto& field : schema.fields) {
    properties[std::string(field.name)] = property_schema(field);
    required.push_back(field.name);
  }
  properties["url"] = {{"type", "string"}, {"format", "uri"}, {"description", "The URL of this record."}};
  required.push_back("url");
  return {
      {"$schema", "http://json-schema.org/draft-04/schema"},
      {"title", schema.title},
      {"description", schema.description},
      {"type", "object"},
      {"properties", properties},
      {"required", required},
  };
}

nlohmann::json openapi_record_schema(const ResourceSchema& schema) {
  nlohmann::json record = json_schema(schema);
  record.erase("$schema");
  for (auto& [name, property] : record["properties"].items()) {
    if (property["type"].is_array()) {
      property["type"] = "string";
      property["nullable"] = true;
    }
  }
  return record;
}

}  // namespace swapi::server
