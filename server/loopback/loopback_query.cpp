#include "server/loopback/loopback_query.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace swapi::server {

namespace {

using nlohmann::json;

// The value of `property` in `record`, or nullptr when it has none. "id" lives outside the
// fields (Record::id), so it is materialised into `id_holder`.
const json* property_value(const Record& record, std::string_view property, json& id_holder) {
  if (property == "id") {
    id_holder = record.id;
    return &id_holder;
  }
  const json* current = &record.fields;
  auto direct = current->find(property);
  if (direct != current->end()) return &*direct;
  // "a.b": a nested property, as LoopBack's dotted paths into object-valued properties.
  while (!property.empty()) {
    if (!current->is_object()) return nullptr;
    auto dot = property.find('.');
    auto name = property.substr(0, dot);
    auto found = current->find(name);
    if (found == current->end()) return nullptr;
    current = &*found;
    property = dot == std::string_view::npos ? std::string_view() : property.substr(dot + 1);
  }
  return current;
}

// Digits with an optional leading '-', fraction and exponent: "172", "-3.5", "1e3".
bool numeric_syntax(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

std::optional<double> numeric(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (!numeric_syntax(text)) return std::nullopt;
  double number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(number)) return std::nullopt;
  return number;
}

// Loose equality of two non-null scalars (see the header).
bool loose_equal(const json& value, const json& operand) {
  auto left = numeric(value), right = numeric(operand);
  if (left && right) return *left == *right;
  if (value.is_string() && operand.is_string()) return value == operand;
  if (value.is_boolean() && operand.is_boolean()) return value == operand;
  auto boolean_text = [](const json& b, const json& s) {
    return b.is_boolean() && s.is_string() && s.get_ref<const std::string&>() == (b.get<bool>() ? "true" : "false");
  };
  return boolean_text(value, operand) || boolean_text(operand, value);
}

// <0, 0, >0; nullopt when the two are not comparable. A numeric operand makes the comparison
// numeric, so {"gt":"180"} (all the bracket form can send) never matches "unknown".
std::optional<int> compare(const json& value, const json& operand) {
  auto right = numeric(operand);
  if (right) {
    auto left = numeric(value);
    if (!left) return std::nullopt;
    return *left < *right ? -1 : (*left > *right ? 1 : 0);
  }
  if (value.is_string() && operand.is_string()) {
    int c = value.get_ref<const std::string&>().compare(operand.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

bool equals(const json* value, const json& operand) {
  if (operand.is_null()) return value == nullptr || value->is_null();
  return value != nullptr && !value->is_null() && loose_equal(*value, operand);
}

bool is_negated(Operator op) {
  return op == Operator::neq || op == Operator::nin || op == Operator::nlike || op == Operator::nilike;
}

// The positive form of each operator, on one (non-array) value; nullptr = missing.
bool positive_test(const WhereNode& node, const json* value) {
  Operator op = node.op;
  const json& operand = node.operand;
  auto ordered = [&](auto predicate) {
    if (value == nullptr) return false;
    auto c = compare(*value, operand);
    return c.has_value() && predicate(*c);
  };
  switch (op) {
    case Operator::eq:
    case Operator::neq:
      return equals(value, operand);
    case Operator::gt: return ordered([](int c) { return c > 0; });
    case Operator::gte: return ordered([](int c) { return c >= 0; });
    case Operator::lt: return ordered([](int c) { return c < 0; });
    case Operator::lte: return ordered([](int c) { return c <= 0; });
    case Operator::between: {
      if (value == nullptr) return false;
      auto low = compare(*value, operand[0]), high = compare(*value, operand[1]);
      return low && high && *low >= 0 && *high <= 0;
    }
    case Operator::inq:
    case Operator::nin:
      return std::any_of(operand.begin(), operand.end(), [value](const json& candidate) { return equals(value, candidate); });
    case Operator::like:
    case Operator::nlike:
    case Operator::ilike:
    case Operator::nilike: {
      if (value == nullptr) return false;
      if (value->is_string()) return node.like->matches(value->get_ref<const std::string&>());
      if (value->is_number()) return node.like->matches(value->dump());
      return false;
    }
    case Operator::regexp: {
      if (value == nullptr) return false;
      if (value->is_string()) return node.regexp->search(value->get_ref<const std::string&>());
      if (value->is_number()) return node.regexp->search(value->dump());
      return false;
    }
  }
  return false;
}

bool test_comparison(const WhereNode& node, const Record& record) {
  json id_holder;
  const json* value = property_value(record, node.property, id_holder);
  bool hit;
  if (value != nullptr && value->is_array()) {
    hit = std::any_of(value->begin(), value->end(),
                      [&node](const json& element) { return positive_test(node, &element); });
  } else {
    hit = positive_test(node, value);
  }
  return is_negated(node.op) ? !hit : hit;
}

// --- order ---------------------------------------------------------------------------------

int rank(const json* value) {
  if (value == nullptr || value->is_null()) return 0;
  if (value->is_boolean()) return 1;
  if (numeric(*value)) return 2;
  if (value->is_string()) return 3;
  return 4;
}

int order_compare(const json* a, const json* b) {
  int rank_a = rank(a), rank_b = rank(b);
  if (rank_a != rank_b) return rank_a < rank_b ? -1 : 1;
  switch (rank_a) {
    case 0: return 0;
    case 1: return static_cast<int>(a->get<bool>()) - static_cast<int>(b->get<bool>());
    case 2: {
      double x = *numeric(*a), y = *numeric(*b);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case 3: return a->get_ref<const std::string&>().compare(b->get_ref<const std::string&>());
    default: return a->dump().compare(b->dump());
  }
}

bool order_before(const Record& a, const Record& b, const std::vector<OrderKey>& keys) {
  for (const auto& key : keys) {
    json holder_a, holder_b;
    int c = order_compare(property_value(a, key.property, holder_a), property_value(b, key.property, holder_b));
    if (c != 0) return key.descending ? c > 0 : c < 0;
  }
  return false;
}

}  // namespace

bool like_match(std::string_view pattern, std::string_view value, bool ignore_case) {
  return LikePattern(pattern, ignore_case).matches(value);
}

bool matches(const WhereNode& where, const Record& record) {
  switch (where.kind) {
    case WhereNode::Kind::all:
      return std::all_of(where.children.begin(), where.children.end(),
                         [&record](const WhereNode& child) { return matches(child, record); });
    case WhereNode::Kind::any:
      return std::any_of(where.children.begin(), where.children.end(),
                         [&record](const WhereNode& child) { return matches(child, record); });
    case WhereNode::Kind::comparison:
      return test_comparison(where, record);
  }
  return false;
}

std::vector<const Record*> select_records(const Collection& collection, const Filter& filter) {
  std::vector<const Record*> selected;
  selected.reserve(collection.records.size());
  for (const auto& record : collection.records) {
    if (matches(filter.where, *record)) selected.push_back(record.get());
  }
  if (!filter.order.empty()) {
    // Stable over id order: equal keys keep ascending ids, as LoopBack's default order.
    std::stable_sort(selected.begin(), selected.end(),
                     [&filter](const Record* a, const Record* b) { return order_before(*a, *b, filter.order); });
  }
  std::size_t first = std::min(filter.skip, selected.size());
  std::size_t last = filter.limit ? first + std::min(*filter.limit, selected.size() - first) : selected.size();
  return {selected.begin() + static_cast<std::ptrdiff_t>(first), selected.begin() + static_cast<std::ptrdiff_t>(last)};
}

std::size_t count_matches(const Collection& collection, const WhereNode& where) {
  return static_cast<std::size_t>(std::count_if(collection.records.begin(), collection.records.end(),
                                                [&where](const RecordPtr& record) { return matches(where, *record); }));
}

void append_record(std::string& out, const Record& record, const std::optional<FieldSelection>& fields,
                   std::string_view base_url) {
  if (!fields) {
    record.loopback_text().append_to(out, base_url);
    return;
  }
  // Rare path: re-read the cached body in its order and keep the selected members.
  auto full = nlohmann::ordered_json::parse(record.loopback_text().render(base_url));
  nlohmann::ordered_json reduced = nlohmann::ordered_json::object();
  for (auto& [name, value] : full.items()) {
    if (fields->shows(name)) reduced[name] = std::move(value);
  }
  out += reduced.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string render_records(const std::vector<const Record*>& records, const std::optional<FieldSelection>& fields,
                           std::string_view base_url) {
  std::string out = "[";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i > 0) out += ',';
    append_record(out, *records[i], fields, base_url);
  }
  out += ']';
  return out;
}

}  // namespace swapi::server
