// The small value syntaxes of the client subcommands, in-process.
#include <doctest/doctest.h>

#include <sstream>

#include "base/diagnostic.h"
#include "cli/cli_support.h"
#include "cli/exit_codes.h"
#include "cli/token_command.h"

using namespace swapi::cli;

namespace {
constexpr std::int64_t kNow = 1767225600;
}

TEST_CASE("durations: seconds or s/m/h/d, signed; anything else names the option") {
  CHECK(parse_duration("90", "--ttl") == 90);
  CHECK(parse_duration("30s", "--ttl") == 30);
  CHECK(parse_duration("15m", "--ttl") == 900);
  CHECK(parse_duration("1h", "--ttl") == 3600);
  CHECK(parse_duration("2d", "--ttl") == 172800);
  CHECK(parse_duration("-1h", "--ttl") == -3600);
  CHECK(parse_duration("+5m", "--ttl") == 300);
  for (const char* bad : {"", "h", "1x", "1.5h", "--1h", "99999999999999d"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_duration(bad, "--ttl"), UsageError);
  }
  try {
    parse_duration("soon", "--ttl");
  } catch (const UsageError& error) {
    CHECK(error.what_failed == "--ttl");
    CHECK(error.why == "'soon' is not a duration");
  }
}

TEST_CASE("times: now, a Unix time, or an offset from now") {
  CHECK(parse_time("now", kNow, "--iat") == kNow);
  CHECK(parse_time("1700000000", kNow, "--iat") == 1700000000);
  CHECK(parse_time("+5m", kNow, "--iat") == kNow + 300);
  CHECK(parse_time("-1h", kNow, "--iat") == kNow - 3600);
  CHECK_THROWS_AS(parse_time("tomorrow", kNow, "--iat"), UsageError);
  CHECK_THROWS_AS(parse_time("+soon", kNow, "--iat"), UsageError);
}

TEST_CASE("members: name=value, the value JSON when it parses, else a string") {
  CHECK(parse_member("n=42", "--claim").second == 42);
  CHECK(parse_member("ok=true", "--claim").second == true);
  CHECK(parse_member("roles=[\"a\",\"b\"]", "--claim").second == nlohmann::json::array({"a", "b"}));
  CHECK(parse_member("o={\"x\":1}", "--claim").second == nlohmann::json{{"x", 1}});
  CHECK(parse_member("s=\"42\"", "--claim").second == "42");
  CHECK(parse_member("s=hello world", "--claim").second == "hello world");
  CHECK(parse_member("eq=a=b", "--claim").second == "a=b");
  CHECK(parse_member("gone=null", "--claim").second.is_null());
  CHECK(parse_member("empty=", "--claim").second == "");
  CHECK_THROWS_AS(parse_member("novalue", "--claim"), UsageError);
  CHECK_THROWS_AS(parse_member("=x", "--claim"), UsageError);
}

TEST_CASE("algorithms: exact names; a near miss gets did-you-mean, none is explained") {
  CHECK(parse_alg_option("ES256", "--alg") == swapi::jose::Alg::ES256);
  try {
    parse_alg_option("rs265", "--alg");
    FAIL("no error");
  } catch (const UsageError& error) {
    CHECK(error.why == "unknown algorithm \"rs265\"");
    CHECK(error.hint.starts_with("did you mean RS256?"));
  }
  try {
    parse_alg_option("none", "--alg");
    FAIL("no error");
  } catch (const UsageError& error) {
    CHECK(error.hint == "unsigned tokens come from --defect alg-none");
  }
}

TEST_CASE("relative times read as a person says them") {
  CHECK(rough_duration(59) == "59 s");
  CHECK(rough_duration(3599) == "59 min");
  CHECK(rough_duration(-7200) == "2 h");
  CHECK(rough_duration(3 * 86400) == "3 d");
  CHECK(relative_time("exp", kNow + 3540, kNow) == "expires in 59 min");
  CHECK(relative_time("exp", kNow - 3 * 3600, kNow) == "expired 3 h ago");
  CHECK(relative_time("iat", kNow - 120, kNow) == "issued 2 min ago");
  CHECK(relative_time("nbf", kNow + 3600, kNow) == "valid in 1 h");
}

TEST_CASE("scopes split on spaces and commas; tokens lose white space and a Bearer prefix") {
  CHECK(split_scopes({"read:films", "read:people, write:films", " "}) ==
        std::vector<std::string>{"read:films", "read:people", "write:films"});
  std::ostringstream out, err;
  std::istringstream in("  Bearer abc.def.ghi \n");
  Context context{&out, &err, {}};
  context.in = &in;
  CHECK(token_argument(context, "-") == "abc.def.ghi");
  CHECK(token_argument(context, "bearer x.y.z") == "x.y.z");
}

TEST_CASE("FILE|- arguments: a directory is named as one, an endless input stops at 4 MiB") {
  std::ostringstream out, err;
  Context context{&out, &err, {}};
  auto why = [&](const std::string& value) {
    try {
      read_argument(context, value, "keys import");
    } catch (const swapi::base::Diagnostic& error) {
      return error.why;
    }
    return std::string("no error");
  };
  CHECK(why("/tmp") == "cannot read /tmp: it is a directory");
  CHECK(why("/dev/zero") == "/dev/zero holds more than 4 MiB, far more than a key, a token or a claims object");
  std::istringstream big(std::string(kMaxArgumentBytes + 1, 'x'));
  context.in = &big;
  CHECK(why("-") == "stdin holds more than 4 MiB, far more than a key, a token or a claims object");
  std::istringstream small(std::string(kMaxArgumentBytes, 'x'));
  context.in = &small;
  CHECK(read_argument(context, "-", "keys import").size() == kMaxArgumentBytes);
}
