#pragma once
// Evaluating a parsed LoopBack filter (server/loopback_filter.h) over the store's records:
// where, order, skip/limit and fields. Pure functions, no HTTP.
//
// Comparison rules (LoopBack compares per declared property type; SWAPI keeps numbers such as
// height and population as strings — "172", "unknown", "1000000000" — so a type-blind rule
// has to stand in for the model's types):
//  - When the operand is a number or a numeric string (digits with an optional leading "-",
//    fraction and exponent: "172", "-3.5", "1e3"; not "1,000" nor " 7"), the comparison is
//    numeric, and a value that is neither ("unknown", "n/a") does not match:
//    {"height":{"gt":180}} and {"height":{"gt":"180"}} (the bracket form only sends strings)
//    both find "202" and skip "96" and "unknown".
//  - Otherwise a string operand compares byte-wise with string values (as JavaScript's <),
//    and other values do not match.
//  - Equality is loose as in LoopBack's memory connector: numbers and numeric strings are
//    equal when their values are (1, "1", "1.0"), true equals "true", strings exactly.
//  - null (or a missing property) equals only null; neq/nin/nlike/nilike match a missing
//    property, gt/lt/like... never do.
//  - A property holding an array (films.characters) matches when ANY element matches; the
//    negated operators (neq, nin, nlike, nilike) match when NO element matches the positive
//    one (as MongoDB, so {"characters":{"neq":X}} means "X is not among them").
//  - like/nlike/ilike/nilike patterns are searched for anywhere in the value, as LoopBack's
//    memory connector (it turns the pattern into a RegExp and tests it): '%' any run of
//    characters, '_' exactly one character (UTF-8 code point), '\' makes the next character
//    literal, every other character is literal; ilike/nilike ignore ASCII case. "Sky%"
//    matches "Luke Skywalker". Matching is linear in the value (like_pattern.h); a pattern
//    longer than kMaxLikePatternLength is refused by the filter parser (400).
//  - regexp: a JavaScript regular expression in LoopBack's string forms, searched for in
//    string values (numbers by their JSON text), on the linear-time engine of regexp_pattern.h.
//  - Link properties hold server-relative paths ("/api/planets/1/", see store.h), so
//    {"homeworld":"/api/planets/1/"} is how to match them.
//  - order uses one total order: missing/null < booleans < numbers (incl. numeric strings)
//    < other strings < arrays/objects; DESC reverses it; ties keep id order.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/data/store.h"
#include "server/loopback/loopback_filter.h"

namespace swapi::server {

// True when `record` satisfies `where` ("id" is the record's id; "a.b" walks into objects).
bool matches(const WhereNode& where, const Record& record);

// A like search (see above), compiling the pattern on each call; filters compile theirs once
// (WhereNode::like). Exposed for tests.
bool like_match(std::string_view pattern, std::string_view value, bool ignore_case);

// The records `filter` selects from `collection`, in order, after skip and limit.
std::vector<const Record*> select_records(const Collection& collection, const Filter& filter);

// How many records satisfy `where`.
std::size_t count_matches(const Collection& collection, const WhereNode& where);

// One record as LoopBack JSON ("id", fields, "url"; links absolute with base_url), reduced to
// the selected properties (in the same order) when `fields` is set. Appended to `out`.
void append_record(std::string& out, const Record& record, const std::optional<FieldSelection>& fields,
                   std::string_view base_url);

// A JSON array of the records.
std::string render_records(const std::vector<const Record*>& records, const std::optional<FieldSelection>& fields,
                           std::string_view base_url);

}  // namespace swapi::server
