#include "server/auth/auth_policy.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/ascii.h"
#include "base/diagnostic.h"
#include "base/json_text.h"
#include "server/auth/request_guard.h"  // is_guarded_path
#include "state/client_registry.h"  // is_scope_token

namespace swapi::server {

namespace {

constexpr std::string_view kApiPrefix = "/api/";

bool is_known_method(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"}) {
    if (method == known) return true;
  }
  return false;
}

bool method_matches(std::string_view rule, std::string_view method) {
  return rule == "*" || rule == method || (rule == "GET" && method == "HEAD");
}

bool path_matches(const PolicyRule& rule, std::string_view path) {
  return rule.prefix ? path.starts_with(rule.path) : path == rule.path;
}

// "/api/films*" -> {"/api/films", prefix}; '*' is allowed only at the end.
bool split_pattern(std::string_view pattern, std::string& path, bool& prefix) {
  prefix = pattern.ends_with('*');
  if (prefix) pattern.remove_suffix(1);
  if (pattern.find('*') != std::string_view::npos) return false;
  path = pattern;
  return true;
}

[[noreturn]] void policy_error(std::string_view source, const std::string& problem) {
  throw base::Diagnostic("serve: --policy", std::string(source) + ": " + problem,
                     R"(expected {"rules":[{"method":"GET","path":"/api/films*","scopes":["read:films"]}, ...]})");
}

PolicyRule parse_rule(const nlohmann::json& item, std::size_t number, std::string_view source) {
  std::string where = "rule " + std::to_string(number);
  if (!item.is_object()) policy_error(source, where + " is not an object");
  for (const auto& [name, value] : item.items()) {
    if (name != "method" && name != "path" && name != "scopes" && name != "public")
      policy_error(source, where + ": unknown member \"" + name + "\" (known: method, path, scopes, public)");
  }
  PolicyRule rule;
  const auto method = item.find("method");
  if (method == item.end() || !method->is_string()) policy_error(source, where + ": \"method\" must be a string");
  rule.method = method->get<std::string>();
  rule.method = base::to_upper(rule.method);
  if (!is_known_method(rule.method))
    policy_error(source, where + ": unknown method \"" + method->get<std::string>() + "\"");

  const auto path = item.find("path");
  if (path == item.end() || !path->is_string() || !path->get<std::string>().starts_with("/"))
    policy_error(source, where + ": \"path\" must be a string starting with /");
  if (!split_pattern(path->get<std::string>(), rule.path, rule.prefix))
    policy_error(source, where + ": '*' may only end a path");

  const auto is_public = item.find("public");
  const auto scopes = item.find("scopes");
  if (is_public != item.end() && !is_public->is_boolean()) policy_error(source, where + ": \"public\" must be true or false");
  bool open = is_public != item.end() && is_public->get<bool>();
  if (open && scopes != item.end()) policy_error(source, where + ": a public rule cannot require scopes");
  if (!open && scopes == item.end()) policy_error(source, where + ": needs \"scopes\" (may be []) or \"public\": true");

  rule.requirement.rule = "policy rule " + std::to_string(number);
  if (open) {
    rule.requirement.kind = Requirement::Kind::open;
    return rule;
  }
  if (!scopes->is_array()) policy_error(source, where + ": \"scopes\" must be an array of strings");
  for (const auto& scope : *scopes) {
    if (!scope.is_string() || !is_scope_token(scope.get<std::string>()))
      policy_error(source, where + ": scope " + scope.dump() + " is not a scope token (RFC 6749 §3.3)");
    rule.requirement.scopes.push_back(scope.get<std::string>());
  }
  rule.requirement.kind = rule.requirement.scopes.empty() ? Requirement::Kind::token : Requirement::Kind::scopes;
  return rule;
}

// A resource name we will put into a scope and a header: plain name characters only.
bool is_resource_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

AuthPolicy::AuthPolicy(const std::vector<std::string>& public_paths) {
  for (const auto& pattern : public_paths) {
    PolicyRule rule;
    rule.method = "*";
    if (!pattern.starts_with("/") || !split_pattern(pattern, rule.path, rule.prefix))
      throw base::Diagnostic("serve: --public", "'" + pattern + "' is not a path",
                         "give an absolute path such as /api/films/1/, or a prefix ending in * such as /api/planets/*");
    if (!is_guarded_path(rule.path))
      throw base::Diagnostic("serve: --public", "'" + pattern + "' is outside " + std::string(kGuardedPrefix) +
                                                ", where every route is public already",
                         "--public opens paths under /api, such as /api/films/1/ or /api/planets/*");
    rule.requirement.kind = Requirement::Kind::open;
    rule.requirement.rule = "--public " + pattern;
    rules_.push_back(std::move(rule));
  }
}

void AuthPolicy::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw base::Diagnostic("serve: --policy", "cannot read " + path, "check the path and permissions");
  std::ostringstream text;
  text << in.rdbuf();
  load_text(text.str(), path);
}

void AuthPolicy::load_text(std::string_view json_text, std::string_view source_name) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& error) {  // parse_error, or out_of_range 406 for 1E400
    policy_error(source_name, "not valid JSON: " + base::json_error_reason(error));
  }
  if (!document.is_object() || !document.contains("rules") || !document["rules"].is_array())
    policy_error(source_name, "the document must be an object with a \"rules\" array");
  for (const auto& [name, value] : document.items()) {
    if (name != "rules") policy_error(source_name, "unknown member \"" + name + "\" (known: rules)");
  }
  std::size_t number = 0;
  for (const auto& item : document["rules"]) {
    PolicyRule rule = parse_rule(item, ++number, source_name);
    // The guard only sees /api: a rule elsewhere would load and never be enforced.
    if (!is_guarded_path(rule.path))
      policy_error(source_name, "rule " + std::to_string(number) + ": path \"" + item["path"].get<std::string>() +
                                    "\" is outside " + std::string(kGuardedPrefix) +
                                    "; rules govern /api routes only (the others are public by design)");
    rules_.push_back(std::move(rule));
  }
}

Requirement AuthPolicy::requirement(std::string_view method, std::string_view path) const {
  for (const auto& rule : rules_) {
    if (method_matches(rule.method, method) && path_matches(rule, path)) return rule.requirement;
  }
  Requirement result;
  result.rule = "default";
  if (!path.starts_with(kApiPrefix) || path.size() == kApiPrefix.size()) {
    result.kind = Requirement::Kind::token;  // /api, /api/: the root list
    return result;
  }
  std::string_view rest = path.substr(kApiPrefix.size());
  std::string_view resource = rest.substr(0, rest.find('/'));
  if (!is_resource_name(resource)) {
    result.kind = Requirement::Kind::token;  // no such route; the router answers 404 after auth
    return result;
  }
  bool reads = method == "GET" || method == "HEAD";
  result.kind = Requirement::Kind::scopes;
  result.scopes.emplace_back(reads ? "read:" : "write:");
  result.scopes.back().append(resource);
  return result;
}

}  // namespace swapi::server
