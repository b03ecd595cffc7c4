#include "server/loopback/filter_params.h"

#include <algorithm>

#include "base/json_text.h"

#include "server/loopback/loopback_filter.h"

namespace swapi::server {

namespace {

using nlohmann::json;

// --- bracket form -------------------------------------------------------------------------

// One node of the tree the bracket keys describe, before it becomes JSON.
// Each node carries its own key: a vector of the node's own (incomplete) type is allowed (C++17),
// a vector of pair<key, node> is not, and clang's libstdc++ checks refuse it.
struct BracketNode {
  std::string key;                    // the [key] naming this node in its parent
  std::vector<std::string> values;    // name[a]=v (repeats append)
  std::vector<BracketNode> children;  // name[a][b]=v, in order of appearance
};

bool is_index(std::string_view key) {
  return !key.empty() && key.size() <= 9 && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

BracketNode& child(BracketNode& node, std::string_view key) {
  if (key.empty()) {
    // name[a][]=v appends: the next index after the largest one so far.
    long next = 0;
    for (const auto& existing : node.children) {
      if (is_index(existing.key)) next = std::max(next, std::stol(existing.key) + 1);
    }
    node.children.push_back(BracketNode{std::to_string(next), {}, {}});
    return node.children.back();
  }
  for (auto& existing : node.children) {
    if (existing.key == key) return existing;
  }
  node.children.push_back(BracketNode{std::string(key), {}, {}});
  return node.children.back();
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
    if (segments.size() > static_cast<std::size_t>(kMaxFilterDepth)) require_filter_depth(static_cast<int>(segments.size()));
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
                                 [](const BracketNode& entry) { return is_index(entry.key); });
  if (all_indices) {
    // qs turns {"0": a, "1": b} into [a, b], ordered by index with gaps closed.
    std::vector<const BracketNode*> ordered;
    for (const auto& entry : node.children) ordered.push_back(&entry);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const BracketNode* a, const BracketNode* b) { return std::stol(a->key) < std::stol(b->key); });
    json array = json::array();
    for (const auto* entry : ordered) array.push_back(to_json(*entry, path + "[" + entry->key + "]"));
    return array;
  }
  json object = json::object();
  for (const auto& entry : node.children) object[entry.key] = to_json(entry, path + "[" + entry.key + "]");
  return object;
}

}  // namespace

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
