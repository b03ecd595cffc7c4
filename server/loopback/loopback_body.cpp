#include "server/loopback/loopback_body.h"

#include <httplib.h>

#include "base/ascii.h"
#include "base/json_text.h"
#include "server/data/record_id.h"
#include "server/data/resource_schema.h"
#include "server/loopback/loopback_answers.h"
#include "server/web/json_response.h"

namespace swapi::server {

namespace {

using nlohmann::json;

// Write bodies are re-serialised recursively (nlohmann's dump); a body nested deeper than any
// record needs is refused before it can exhaust the stack.
constexpr int kMaxBodyDepth = 32;

// application/json, with parameters (charset) and structured-syntax suffixes (+json) allowed.
bool is_json_media_type(std::string_view content_type) {
  auto media = base::to_lower(base::trim(content_type.substr(0, content_type.find(';'))));
  return media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"));
}

// Absolute links to this server become the stored relative form ("/api/planets/1/").
void relativise_links(json& body, const std::string& resource, std::string_view base) {
  const ResourceSchema* schema = find_resource_schema(resource);
  if (!schema) return;
  auto relative = [base](json& link) {
    if (!link.is_string()) return;
    const auto& text = link.get_ref<const std::string&>();
    if (text.size() > base.size() && text.starts_with(base) && text[base.size()] == '/') link = text.substr(base.size());
  };
  for (const auto& spec : schema->fields) {
    auto found = body.find(spec.name);
    if (found == body.end()) continue;
    if (spec.kind == FieldKind::link) relative(*found);
    if (spec.kind == FieldKind::link_list && found->is_array()) {
      for (auto& link : *found) relative(link);
    }
  }
}

}  // namespace

std::optional<json> read_body(const httplib::Request& request, httplib::Response& response,
                              const std::string& resource, std::string_view base_url) {
  if (!request.has_header("Content-Type")) {
    set_loopback_error(response, 415, "the request has no Content-Type; send a JSON object as application/json",
                       "UNSUPPORTED_MEDIA_TYPE");
    return std::nullopt;
  }
  auto content_type = request.get_header_value("Content-Type");
  if (!is_json_media_type(content_type)) {
    set_loopback_error(response, 415, "Content-Type must be application/json, not \"" + content_type + "\"",
                       "UNSUPPORTED_MEDIA_TYPE");
    return std::nullopt;
  }
  if (request.body.empty()) {
    invalid_body(response, "the request body is empty; send a JSON object");
    return std::nullopt;
  }
  json body;
  try {
    body = base::parse_json_within_depth(request.body, kMaxBodyDepth);
  } catch (const json::exception& error) {
    invalid_body(response, "the request body is not valid JSON: " + base::json_error_reason(error));
    return std::nullopt;
  } catch (const base::JsonTooDeep& error) {
    invalid_body(response, std::string("the request body ") + error.what());
    return std::nullopt;
  }
  if (!body.is_object()) {
    invalid_body(response, std::string("the request body must be a JSON object, not ") + body.type_name());
    return std::nullopt;
  }
  body.erase("url");
  relativise_links(body, resource, base_url);
  return body;
}

// A positive id from a body's "id": an integer, or a string of digits (LoopBack coerces).
std::optional<RecordId> body_id(const json& value) {
  if (value.is_string()) return parse_record_id(value.get_ref<const std::string&>());
  return positive_id(value, kMaxRecordId);
}

}  // namespace swapi::server
