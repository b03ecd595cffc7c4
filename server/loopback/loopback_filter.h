#pragma once
// Parsing LoopBack 3 query filters (https://loopback.io/doc/en/lb3/Querying-data.html) into a
// typed Filter, free of HTTP. A filter arrives either as a JSON string (?filter={"limit":5})
// or in the bracket form the `qs` module parses (?filter[where][height][gt]=180); both become
// the same nlohmann::json and then the same Filter.
//
// Everything a client can get wrong is a FilterError whose message is the precise reason; the
// routes answer it with 400 INVALID_FILTER. Parsing never recurses deeper than
// kMaxFilterDepth and never reads more than kMaxFilterBytes, so a hostile filter costs little.
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/loopback/like_pattern.h"
#include "server/loopback/regexp_pattern.h"

namespace swapi::server {

// A real filter is a few hundred bytes; these caps bound the work a request can cause.
inline constexpr std::size_t kMaxFilterBytes = 4096;
inline constexpr int kMaxFilterDepth = 16;

struct FilterError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// LoopBack 3's where operators, except `near` (geo: these models have no GeoPoint), which is
// refused by name. `regexp` runs on the linear-time engine of regexp_pattern.h.
enum class Operator { eq, neq, gt, gte, lt, lte, between, inq, nin, like, nlike, ilike, nilike, regexp };

std::string_view operator_name(Operator op) noexcept;

struct WhereNode {
  enum class Kind { all, any, comparison };
  Kind kind = Kind::all;             // all with no children: matches every record
  std::vector<WhereNode> children;   // all (and), any (or)
  std::string property;              // comparison: "name", "id", or a dotted path "a.b"
  Operator op = Operator::eq;
  // comparison operand: a scalar; [low, high] for between; an array of scalars for inq/nin;
  // a string for the like family (at most kMaxLikePatternLength code points).
  nlohmann::json operand;
  // The like family and regexp: the operand compiled once per filter, not once per record.
  std::shared_ptr<const LikePattern> like;
  std::shared_ptr<const RegexpPattern> regexp;
};

struct OrderKey {
  std::string property;
  bool descending = false;
};

// Which properties a result shows. LoopBack 3: when any property is marked true, only those
// are shown; otherwise every property except the ones marked false.
struct FieldSelection {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool shows(std::string_view property) const;
};

struct Filter {
  WhereNode where;
  std::vector<OrderKey> order;           // empty: by id ascending
  std::optional<std::size_t> limit;      // nullopt (or 0 given, as LoopBack): no limit
  std::size_t skip = 0;
  std::optional<FieldSelection> fields;  // nullopt: every property
};

// The filter object: {"where","order","limit","skip"|"offset","fields"}. Any other key is a
// FilterError (a typo such as "limt" should not silently return everything).
Filter parse_filter(const nlohmann::json& filter);

// A `where` object, as in a filter or in /count?where=.
WhereNode parse_where(const nlohmann::json& where);

// For error messages: text in double quotes; a JSON value shortened to one line.
std::string in_quotes(std::string_view text);
std::string shown_json(const nlohmann::json& value);

// FilterError when `depth` is past kMaxFilterDepth.
void require_filter_depth(int depth);

}  // namespace swapi::server
