#pragma once
// "Did you mean ...?" for misspelled subcommands, algorithms and defect names.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace swapi::cli {

// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);

}  // namespace swapi::cli
