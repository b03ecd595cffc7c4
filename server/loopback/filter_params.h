#pragma once
// Where a LoopBack filter comes from: the ?filter= / ?where= query parameter, either a JSON
// text (?filter={"limit":5}) or the bracket form the `qs` module parses
// (?filter[where][height][gt]=180). Both become the same nlohmann::json, which
// loopback_filter.h then parses into a Filter. Every mistake is a FilterError (400).
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace swapi::server {

// A JSON text (the ?filter= or ?where= value): at most kMaxFilterBytes, nested at most
// kMaxFilterDepth. `name` is what error messages call it ("filter").
nlohmann::json parse_filter_text(std::string_view text, std::string_view name);

// The query parameter `name` ("filter" or "where") from decoded query parameters, in either
// form: `name=<JSON>` or bracket keys `name[a][b]=v` (qs rules: objects whose keys are all
// indices become arrays in index order, `name[a][]=v` and repeated keys append). Bracket values
// stay strings; the evaluator compares numeric strings as numbers. nullopt when absent.
std::optional<nlohmann::json> query_parameter_json(const std::multimap<std::string, std::string>& params,
                                                   std::string_view name);

}  // namespace swapi::server
