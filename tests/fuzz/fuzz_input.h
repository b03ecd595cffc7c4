#pragma once
// Shared by the libFuzzer targets of tests/fuzz: the input as text, and one rule for every
// target: a parser may refuse input only with the exception its header documents. Anything
// else escaping (an nlohmann exception, std::out_of_range...) would be a 500 or a crash in the
// server, so it reaches libFuzzer as an uncaught exception and is reported as a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace swapi::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits at the first occurrence of `separator`; the second part is empty when there is none.
inline std::pair<std::string_view, std::string_view> split_once(std::string_view text, char separator) {
  auto at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + 1)};
}

}  // namespace swapi::fuzz
