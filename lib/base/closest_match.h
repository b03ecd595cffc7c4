#pragma once
// "Did you mean ...?" for misspelled subcommands, algorithms, defect names and options.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace swapi::base {

// Levenshtein distance, ASCII case-insensitive: "rs265" is as near "RS256" as "rs256" is.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if close enough to be a likely typo: at most
// max(2, |word|/3) edits. Ties go to the earlier candidate.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace swapi::base
