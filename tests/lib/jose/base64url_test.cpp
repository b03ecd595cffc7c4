#include <doctest/doctest.h>

#include "jose/base64url.h"

using swapi::jose::base64url_decode;
using swapi::jose::base64url_encode;

TEST_CASE("base64url encodes the RFC 4648 test vectors without padding") {
  CHECK(base64url_encode("") == "");
  CHECK(base64url_encode("f") == "Zg");
  CHECK(base64url_encode("fo") == "Zm8");
  CHECK(base64url_encode("foo") == "Zm9v");
  CHECK(base64url_encode("foob") == "Zm9vYg");
  CHECK(base64url_encode("fooba") == "Zm9vYmE");
  CHECK(base64url_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64url uses - and _ where base64 uses + and /") {
  CHECK(base64url_encode(std::string("\xfb\xff\xbf", 3)) == "-_-_");
  CHECK(base64url_decode("-_-_") == std::string("\xfb\xff\xbf", 3));
}

TEST_CASE("base64url decode round-trips every byte value") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t length = 0; length <= all.size(); length += 37) {
    std::string bytes = all.substr(0, length);
    CHECK(base64url_decode(base64url_encode(bytes)) == bytes);
  }
}

TEST_CASE("base64url decode refuses '=' padding") {
  CHECK_FALSE(base64url_decode("Zg==").has_value());
  CHECK_FALSE(base64url_decode("Zm8=").has_value());
  CHECK_FALSE(base64url_decode("Zm9v=").has_value());
}

TEST_CASE("base64url decode refuses characters outside the url-safe alphabet") {
  CHECK_FALSE(base64url_decode("Zm+v").has_value());
  CHECK_FALSE(base64url_decode("Zm/v").has_value());
  CHECK_FALSE(base64url_decode("Zm9v YmFy").has_value());
  CHECK_FALSE(base64url_decode("Zm9v\nYmFy").has_value());
  CHECK_FALSE(base64url_decode("Zm?v").has_value());
  CHECK_FALSE(base64url_decode(std::string_view("Zm\0v", 4)).has_value());
  CHECK_FALSE(base64url_decode("Zm9\xc3\xa9").has_value());
}

TEST_CASE("base64url decode refuses non-canonical final characters") {
  // "Zg" is 'f'; "Zh".."Zv" carry the same byte with non-zero unused low bits.
  CHECK(base64url_decode("Zg") == std::string("f"));
  CHECK_FALSE(base64url_decode("Zh").has_value());
  CHECK_FALSE(base64url_decode("Zv").has_value());
  // "Zm8" is "fo"; "Zm9" has a non-zero low 2 bits.
  CHECK(base64url_decode("Zm8") == std::string("fo"));
  CHECK_FALSE(base64url_decode("Zm9").has_value());
  CHECK_FALSE(base64url_decode("Zm_").has_value());
}

TEST_CASE("base64url decode refuses a length of 1 mod 4") {
  CHECK_FALSE(base64url_decode("Z").has_value());
  CHECK_FALSE(base64url_decode("Zm9vY").has_value());
  CHECK(base64url_decode("") == std::string());
}
