// The LIKE matcher: the same answers as the textbook dynamic program on random patterns (a
// search, as LoopBack's memory connector: the reference runs "%pattern%"), runs longer than one
// 64-bit word, and the pattern cap of the filter parser.
#include <doctest/doctest.h>

#include <random>

#include "server/loopback/like_pattern.h"
#include "server/loopback/loopback_filter.h"

using nlohmann::json;
using swapi::server::FilterError;
using swapi::server::kMaxLikePatternLength;
using swapi::server::LikePattern;

namespace {

// O(n * m) reference over single-byte text (no escapes): match[i][j] = pattern[0..i) matches
// value[0..j).
bool reference_like(const std::string& pattern, const std::string& value) {
  std::vector<std::vector<bool>> match(pattern.size() + 1, std::vector<bool>(value.size() + 1, false));
  match[0][0] = true;
  for (std::size_t i = 1; i <= pattern.size(); ++i) {
    char p = pattern[i - 1];
    match[i][0] = p == '%' && match[i - 1][0];
    for (std::size_t j = 1; j <= value.size(); ++j) {
      if (p == '%') {
        match[i][j] = match[i - 1][j] || match[i][j - 1];
      } else {
        match[i][j] = match[i - 1][j - 1] && (p == '_' || p == value[j - 1]);
      }
    }
  }
  return match[pattern.size()][value.size()];
}

std::string random_text(std::mt19937& random, const std::string& alphabet, std::size_t max_length) {
  std::uniform_int_distribution<std::size_t> length(0, max_length);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string text(length(random), ' ');
  for (auto& c : text) c = alphabet[pick(random)];
  return text;
}

}  // namespace

TEST_CASE("like pattern: agrees with the dynamic-programming reference on random patterns") {
  std::mt19937 random(20260101);
  for (int round = 0; round < 20000; ++round) {
    std::string pattern = random_text(random, "ab%_", 8);
    std::string value = random_text(random, "ab", 12);
    CAPTURE(pattern);
    CAPTURE(value);
    CHECK(LikePattern(pattern, false).matches(value) == reference_like("%" + pattern + "%", value));
  }
}

TEST_CASE("like pattern: runs longer than a 64-bit word, across word boundaries") {
  std::mt19937 random(7);
  for (std::size_t size : {63u, 64u, 65u, 127u, 128u, 129u, 300u}) {
    CAPTURE(size);
    std::string run = random_text(random, "ab", size);
    while (run.size() < size) run += 'a';
    std::string underscored = run;
    underscored[size / 2] = '_';
    std::string value = std::string(500, 'a') + run + std::string(500, 'b');
    CHECK(LikePattern("%" + run + "%", false).matches(value));
    CHECK(LikePattern("%" + underscored + "%", false).matches(value));
    CHECK(LikePattern("%" + run + "%" + run + "%", false).matches(value) == reference_like("%" + run + "%" + run + "%", value));
    std::string missing = run;
    missing.back() = 'c';
    CHECK_FALSE(LikePattern("%" + missing + "%", false).matches(value));
  }
}

TEST_CASE("like pattern: searched anywhere in the value, as LoopBack's memory connector") {
  CHECK(LikePattern("Luke", false).matches("Luke Skywalker"));
  CHECK(LikePattern("Sky%", false).matches("Luke Skywalker"));
  CHECK(LikePattern("Sky%", false).matches("Shmi Skywalker"));
  CHECK(LikePattern("Dar%", false).matches("Biggs Darklighter"));
  CHECK(LikePattern("walk_r", false).matches("Anakin Skywalker"));
  CHECK_FALSE(LikePattern("walk_r", false).matches("Skywalk"));
  CHECK(LikePattern("", false).matches("anything"));
  CHECK(LikePattern("R2.D2", false).matches("R2.D2"));
  CHECK_FALSE(LikePattern("R2.D2", false).matches("R2-D2"));  // '.' is literal here (documented)
}

TEST_CASE("like pattern: escapes, case folding and code points in every position") {
  CHECK(LikePattern("%\\%%", false).matches("100% sure"));
  CHECK_FALSE(LikePattern("%\\%%", false).matches("100 sure"));
  CHECK(LikePattern("%\\_x%", false).matches("a_xb"));
  CHECK(LikePattern("%SKY%", true).matches("Luke Skywalker"));
  CHECK_FALSE(LikePattern("%SKY%", false).matches("Luke Skywalker"));
  CHECK(LikePattern("%m_ A%", false).matches("Padm\xC3\xA9 Amidala"));
  CHECK(LikePattern("trailing\\", false).matches("trailing\\"));
  CHECK(LikePattern("a%b%a", false).matches("aba"));
  CHECK_FALSE(LikePattern("ab%ba", false).matches("aba"));  // prefix and suffix may not overlap
  CHECK(LikePattern("_%_", false).matches("xy"));
  CHECK_FALSE(LikePattern("_%_", false).matches("x"));
}

TEST_CASE("like pattern: the parser refuses a pattern longer than the cap, naming it") {
  std::string longest(kMaxLikePatternLength, 'a');
  CHECK_NOTHROW(swapi::server::parse_where(json{{"name", {{"like", longest}}}}));
  // The cap counts code points, not bytes: 1024 two-byte characters are allowed.
  std::string accented;
  for (std::size_t i = 0; i < kMaxLikePatternLength; ++i) accented += "\xC3\xA9";
  CHECK_NOTHROW(swapi::server::parse_where(json{{"name", {{"ilike", accented}}}}));
  CHECK_THROWS_WITH_AS(swapi::server::parse_where(json{{"name", {{"nlike", longest + "%"}}}}),
                       "\"nlike\" for \"name\" is a pattern longer than 1024 characters", FilterError);
}
