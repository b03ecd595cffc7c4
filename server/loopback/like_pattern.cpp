#include "server/loopback/like_pattern.h"

#include <algorithm>

namespace swapi::server {

namespace {

// '_' in a segment. Decoded points are at most four raw bytes whose first is a UTF-8 lead
// byte (below 0xF8), so no value point is ever 0xFFFFFFFF.
constexpr std::uint32_t kAnyPoint = 0xFFFFFFFF;
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// One number per UTF-8 code point: its raw bytes (equal iff the bytes are equal); a byte that
// does not start a sequence counts alone. ASCII letters folded to lower case when fold.
std::vector<std::uint32_t> code_points(std::string_view text, bool fold) {
  std::vector<std::uint32_t> result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 1;
    length = std::min(length, text.size() - i);
    std::uint32_t point = byte;
    for (std::size_t k = 1; k < length; ++k) point = (point << 8) | static_cast<unsigned char>(text[i + k]);
    if (fold && point >= 'A' && point <= 'Z') point += 'a' - 'A';
    result.push_back(point);
    i += length;
  }
  return result;
}

}  // namespace

std::size_t LikePattern::length(std::string_view text) { return code_points(text, false).size(); }

LikePattern::LikePattern(std::string_view pattern, bool ignore_case) : ignore_case_(ignore_case) {
  auto points = code_points(pattern, ignore_case);
  std::vector<std::uint32_t> run;
  auto end_run = [this, &run] {
    // "a%%b" is "a%b", and a leading or trailing '%' adds nothing to a search: no empty runs.
    if (!run.empty()) segments_.push_back(make_segment(std::move(run)));
    run.clear();
  };
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i] == '\\' && i + 1 < points.size()) {
      run.push_back(points[++i]);  // the next character is literal, whatever it is
    } else if (points[i] == '%') {
      end_run();
    } else {
      run.push_back(points[i] == '_' ? kAnyPoint : points[i]);
    }
  }
  end_run();
}

LikePattern::Segment LikePattern::make_segment(std::vector<std::uint32_t> points) {
  Segment segment;
  segment.words = (points.size() + 63) / 64;
  for (auto point : points)
    if (point != kAnyPoint) segment.alphabet.push_back(point);
  std::sort(segment.alphabet.begin(), segment.alphabet.end());
  segment.alphabet.erase(std::unique(segment.alphabet.begin(), segment.alphabet.end()), segment.alphabet.end());
  std::size_t rows = segment.alphabet.size() + 1;
  segment.masks.assign(rows * segment.words, 0);
  for (std::size_t j = 0; j < points.size(); ++j) {
    std::uint64_t bit = std::uint64_t{1} << (j % 64);
    if (points[j] == kAnyPoint) {
      for (std::size_t row = 0; row < rows; ++row) segment.masks[row * segment.words + j / 64] |= bit;
    } else {
      auto row = static_cast<std::size_t>(
          std::lower_bound(segment.alphabet.begin(), segment.alphabet.end(), points[j]) - segment.alphabet.begin());
      segment.masks[row * segment.words + j / 64] |= bit;
    }
  }
  segment.ascii_rows.resize(128);
  for (std::uint32_t point = 0; point < 128; ++point) {
    auto found = std::lower_bound(segment.alphabet.begin(), segment.alphabet.end(), point);
    segment.ascii_rows[point] = static_cast<std::uint32_t>(
        found != segment.alphabet.end() && *found == point ? found - segment.alphabet.begin() : segment.alphabet.size());
  }
  segment.points = std::move(points);
  return segment;
}

const std::uint64_t* LikePattern::Segment::mask_for(std::uint32_t point) const {
  if (point < 128) return masks.data() + ascii_rows[point] * words;
  auto found = std::lower_bound(alphabet.begin(), alphabet.end(), point);
  std::size_t row = found != alphabet.end() && *found == point ? static_cast<std::size_t>(found - alphabet.begin())
                                                               : alphabet.size();
  return masks.data() + row * words;
}

std::size_t LikePattern::Segment::find(const std::vector<std::uint32_t>& value, std::size_t from, std::size_t to) const {
  std::size_t size = points.size();
  if (to < from || to - from < size) return kNone;
  // Shift-And: bit j of state is set when the last j + 1 value points match points[0..j].
  // Each value point costs `words` shifts and ands, whatever the pattern holds.
  std::vector<std::uint64_t> state(words, 0);
  std::size_t top_word = (size - 1) / 64;
  std::uint64_t top_bit = std::uint64_t{1} << ((size - 1) % 64);
  for (std::size_t i = from; i < to; ++i) {
    const std::uint64_t* mask = mask_for(value[i]);
    std::uint64_t carry = 1;  // a match may start at every position
    for (std::size_t w = 0; w < words; ++w) {
      std::uint64_t next_carry = state[w] >> 63;
      state[w] = ((state[w] << 1) | carry) & mask[w];
      carry = next_carry;
    }
    if (state[top_word] & top_bit) return i + 1;
  }
  return kNone;
}

bool LikePattern::matches(std::string_view text) const {
  auto value = code_points(text, ignore_case_);
  // An unanchored search, as LoopBack's memory connector (the pattern becomes a RegExp that is
  // tested, not matched whole): each run takes its leftmost occurrence after the previous one.
  // Leftmost is never wrong: any match could move that run left to it and keep everything
  // after it in place. The searches cover disjoint stretches of the value, so each value
  // point is read once.
  std::size_t position = 0;
  for (const auto& segment : segments_) {
    position = segment.find(value, position, value.size());
    if (position == kNone) return false;
  }
  return true;
}

}  // namespace swapi::server
