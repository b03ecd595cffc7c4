#include "base/json_text.h"

namespace swapi::base {

std::string json_error_reason(const nlohmann::json::exception& error) {
  std::string_view message = error.what();
  if (auto tag_end = message.find("] "); message.starts_with("[json.exception.") && tag_end != message.npos)
    message.remove_prefix(tag_end + 2);
  return std::string(message);
}

nlohmann::json parse_json_within_depth(std::string_view text, int max_depth) {
  using nlohmann::json;
  json::parser_callback_t limit_depth = [max_depth](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= max_depth)
      throw JsonTooDeep("nests deeper than " + std::to_string(max_depth) + " levels");
    return true;
  };
  return json::parse(text.begin(), text.end(), limit_depth);
}

}  // namespace swapi::base
