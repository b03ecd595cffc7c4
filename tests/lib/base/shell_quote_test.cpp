#include <doctest/doctest.h>

#include "base/shell_quote.h"

using swapi::base::is_shell_name;
using swapi::base::shell_quote;

TEST_CASE("shell_quote: single quotes, with an embedded ' closed, escaped and reopened") {
  CHECK(shell_quote("/tmp/a b/cert.pem") == "'/tmp/a b/cert.pem'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("$HOME") == "'$HOME'");
}

TEST_CASE("is_shell_name: what ${name} can expand") {
  CHECK(is_shell_name("SECRET_1"));
  CHECK(is_shell_name("_x"));
  CHECK_FALSE(is_shell_name("1X"));
  CHECK_FALSE(is_shell_name("A-B"));
  CHECK_FALSE(is_shell_name(""));
}
