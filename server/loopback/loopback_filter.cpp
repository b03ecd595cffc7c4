#include "base/json_text.h"
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
constexpr std::array<OperatorName, 13> kOperators = {{
    {"eq", Operator::eq}, {"neq", Operator::neq}, {"gt", Operator::gt}, {"gte", Operator::gte},
    {"lt", Operator::lt}, {"lte", Operator::lte}, {"between", Operator::between},
    {"inq", Operator::inq}, {"nin", Operator::nin}, {"like", Operator::like},
    {"nlike", Operator::nlike}, {"ilike", Operator::ilike}, {"nilike", Operator::nilike},
}};
constexpr std::string_view kOperatorList = "gt, gte, lt, lte, between, inq, nin, neq, like, nlike, ilike, nilike";

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

// A JSON value as it appears in an error message, shortened so an error stays one line.
std::string shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

bool is_scalar(const json& value) { return value.is_string() || value.is_number() || value.is_boolean() || value.is_null(); }

void require_depth(int depth) {
  if (depth > kMaxFilterDepth)
    throw FilterError("the filter nests deeper than " + std::to_string(kMaxFilterDepth) + " levels");
}

// A non-negative integer from JSON: a number, or a string of digits (the bracket form and
// LoopBack's string coercion). Up to 2^53 so a double round-trips exactly.
std::size_t non_negative_integer(const json& value, std::string_view name) {
  constexpr std::uint64_t kMax = std::uint64_t{1} << 53;
  std::string why = std::string(name) + " must be a non-negative integer, not " + shown(value);
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
      if (!is_scalar(value)) throw FilterError(where + " needs a string, number, boolean or null, not " + shown(value));
      return value;
    case Operator::gt:
    case Operator::gte:
    case Operator::lt:
    case Operator::lte:
      if (!comparable(value)) throw FilterError(where + " needs a number or a string, not " + shown(value));
      return value;
    case Operator::between:
      if (!value.is_array() || value.size() != 2 || !comparable(value[0]) || !comparable(value[1]))
        throw FilterError(where + " needs an array of two numbers or strings [low, high], not " + shown(value));
      return value;
    case Operator::inq:
    case Operator::nin: {
      // A single value is a list of one: the bracket form cannot tell one from many.
      json list = value.is_array() ? value : json::array({value});
      for (const auto& element : list) {
        if (!is_scalar(element))
          throw FilterError(where + " needs an array of strings, numbers, booleans or null, not " + shown(value));
      }
      return list;
    }
    case Operator::like:
    case Operator::nlike:
    case Operator::ilike:
    case Operator::nilike:
      if (!value.is_string()) throw FilterError(where + " needs a pattern string, not " + shown(value));
      // Bounds the matcher's work per value character (like_pattern.h).
      if (LikePattern::length(value.get_ref<const std::string&>()) > kMaxLikePatternLength)
        throw FilterError(where + " is a pattern longer than " + std::to_string(kMaxLikePatternLength) + " characters");
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
  return node;
}

// {"gt": 1, "lt": 5}: one comparison per operator, all of which must hold.
void add_operator_conditions(WhereNode& all, const std::string& property, const json& conditions) {
  if (conditions.empty()) throw FilterError("the condition for " + in_quotes(property) + " is an empty object");
  for (const auto& [key, value] : conditions.items()) {
    if (key == "regexp" || key == "near")
      throw FilterError("the operator " + in_quotes(key) + " is not supported by this server");
    auto found = std::find_if(kOperators.begin(), kOperators.end(), [&key](const OperatorName& entry) { return entry.name == key; });
    if (found == kOperators.end())
      throw FilterError("unknown operator " + in_quotes(key) + " for " + in_quotes(property) + " (expected one of " +
                        std::string(kOperatorList) + ")");
    all.children.push_back(comparison(property, found->op, checked_operand(property, found->op, value)));
  }
}

WhereNode parse_where_at(const json& where, int depth) {
  require_depth(depth);
  if (!where.is_object()) throw FilterError(std::string("where must be a JSON object, not ") + shown(where));
  WhereNode all;
  for (const auto& [key, value] : where.items()) {
    if (key == "and" || key == "or") {
      if (!value.is_array()) throw FilterError(in_quotes(key) + " needs an array of where objects, not " + shown(value));
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
      if (!element.is_string()) throw FilterError("order entries must be strings such as \"name DESC\", not " + shown(element));
      add_order_keys(keys, element.get_ref<const std::string&>());
    }
  } else {
    throw FilterError("order must be a string such as \"name DESC\" or an array of them, not " + shown(order));
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
  throw FilterError("fields." + property + " must be true or false, not " + shown(flag));
}

std::optional<FieldSelection> parse_fields(const json& fields) {
  FieldSelection selection;
  if (fields.is_string()) {
    selection.include.push_back(fields.get<std::string>());
  } else if (fields.is_array()) {
    for (const auto& element : fields) {
      if (!element.is_string()) throw FilterError("fields entries must be property names, not " + shown(element));
      selection.include.push_back(element.get<std::string>());
    }
  } else if (fields.is_object()) {
    for (const auto& [property, flag] : fields.items()) {
      (field_flag(property, flag) ? selection.include : selection.exclude).push_back(property);
    }
  } else {
    throw FilterError("fields must be an object {\"name\": true} or an array of property names, not " + shown(fields));
  }
  if (selection.include.empty() && selection.exclude.empty()) return std::nullopt;  // [] or {}: everything
  return selection;
}

// --- bracket form -------------------------------------------------------------------------

// One node of the tree the bracket keys describe, before it becomes JSON.
struct BracketNode {
  std::vector<std::string> values;                               // name[a]=v (repeats append)
  std::vector<std::pair<std::string, BracketNode>> children;     // name[a][b]=v, in order of appearance
};

bool is_index(std::string_view key) {
  return !key.empty() && key.size() <= 9 && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

BracketNode& child(BracketNode& node, std::string_view key) {
  if (key.empty()) {
    // name[a][]=v appends: the next index after the largest one so far.
    long next = 0;
    for (const auto& [existing, ignored] : node.children) {
      if (is_index(existing)) next = std::max(next, std::stol(existing) + 1);
    }
    node.children.emplace_back(std::to_string(next), BracketNode{});
    return node.children.back().second;
  }
  for (auto& [existing, subtree] : node.children) {
    if (existing == key) return subtree;
  }
  node.children.emplace_back(std::string(key), BracketNode{});
  return node.children.back().second;
}

// "[where][name]" -> {"where", "name"}; a FilterError for anything else.
std::vector<std::string_view> bracket_segments(std::string_view full_key, std::string_view rest) {
  std::vector<std::string_view> segments;
  while (!rest.empty()) {
    auto close = rest.find(']');
    if (rest.front() != '[' || close == std::string_view::npos)
      throw FilterError("the query parameter " + in_quotes(full_key) + " is not of the form name[key][key]...");
    segments.push_back(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (segments.size() > static_cast<std::size_t>(kMaxFilterDepth)) require_depth(static_cast<int>(segments.size()));
  }
  return segments;
}

json to_json(const BracketNode& node, const std::string& path) {
  if (!node.values.empty() && !node.children.empty())
    throw FilterError(path + " is given both as a value and with [sub-keys]");
  if (node.children.empty()) {
    if (node.values.size() == 1) return node.values.front();
    return json(node.values);
  }
  bool all_indices = std::all_of(node.children.begin(), node.children.end(),
                                 [](const auto& entry) { return is_index(entry.first); });
  if (all_indices) {
    // qs turns {"0": a, "1": b} into [a, b], ordered by index with gaps closed.
    std::vector<const std::pair<std::string, BracketNode>*> ordered;
    for (const auto& entry : node.children) ordered.push_back(&entry);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto* a, const auto* b) { return std::stol(a->first) < std::stol(b->first); });
    json array = json::array();
    for (const auto* entry : ordered) array.push_back(to_json(entry->second, path + "[" + entry->first + "]"));
    return array;
  }
  json object = json::object();
  for (const auto& [key, subtree] : node.children) object[key] = to_json(subtree, path + "[" + key + "]");
  return object;
}

}  // namespace

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

WhereNode parse_where(const json& where) { return parse_where_at(where, 1); }

Filter parse_filter(const json& filter) {
  if (!filter.is_object()) throw FilterError(std::string("filter must be a JSON object, not ") + shown(filter));
  Filter result;
  bool has_skip = false;
  for (const auto& [key, value] : filter.items()) {
    if (value.is_null()) continue;  // {"limit": null} is no limit, as in LoopBack
    if (key == "where") {
      result.where = parse_where_at(value, 2);
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

json parse_filter_text(std::string_view text, std::string_view name) {
  if (text.size() > kMaxFilterBytes)
    throw FilterError(std::string(name) + " is " + std::to_string(text.size()) + " bytes long, more than the " +
                      std::to_string(kMaxFilterBytes) + " allowed");
  try {
    return base::parse_json_within_depth(text, kMaxFilterDepth);
  } catch (const json::exception& error) {
    throw FilterError(std::string(name) + " is not valid JSON: " + base::json_error_reason(error));
  } catch (const base::JsonTooDeep& error) {
    throw FilterError(std::string("the filter ") + error.what());
  }
}

std::optional<json> query_parameter_json(const std::multimap<std::string, std::string>& params, std::string_view name) {
  std::optional<std::string> text;
  BracketNode root;
  bool bracketed = false;
  std::size_t bracket_bytes = 0;
  for (const auto& [key, value] : params) {
    if (key == name) {
      if (text) throw FilterError(std::string(name) + " is given more than once");
      text = value;
      continue;
    }
    if (!key.starts_with(name) || key.size() == name.size() || key[name.size()] != '[') continue;
    bracket_bytes += key.size() + value.size() + 2;
    if (bracket_bytes > kMaxFilterBytes)
      throw FilterError(std::string(name) + "[...] parameters are more than the " + std::to_string(kMaxFilterBytes) +
                        " bytes allowed");
    bracketed = true;
    BracketNode* node = &root;
    for (auto segment : bracket_segments(key, std::string_view(key).substr(name.size()))) node = &child(*node, segment);
    node->values.push_back(value);
  }
  if (text && bracketed) throw FilterError("give " + std::string(name) + " either as JSON or in bracket form, not both");
  if (text) {
    if (text->empty()) return std::nullopt;  // ?filter= : no filter
    return parse_filter_text(*text, name);
  }
  if (bracketed) return to_json(root, std::string(name));
  return std::nullopt;
}

}  // namespace swapi::server
