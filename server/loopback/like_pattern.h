#pragma once
// LIKE patterns for the loopback flavor's like/nlike/ilike/nilike (loopback_query.h has the
// rules: '%' any run, '_' one UTF-8 code point, '\' escapes, ilike folds ASCII case, and, as
// LoopBack's memory connector, the pattern is searched for anywhere in the value: "Sky%"
// matches "Luke Skywalker"), compiled once per filter and matched in linear time.
//
// Cost bound (a filter reaches every stored value, and any client may send one): matching a
// value of n code points costs O(n * ceil(L / 64) + m) word operations, where m is the
// pattern's length and L its longest run between two '%' (at most kMaxLikePatternLength).
// (The memory connector hands the pattern to JavaScript's backtracking RegExp instead.)
// A greedy two-pointer wildcard match is O(n * m) at worst: a 1,000,000-character name and a
// 2 KB pattern took 1.8 s of CPU per request with it.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace swapi::server {

// Longest pattern a filter may give, in code points (the filter parser answers 400 above it).
// It bounds ceil(L / 64), the words of bit-parallel state per value character, to 16.
inline constexpr std::size_t kMaxLikePatternLength = 1024;

class LikePattern {
 public:
  LikePattern(std::string_view pattern, bool ignore_case);

  bool matches(std::string_view value) const;

  // Code points in `text` (as the matcher counts them).
  static std::size_t length(std::string_view text);

 private:
  // A run of the pattern between '%'s: literals and '_' (kAnyPoint), searched with the
  // Shift-And algorithm (Baeza-Yates and Gonnet, 1992): one bit per segment position, W words.
  struct Segment {
    std::vector<std::uint32_t> points;     // kAnyPoint for '_'
    std::size_t words = 0;                 // ceil(points.size() / 64)
    std::vector<std::uint32_t> alphabet;   // the distinct literal points, sorted
    std::vector<std::uint64_t> masks;      // (alphabet.size() + 1) * words: bit j set when
                                           // position j accepts the point; the last mask is
                                           // for points outside the alphabet ('_' only)
    std::vector<std::uint32_t> ascii_rows; // the mask row of each ASCII point: no search
    // The end of the leftmost occurrence in value[from, to), or npos.
    std::size_t find(const std::vector<std::uint32_t>& value, std::size_t from, std::size_t to) const;
    const std::uint64_t* mask_for(std::uint32_t point) const;
  };
  static Segment make_segment(std::vector<std::uint32_t> points);

  bool ignore_case_;
  std::vector<Segment> segments_;  // the non-empty runs between '%', searched in order
};

}  // namespace swapi::server
