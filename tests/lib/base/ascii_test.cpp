#include <doctest/doctest.h>

#include <array>
#include <string>

#include "base/ascii.h"
#include "base/closest_match.h"
#include "base/utc_time.h"

using namespace swapi::base;

TEST_CASE("ASCII case folding ignores the locale and non-ASCII bytes") {
  CHECK(to_lower("Bearer ABC-xyz") == "bearer abc-xyz");
  CHECK(to_upper("get /api") == "GET /API");
  CHECK(to_lower("\xC4\xB0") == "\xC4\xB0");  // UTF-8 "İ" stays as it is
  CHECK(iequals("BeArEr", "bearer"));
  CHECK_FALSE(iequals("Bearer", "Bearer "));
  CHECK_FALSE(iequals("Bearer", "Basic!"));
  CHECK(iequals("", ""));
}

TEST_CASE("trim drops HTTP white space, or the characters asked for") {
  CHECK(trim("  \tmax-age=60 \t") == "max-age=60");
  CHECK(trim(" \t ").empty());
  CHECK(trim("").empty());
  CHECK(trim("value\r\n", " \t\r\n") == "value");
  CHECK(trim("value\r\n") == "value\r\n");
}

TEST_CASE("closest_match suggests a likely typo, case-insensitively, and nothing far away") {
  std::array<std::string, 4> commands{"serve", "keys", "token", "check"};
  CHECK(closest_match("serv", commands) == "serve");
  CHECK(closest_match("Serve", commands) == "serve");
  CHECK(closest_match("tokne", commands) == "token");
  CHECK_FALSE(closest_match("frobnicate", commands).has_value());
  CHECK(edit_distance("RS256", "rs265") == 2);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("format_utc writes RFC 3339 UTC") {
  CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_utc(1300819380) == "2011-03-22T18:43:00Z");
}
