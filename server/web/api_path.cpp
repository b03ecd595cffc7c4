#include "server/web/api_path.h"

namespace swapi::server {

std::optional<std::vector<std::string_view>> api_segments(std::string_view path) {
  path.remove_prefix(std::string_view("/api").size());
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    auto end = path.find('/');
    auto segment = path.substr(0, end);
    if (segment.empty()) return std::nullopt;
    segments.push_back(segment);
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
  }
  return segments;
}

}  // namespace swapi::server
