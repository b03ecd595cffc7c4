#pragma once
// Pieces every flavor's OpenAPI 3 path items share (the document itself: server/openapi.cpp).
#include <nlohmann/json.hpp>

namespace swapi::server {

// {"application/json": {"schema": schema}}, an OpenAPI 3 content map.
nlohmann::json json_content(nlohmann::json schema);

// `responses` plus the 401 and 403 every guarded route can answer (DESIGN.md "Token validation
// contract"); the document adds the bearerAuth security requirement when auth is on.
nlohmann::json with_auth_responses(nlohmann::json responses);

}  // namespace swapi::server
