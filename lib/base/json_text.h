#pragma once
// Parsing JSON that arrives from outside (request bodies, filters, files a user edits) with
// nlohmann, as every layer does it: a bound on nesting, checked before the structure exists,
// and error messages a user can read.
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace swapi::base {

// Why nlohmann refused a text, without its "[json.exception.parse_error.101] " tag: the
// position and reason ("parse error at line 1, column 2: syntax error ...") stay.
std::string json_error_reason(const nlohmann::json::exception& error);

// The text nests containers deeper than parse_json_within_depth allows. what() is
// "nests deeper than N levels", for the caller to put a subject in front of.
struct JsonTooDeep : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// nlohmann::json::parse(text), refusing with JsonTooDeep a document whose objects and arrays
// nest deeper than max_depth. The parser reports a container's depth before it descends, so
// the refusal comes before the structure is built and deep nesting costs nothing; without the
// bound, dumping or destroying a hostile document recurses once per level. Other refusals are
// nlohmann's own (parse_error, or out_of_range for a number such as 1e400).
nlohmann::json parse_json_within_depth(std::string_view text, int max_depth);

}  // namespace swapi::base
