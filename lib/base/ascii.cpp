#include "base/ascii.h"

#include <algorithm>

namespace swapi::base {

std::string to_lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = ascii_lower(c);
  return result;
}

std::string to_upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = ascii_upper(c);
  return result;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

std::string_view trim(std::string_view text, std::string_view chars) noexcept {
  std::size_t first = text.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  std::size_t last = text.find_last_not_of(chars);
  return text.substr(first, last - first + 1);
}

}  // namespace swapi::base
