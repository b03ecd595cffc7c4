#include "jose/scopes.h"

#include <algorithm>

namespace swapi::jose {

using nlohmann::json;

std::set<std::string> extract_scopes(const json& claims) {
  std::set<std::string> scopes;
  if (!claims.is_object()) return scopes;
  auto scope = claims.find("scope");
  if (scope != claims.end() && scope->is_string()) for (auto& each : split_scopes(scope->get_ref<const std::string&>())) scopes.insert(std::move(each));
  auto scp = claims.find("scp");
  if (scp != claims.end()) {
    if (scp->is_string())
      for (auto& each : split_scopes(scp->get_ref<const std::string&>())) scopes.insert(std::move(each));
    if (scp->is_array()) {
      for (const json& entry : *scp) {
        if (entry.is_string()) scopes.insert(entry.get<std::string>());
      }
    }
  }
  auto permissions = claims.find("permissions");
  if (permissions != claims.end() && permissions->is_array()) {
    for (const json& entry : *permissions) {
      if (entry.is_string()) scopes.insert(entry.get<std::string>());
    }
  }
  return scopes;
}

std::vector<std::string> split_scopes(std::string_view text, std::string_view separators) {
  std::vector<std::string> scopes;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) {
      std::string scope(text.substr(start, end - start));
      if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(std::move(scope));
    }
    start = end + 1;
  }
  return scopes;
}

std::string join_scopes(std::span<const std::string> scopes) {
  std::string joined;
  for (const auto& scope : scopes) {
    if (!joined.empty()) joined += ' ';
    joined += scope;
  }
  return joined;
}

}  // namespace swapi::jose
