#include "jose/strict_json.h"

#include <set>
#include <string>
#include <vector>

#include "base/json_text.h"
#include "jose/error.h"

namespace swapi::jose {
namespace {

// Thrown from inside the parser callback and turned into an Error with the document's name.
struct DuplicateMember {
  std::string name;
};

}  // namespace

nlohmann::json parse_strict_object(std::string_view text, std::string_view what) {
  // One set of member names per object currently open, innermost last.
  std::vector<std::set<std::string>> open_objects;
  auto track_members = [&open_objects](int /*depth*/, nlohmann::json::parse_event_t event,
                                       nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
        open_objects.emplace_back();
        break;
      case Event::object_end:
        open_objects.pop_back();
        break;
      case Event::key:
        if (!open_objects.back().insert(parsed.get<std::string>()).second) {
          throw DuplicateMember{parsed.get<std::string>()};
        }
        break;
      default:
        break;
    }
    return true;
  };

  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text, track_members);
  } catch (const DuplicateMember& duplicate) {
    throw Error(Errc::malformed, std::string(what) + " has a duplicate member \"" +
                                     duplicate.name + "\" (RFC 7515 §5.2)");
  } catch (const nlohmann::json::exception& error) {
    // parse_error, and out_of_range 406 for a number beyond double range (1E400): every
    // library error is this layer's malformed.
    throw Error(Errc::malformed, std::string(what) + " is not valid JSON: " + base::json_error_reason(error));
  }
  if (!document.is_object()) {
    throw Error(Errc::malformed, std::string(what) + " is not a JSON object");
  }
  return document;
}

}  // namespace swapi::jose
