#include "http/cache_control.h"

#include <cctype>
#include <charconv>
#include <string>

namespace swapi::http {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

std::optional<std::chrono::seconds> cache_max_age(std::string_view cache_control) noexcept {
  std::optional<std::chrono::seconds> max_age;
  while (!cache_control.empty()) {
    auto comma = cache_control.find(',');
    std::string_view directive = trim(cache_control.substr(0, comma));
    cache_control = comma == std::string_view::npos ? std::string_view() : cache_control.substr(comma + 1);

    auto equals = directive.find('=');
    std::string_view name = trim(directive.substr(0, equals));
    if (equals_ignoring_case(name, "no-store") || equals_ignoring_case(name, "no-cache"))
      return std::chrono::seconds(0);
    if (!equals_ignoring_case(name, "max-age") || equals == std::string_view::npos) continue;

    std::string_view value = trim(directive.substr(equals + 1));
    // RFC 9111 §1.2.2: delta-seconds is digits; the quoted form is tolerated (§5.2).
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    long long seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error == std::errc::result_out_of_range) {
      seconds = 2147483648LL;  // §1.2.2: an overflowing value means "a very long time"
    } else if (error != std::errc() || end != value.data() + value.size() || seconds < 0) {
      continue;
    }
    if (!max_age) max_age = std::chrono::seconds(seconds);
  }
  return max_age;
}

}  // namespace swapi::http
