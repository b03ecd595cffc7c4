#include <doctest/doctest.h>

#include "core_test_helpers.h"
#include "jose/strict_json.h"

using namespace swapi::jose;
using swapi::jose::test::thrown_error;

TEST_CASE("strict JSON parses an object with nested members") {
  nlohmann::json header = parse_strict_object(R"({"alg":"RS256","x":{"a":1,"b":[{"a":2}]}})", "header");
  CHECK(header["alg"] == "RS256");
  CHECK(header["x"]["b"][0]["a"] == 2);
}

TEST_CASE("strict JSON allows the same name in sibling objects") {
  nlohmann::json value = parse_strict_object(R"({"a":{"k":1},"b":{"k":2},"c":[{"k":3},{"k":4}]})");
  CHECK(value["c"][1]["k"] == 4);
}

TEST_CASE("strict JSON rejects a duplicate top-level member and names the document") {
  Error error = thrown_error([] { parse_strict_object(R"({"alg":"HS256","alg":"none"})", "header"); });
  CHECK(error.code() == Errc::malformed);
  CHECK(error.detail() == "header has a duplicate member \"alg\" (RFC 7515 section 5.2)");
}

TEST_CASE("strict JSON rejects a duplicate member in claims") {
  Error error = thrown_error([] { parse_strict_object(R"({"sub":"a","exp":1,"sub":"b"})", "claims"); });
  CHECK(error.code() == Errc::malformed);
  CHECK(error.detail() == "claims has a duplicate member \"sub\" (RFC 7515 section 5.2)");
}

TEST_CASE("strict JSON rejects a duplicate member nested in an object inside an array") {
  Error error = thrown_error([] {
    parse_strict_object(R"({"list":[{"ok":1},{"role":"a","role":"admin"}]})", "claims");
  });
  CHECK(error.code() == Errc::malformed);
  CHECK(error.detail() == "claims has a duplicate member \"role\" (RFC 7515 section 5.2)");
}

TEST_CASE("strict JSON rejects a duplicate that differs only by escaping") {
  // "\u0061lg" is "alg" once unescaped: nlohmann would keep the last one.
  Error error = thrown_error([] { parse_strict_object(R"({"alg":"RS256","\u0061lg":"none"})", "header"); });
  CHECK(error.code() == Errc::malformed);
}

TEST_CASE("strict JSON rejects a document that is not an object") {
  for (const char* text : {"[1,2]", "\"alg\"", "42", "null", "true"}) {
    Error error = thrown_error([&] { parse_strict_object(text, "header"); });
    CHECK(error.code() == Errc::malformed);
    CHECK(error.detail() == "header is not a JSON object");
  }
}

TEST_CASE("strict JSON rejects invalid JSON and trailing bytes") {
  for (const char* text : {"", "{", "{\"a\":}", "{\"a\":1}x", "{'a':1}", "{\"a\":1,}"}) {
    Error error = thrown_error([&] { parse_strict_object(text, "claims"); });
    CHECK(error.code() == Errc::malformed);
    CHECK(error.detail().rfind("claims is not valid JSON: ", 0) == 0);
  }
}

TEST_CASE("strict JSON rejects invalid UTF-8 in a string") {
  Error error = thrown_error([] { parse_strict_object("{\"sub\":\"\xff\"}", "claims"); });
  CHECK(error.code() == Errc::malformed);
}

TEST_CASE("strict JSON error sentence gives the position without nlohmann's tag") {
  Error error = thrown_error([] { parse_strict_object("{\"a\":}", "header"); });
  CHECK(error.detail().rfind("header is not valid JSON: parse error at line 1, column 6", 0) == 0);
}

// nlohmann reports a number beyond double range as out_of_range 406, not a parse_error: it
// used to escape as a foreign exception (a 500 from an unauthenticated token header).
TEST_CASE("strict JSON refuses a number beyond double range as malformed, at any depth") {
  for (const char* text : {R"({"alg":"RS256","x":1E400})", R"({"x":-1e400})", R"({"a":[{"b":[1,2,1E400]}]})"}) {
    Error error = thrown_error([&] { parse_strict_object(text, "header"); });
    CHECK(error.code() == Errc::malformed);
    CHECK(error.detail().starts_with("header is not valid JSON: number overflow parsing '"));
  }
  Error error = thrown_error([] { parse_strict_object(R"({"alg":"RS256","x":1E400})", "header"); });
  CHECK(error.detail() == "header is not valid JSON: number overflow parsing '1E400'");
}

TEST_CASE("strict JSON keeps a large but finite number and an integer beyond 64 bits") {
  nlohmann::json value = parse_strict_object(R"({"big":1E308,"wide":123456789012345678901234567890})");
  CHECK(value["big"].get<double>() == 1e308);
  CHECK(value["wide"].is_number_float());
}

TEST_CASE("strict and loose JSON: 32 levels parse, 33 are refused before the structure is built") {
  auto nested = [](int levels) { return "{\"a\":" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}"; };
  CHECK(parse_strict_object(nested(32), "claims").contains("a"));
  Error error = thrown_error([&] { parse_strict_object(nested(33), "claims"); });
  CHECK(error.code() == Errc::malformed);
  CHECK(error.detail() == "claims nests deeper than 32 levels");
  // A million levels cost no recursion: refused as quickly.
  CHECK(thrown_error([] { parse_strict_object("{\"a\":" + std::string(1000000, '[') + "}", "payload"); }).detail() ==
        "payload nests deeper than 32 levels");
  CHECK(parse_loose_json(nested(32)).is_object());
  CHECK(parse_loose_json(nested(33)).is_discarded());
  CHECK(parse_loose_json("[1,").is_discarded());
  CHECK(parse_loose_json(R"({"a":1,"a":2})")["a"] == 2);  // loose: the last duplicate, as nlohmann keeps it
}
