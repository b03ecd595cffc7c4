// The regexp engine: the same answers as std::regex (ECMAScript, used here only as an oracle on
// tiny inputs) on random patterns of the supported syntax, LoopBack's string forms and flags,
// each refusal with its reason, and linear cost where a backtracking engine explodes.
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <regex>

#include "server/loopback/regexp_pattern.h"

using swapi::server::RegexpError;
using swapi::server::RegexpFlags;
using swapi::server::RegexpPattern;

namespace {

// A random pattern over {a, b} of the supported syntax (every one valid in ECMAScript).
std::string random_pattern(std::mt19937& random, int depth) {
  std::uniform_int_distribution<int> pick(0, depth > 2 ? 3 : 11);
  switch (pick(random)) {
    case 0: return "a";
    case 1: return "b";
    case 2: return ".";
    case 3: return "[ab]";
    case 4: return random_pattern(random, depth + 1) + random_pattern(random, depth + 1);
    case 5: return "(" + random_pattern(random, depth + 1) + "|" + random_pattern(random, depth + 1) + ")";
    case 6: return "(" + random_pattern(random, depth + 1) + ")*";
    case 7: return "(?:" + random_pattern(random, depth + 1) + ")+";
    case 8: return "(" + random_pattern(random, depth + 1) + ")?";
    case 9: return "(" + random_pattern(random, depth + 1) + "){1,2}";
    case 10: return "^" + random_pattern(random, depth + 1);
    default: return random_pattern(random, depth + 1) + "$";
  }
}

std::string random_text(std::mt19937& random) {
  std::uniform_int_distribution<int> length(0, 6), letter(0, 2);
  std::string text(static_cast<std::size_t>(length(random)), 'a');
  for (auto& c : text) c = "abA"[letter(random)];
  return text;
}

std::string error_of(std::string_view text) {
  try {
    RegexpPattern::from_loopback(text);
  } catch (const RegexpError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("regexp: agrees with std::regex on random patterns of the supported syntax") {
  std::mt19937 random(20261202);
  for (int round = 0; round < 3000; ++round) {
    std::string pattern = random_pattern(random, 0);
    bool icase = round % 3 == 0;
    RegexpPattern mine(pattern, RegexpFlags{icase, false});
    auto syntax = std::regex::ECMAScript | (icase ? std::regex::icase : std::regex::ECMAScript);
    std::regex oracle(pattern, syntax);
    for (int value = 0; value < 5; ++value) {
      std::string text = random_text(random);
      CAPTURE(pattern);
      CAPTURE(text);
      CAPTURE(icase);
      CHECK(mine.search(text) == std::regex_search(text, oracle));
    }
  }
}

TEST_CASE("regexp: LoopBack's string forms, flags and the escapes") {
  CHECK(RegexpPattern::from_loopback("^Dar").search("Darth Vader"));
  CHECK_FALSE(RegexpPattern::from_loopback("^Dar").search("Biggs Darklighter"));
  CHECK(RegexpPattern::from_loopback("/sky/i").search("Luke Skywalker"));
  CHECK_FALSE(RegexpPattern::from_loopback("/sky/").search("Luke Skywalker"));
  CHECK(RegexpPattern::from_loopback("/sky/gi").search("Luke Skywalker"));
  CHECK(RegexpPattern::from_loopback("/^b/m").search("a\nb"));
  CHECK_FALSE(RegexpPattern::from_loopback("^b").search("a\nb"));
  CHECK(RegexpPattern::from_loopback("a/").search("xa/"));  // no character after the '/': no flags
  CHECK(RegexpPattern::from_loopback("\\d{3}").search("R2-D2 is 096 cm"));
  CHECK(RegexpPattern::from_loopback("\\bSky").search("Luke Skywalker"));
  CHECK_FALSE(RegexpPattern::from_loopback("\\Bwalk\\b").search("Luke Skywalker"));
  CHECK(RegexpPattern::from_loopback("^[^aeiou ]+$").search("Rhythm"));
  CHECK(RegexpPattern::from_loopback("Padm.").search("Padmé Amidala"));  // '.' is one code point
  CHECK(RegexpPattern::from_loopback("\\u00e9").search("Padmé"));
  CHECK(RegexpPattern::from_loopback("R2\\-D2|C-3PO").search("C-3PO"));
  CHECK(RegexpPattern::from_loopback("(?<droid>R\\d)").search("R5-D4"));
  CHECK(RegexpPattern::from_loopback("a{").search("a{"));  // not a count: literal, as JavaScript
  CHECK(RegexpPattern::from_loopback("[]").search("x") == false);
  CHECK(RegexpPattern::from_loopback("[^]").search("x"));
  CHECK(RegexpPattern::from_loopback("").search(""));
}

TEST_CASE("regexp: classes keep their meaning once their ranges are merged and tabled") {
  // Overlapping and adjacent ranges, written out of order, merge into one.
  CHECK(RegexpPattern::from_loopback("^[d-fa-cb-e]+$").search("abcdef"));
  CHECK_FALSE(RegexpPattern::from_loopback("^[d-fa-cb-e]+$").search("abcdefg"));
  CHECK(RegexpPattern::from_loopback("^[^d-fa-c]$").search("g"));
  CHECK_FALSE(RegexpPattern::from_loopback("^[^d-fa-c]$").search("b"));
  // Case folding of ranges and of their negation.
  CHECK(RegexpPattern::from_loopback("/^[a-c]+$/i").search("AbC"));
  CHECK_FALSE(RegexpPattern::from_loopback("/^[^a-c]$/i").search("B"));
  CHECK(RegexpPattern::from_loopback("/^[^a-c]$/i").search("D"));
  // \D \W \S inside a class, above ASCII too.
  CHECK(RegexpPattern::from_loopback("^[\\D]$").search("\u00e9"));
  CHECK_FALSE(RegexpPattern::from_loopback("^[\\D]$").search("7"));
  CHECK(RegexpPattern::from_loopback("^[^\\S]+$").search(" \t\u00a0"));
  CHECK_FALSE(RegexpPattern::from_loopback("^[^\\S]+$").search(" x"));
  // Points above ASCII: a binary search over the merged ranges.
  CHECK(RegexpPattern::from_loopback("^[\\u00e0-\\u00ff\\u0100-\\u017f]+$").search("\u00e9\u0101"));
  CHECK_FALSE(RegexpPattern::from_loopback("^[\\u00e0-\\u00ff]$").search("\u0101"));
  CHECK(RegexpPattern::from_loopback("^[^\\u00e0-\\u00ff]$").search("\u0101"));
  CHECK(RegexpPattern::from_loopback("[\\s\\s\\s\\s]").search("a\u3000b"));
}

TEST_CASE("regexp: what is refused says why") {
  CHECK(error_of("/sky/x") == "Invalid regex flags: x (LoopBack allows i, g and m)");
  CHECK(error_of("(a)\\1") ==
        "a backreference or octal escape \\1 (at character 4) is not supported; supported: literals, ., [...], \\d \\w "
        "\\s \\b, groups, |, * + ? {n,m}, ^ $, flags i g m");
  CHECK(error_of("Dar(?=th)").starts_with("a lookahead or lookbehind assertion (at character 4) is not supported"));
  CHECK(error_of("(?<!a)b").starts_with("a lookahead or lookbehind assertion (at character 1) is not supported"));
  CHECK(error_of("a**") == "nothing to repeat at character 3");
  CHECK(error_of("^*") == "nothing to repeat at character 1");
  CHECK(error_of("(ab") == "unterminated group at character 1");
  CHECK(error_of("ab)") == "unmatched ')' at character 3");
  CHECK(error_of("[b-a]") == "range out of order in character class at character 3");
  CHECK(error_of("[ab") == "unterminated character class at character 1");
  CHECK(error_of("a{3,2}") == "numbers out of order in {} quantifier at character 2");
  CHECK(error_of("a{101}").starts_with("a count above 100 in {n,m} (at character 2) is not supported"));
  CHECK(error_of("((a{100}){100})") ==
        "the expression compiles to more than 256 states; use a shorter pattern or smaller {n,m} counts");
  CHECK(error_of(std::string(257, 'a')) == "the expression is 257 characters long, more than the 256 allowed");
}

TEST_CASE("regexp: linear where a backtracking engine is exponential") {
  std::string value(100000, 'a');
  auto started = std::chrono::steady_clock::now();
  for (const char* pattern : {"(a+)+b", "(a|a)*b", "(a*)*b", "(.*a){20}b"}) {
    CAPTURE(pattern);
    CHECK_FALSE(RegexpPattern::from_loopback(pattern).search(value));
  }
  auto elapsed = std::chrono::steady_clock::now() - started;
  MESSAGE("4 catastrophic patterns over 100,000 characters: "
          << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms");
  CHECK(elapsed < std::chrono::seconds(2));
}
