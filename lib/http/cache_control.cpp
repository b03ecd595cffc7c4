#include "http/cache_control.h"

#include <cctype>
#include <charconv>
#include <string>

#include "base/ascii.h"

namespace swapi::http {

std::optional<std::chrono::seconds> cache_max_age(std::string_view cache_control) noexcept {
  std::optional<std::chrono::seconds> max_age;
  while (!cache_control.empty()) {
    auto comma = cache_control.find(',');
    std::string_view directive = base::trim(cache_control.substr(0, comma));
    cache_control = comma == std::string_view::npos ? std::string_view() : cache_control.substr(comma + 1);

    auto equals = directive.find('=');
    std::string_view name = base::trim(directive.substr(0, equals));
    if (base::iequals(name, "no-store") || base::iequals(name, "no-cache"))
      return std::chrono::seconds(0);
    if (!base::iequals(name, "max-age") || equals == std::string_view::npos) continue;

    std::string_view value = base::trim(directive.substr(equals + 1));
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
