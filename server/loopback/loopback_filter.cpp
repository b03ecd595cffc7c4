#include "server/loopback/loopback_filter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace swapi::server {

namespace {

using nlohmann::json;

struct OperatorName {
  std::string_view name;
  Operator op;
};
constexpr std::array<OperatorName, 14> kOperators = {{
    {"eq", Operator::eq}, {"neq", Operator::neq}, {"gt", Operator::gt}, {"gte", Operator::gte},
    {"lt", Operator::lt}, {"lte", Operator::lte}, {"between", Operator::between},
    {"inq", Operator::inq}, {"nin", Operator::nin}, {"like", Operator::like},
    {"nlike", Operator::nlike}, {"ilike", Operator::ilike}, {"nilike", Operator::nilike},
    {"regexp", Operator::regexp},
}};
constexpr std::string_view kOperatorList =
    "gt, gte, lt, lte, between, inq, nin, neq, like, nlike, ilike, nilike, regexp";

bool is_scalar(const json& value) { return value.is_string() || value.is_number() || value.is_boolean() || value.is_null(); }

// A non-negative integer from JSON: a number, or a string of digits (the bracket form and
// LoopBack's string coercion). Up to 2^53 so a double round-trips exactly.
std::size_t non_negative_integer(const json& value, std::string_view name) {
  constexpr std::uint64_t kMax = std::uint64_t{1} << 53;
  std::string why = std::string(name) + " must be a non-negative integer, not " + shown_json(value);
  if (value.is_number_unsigned()) {
    auto number = value.get<std::uint64_t>();
    if (number <= kMax) return static_cast<std::size_t>(number);
  } else if (value.is_number_integer()) {
    auto number = value.get<std::int64_t>();
    if (number >= 0 && static_cast<std::uint64_t>(number) <= kMax) return static_cast<std::size_t>(number);
  } else if (value.is_number_float()) {
    double number = value.get<double>();
    if (number >= 0 && number <= static_cast<double>(kMax) && number == static_cast<double>(static_cast<std::uint64_t>(number)))
      return static_cast<std::size_t>(number);
  } else if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    std::uint64_t number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (!text.empty() && error == std::errc() && end == text.data() + text.size() && number <= kMax)
      return static_cast<std::size_t>(number);
  }
  throw FilterError(why);
}

void require_property_name(std::string_view property) {
  if (property.empty()) throw FilterError("a property name in where is empty");
}

// The operand each operator takes; the messages name the property and the operator.
json checked_operand(std::string_view property, Operator op, const json& value) {
  std::string where = "\"" + std::string(operator_name(op)) + "\" for " + in_quotes(property);
  auto comparable = [](const json& v) { return v.is_string() || v.is_number(); };
  switch (op) {
    case Operator::eq:
    case Operator::neq:
      if (!is_scalar(value)) throw FilterError(where + " needs a string, number, boolean or null, not " + shown_json(value));
      return value;
    case Operator::gt:
    case Operator::gte:
    case Operator::lt:
    case Operator::lte:
      if (!comparable(value)) throw FilterError(where + " needs a number or a string, not " + shown_json(value));
      return value;
    case Operator::between:
      if (!value.is_array() || value.size() != 2 || !comparable(value[0]) || !comparable(value[1]))
        throw FilterError(where + " needs an array of two numbers or strings [low, high], not " + shown_json(value));
      return value;
    case Operator::inq:
    case Operator::nin: {
      // A single value is a list of one: the bracket form cannot tell one from many.
      json list = value.is_array() ? value : json::array({value});
      for (const auto& element : list) {
        if (!is_scalar(element))
          throw FilterError(where + " needs an array of strings, numbers, booleans or null, not " + shown_json(value));
      }
      return list;
    }
    case Operator::like:
    case Operator::nlike:
    case Operator::ilike:
    case Operator::nilike:
      if (!value.is_string()) throw FilterError(where + " needs a pattern string, not " + shown_json(value));
      // Bounds the matcher's work per value character (like_pattern.h).
      if (LikePattern::length(value.get_ref<const std::string&>()) > kMaxLikePatternLength)
        throw FilterError(where + " is a pattern longer than " + std::to_string(kMaxLikePatternLength) + " characters");
      return value;
    case Operator::regexp:
      if (!value.is_string())
        throw FilterError(where + " needs a regular expression string such as \"^Dar\" or \"/sky/i\", not " +
                          shown_json(value));
      return value;
  }
  return value;
}

WhereNode comparison(std::string property, Operator op, json operand) {
  WhereNode node;
  node.kind = WhereNode::Kind::comparison;
  node.property = std::move(property);
  node.op = op;
  node.operand = std::move(operand);
  if (op == Operator::like || op == Operator::nlike || op == Operator::ilike || op == Operator::nilike)
    node.like = std::make_shared<const LikePattern>(node.operand.get_ref<const std::string&>(),
                                                    op == Operator::ilike || op == Operator::nilike);
  if (op == Operator::regexp) {
    try {
      node.regexp = std::make_shared<const RegexpPattern>(
          RegexpPattern::from_loopback(node.operand.get_ref<const std::string&>()));
    } catch (const RegexpError& error) {
      throw FilterError("\"regexp\" for " + in_quotes(node.property) + ": " + error.what());
    }
  }
  return node;
}

// {"gt": 1, "lt": 5}: one comparison per operator, all of which must hold.
void add_operator_conditions(WhereNode& all, const std::string& property, const json& conditions) {
  if (conditions.empty()) throw FilterError("the condition for " + in_quotes(property) + " is an empty object");
  // Not a structured binding: C++20 lets a lambda capture one, clang 14 does not.
  for (const auto& item : conditions.items()) {
    const std::string& key = item.key();
    const json& value = item.value();
    if (key == "near")
      throw FilterError("the operator " + in_quotes(key) + " is not supported by this server");
    auto found = std::find_if(kOperators.begin(), kOperators.end(), [&key](const OperatorName& entry) { return entry.name == key; });
    if (found == kOperators.end())
      throw FilterError("unknown operator " + in_quotes(key) + " for " + in_quotes(property) + " (expected one of " +
                        std::string(kOperatorList) + ")");
    all.children.push_back(comparison(property, found->op, checked_operand(property, found->op, value)));
  }
}

WhereNode parse_where_at(const json& where, int depth) {
  require_filter_depth(depth);
  if (!where.is_object()) throw FilterError(std::string("where must be a JSON object, not ") + shown_json(where));
  WhereNode all;
  for (const auto& [key, value] : where.items()) {
    if (key == "and" || key == "or") {
      if (!value.is_array()) throw FilterError(in_quotes(key) + " needs an array of where objects, not " + shown_json(value));
      WhereNode group;
      group.kind = key == "and" ? WhereNode::Kind::all : WhereNode::Kind::any;
      for (const auto& element : value) group.children.push_back(parse_where_at(element, depth + 1));
      all.children.push_back(std::move(group));
      continue;
    }
    require_property_name(key);
    if (value.is_object()) {
      add_operator_conditions(all, key, value);
    } else if (value.is_array()) {
      throw FilterError("the condition for " + in_quotes(key) + " is an array; to match any of several values use {\"inq\": [...]}");
    } else {
      all.children.push_back(comparison(key, Operator::eq, value));
    }
  }
  if (all.children.size() == 1) {
    WhereNode only = std::move(all.children.front());
    return only;
  }
  return all;
}

std::string upper(std::string_view text) {
  std::string result(text);
  for (auto& c : result) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return result;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// "name DESC, id" -> two keys, as LoopBack's DataAccessObject._normalize splits order strings.
void add_order_keys(std::vector<OrderKey>& keys, std::string_view text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto token = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    auto words = split_words(token);
    if (words.size() > 2)
      throw FilterError("order " + in_quotes(token) + " is not \"<property> [ASC|DESC]\"");
    if (!words.empty()) {
      OrderKey key{std::string(words[0]), false};
      if (words.size() == 2) {
        auto direction = upper(words[1]);
        if (direction != "ASC" && direction != "DESC")
          throw FilterError("order " + in_quotes(token) + " has an invalid direction " + in_quotes(words[1]) + " (expected ASC or DESC)");
        key.descending = direction == "DESC";
      }
      keys.push_back(std::move(key));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

std::vector<OrderKey> parse_order(const json& order) {
  std::vector<OrderKey> keys;
  if (order.is_string()) {
    add_order_keys(keys, order.get_ref<const std::string&>());
  } else if (order.is_array()) {
    for (const auto& element : order) {
      if (!element.is_string()) throw FilterError("order entries must be strings such as \"name DESC\", not " + shown_json(element));
      add_order_keys(keys, element.get_ref<const std::string&>());
    }
  } else {
    throw FilterError("order must be a string such as \"name DESC\" or an array of them, not " + shown_json(order));
  }
  return keys;
}

// true/false, and their spellings in the bracket form ("true", "1") or as numbers.
bool field_flag(const std::string& property, const json& flag) {
  if (flag.is_boolean()) return flag.get<bool>();
  if (flag.is_number_integer() && (flag == 0 || flag == 1)) return flag == 1;
  if (flag.is_string()) {
    const auto& text = flag.get_ref<const std::string&>();
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
  }
  throw FilterError("fields." + property + " must be true or false, not " + shown_json(flag));
}

std::optional<FieldSelection> parse_fields(const json& fields) {
  FieldSelection selection;
  if (fields.is_string()) {
    selection.include.push_back(fields.get<std::string>());
  } else if (fields.is_array()) {
    for (const auto& element : fields) {
      if (!element.is_string()) throw FilterError("fields entries must be property names, not " + shown_json(element));
      selection.include.push_back(element.get<std::string>());
    }
  } else if (fields.is_object()) {
    for (const auto& [property, flag] : fields.items()) {
      (field_flag(property, flag) ? selection.include : selection.exclude).push_back(property);
    }
  } else {
    throw FilterError("fields must be an object {\"name\": true} or an array of property names, not " + shown_json(fields));
  }
  if (selection.include.empty() && selection.exclude.empty()) return std::nullopt;  // [] or {}: everything
  return selection;
}

}  // namespace

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string shown_json(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

void require_filter_depth(int depth) {
  if (depth > kMaxFilterDepth)
    throw FilterError("the filter nests deeper than " + std::to_string(kMaxFilterDepth) + " levels");
}

std::string_view operator_name(Operator op) noexcept {
  for (const auto& entry : kOperators) {
    if (entry.op == op) return entry.name;
  }
  return "?";
}

bool FieldSelection::shows(std::string_view property) const {
  if (!include.empty()) return std::find(include.begin(), include.end(), property) != include.end();
  return std::find(exclude.begin(), exclude.end(), property) == exclude.end();
}

namespace {

std::size_t regexp_states(const WhereNode& node) {
  std::size_t states = node.regexp ? node.regexp->states() : 0;
  for (const auto& child : node.children) states += regexp_states(child);
  return states;
}

// Every regexp clause is run on every value: their sizes together bound a request's work.
WhereNode within_regexp_budget(WhereNode where) {
  if (auto states = regexp_states(where); states > kMaxFilterRegexpStates)
    throw FilterError("the regexp clauses compile to " + std::to_string(states) + " states together, more than the " +
                      std::to_string(kMaxFilterRegexpStates) + " a filter may use");
  return where;
}

}  // namespace

WhereNode parse_where(const json& where) { return within_regexp_budget(parse_where_at(where, 1)); }

Filter parse_filter(const json& filter) {
  if (!filter.is_object()) throw FilterError(std::string("filter must be a JSON object, not ") + shown_json(filter));
  Filter result;
  bool has_skip = false;
  for (const auto& [key, value] : filter.items()) {
    if (value.is_null()) continue;  // {"limit": null} is no limit, as in LoopBack
    if (key == "where") {
      result.where = within_regexp_budget(parse_where_at(value, 2));
    } else if (key == "order") {
      result.order = parse_order(value);
    } else if (key == "limit") {
      std::size_t limit = non_negative_integer(value, "limit");
      if (limit > 0) result.limit = limit;  // LoopBack 3 reads limit 0 as "no limit"
    } else if (key == "skip" || key == "offset") {
      if (has_skip) throw FilterError("give skip or offset, not both");
      has_skip = true;
      result.skip = non_negative_integer(value, key);
    } else if (key == "fields") {
      result.fields = parse_fields(value);
    } else if (key == "include") {
      throw FilterError("include is not supported: these models have no relations");
    } else {
      throw FilterError("unknown filter key " + in_quotes(key) + " (expected where, order, limit, skip, offset or fields)");
    }
  }
  return result;
}

}  // namespace swapi::server
