#pragma once
// The JSON body of a LoopBack write (POST, PUT, PATCH): media type, size of nesting, shape, and
// the conversion into the store's form.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/data/record.h"

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

// The request body as a JSON object ready for the store, or nullopt after answering 415 (no or
// another Content-Type) or 400 INVALID_BODY (empty, not JSON, nested deeper than 32 levels,
// not an object). "url" is derived, so a record read and written back loses it; absolute links
// to this server (base_url) become the stored relative form.
std::optional<nlohmann::json> read_body(const httplib::Request& request, httplib::Response& response,
                                        const std::string& resource, std::string_view base_url);

// A positive id from a body's "id": an integer, or a string of digits (LoopBack coerces).
std::optional<RecordId> body_id(const nlohmann::json& value);

}  // namespace swapi::server
