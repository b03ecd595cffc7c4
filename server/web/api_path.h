#pragma once
// The /api paths both flavors route on.
#include <optional>
#include <string_view>
#include <vector>

namespace swapi::server {

// "/api/films/1/" -> {"films", "1"}; "/api", "/api/" -> {}. One trailing slash is optional
// (swapi.dev and LoopBack both accept it); nullopt for an empty segment in the middle
// ("/api//films") or a doubled trailing slash. `path` must start with "/api".
std::optional<std::vector<std::string_view>> api_segments(std::string_view path);

}  // namespace swapi::server
