// What a new user trips on when starting `swapi serve` or pointing the CLI at a state dir,
// against the real binary: a mistyped --keys path, a keyset made without saying so, an
// --alg no key can verify, a --host that does not resolve.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "tests/support/server_process.h"

using swapi::test::run_swapi;
using swapi::test::ServerProcess;
using swapi::test::TempDir;

TEST_CASE("serve --keys with a mistyped parent is refused; nothing is created") {
  TempDir dir;
  std::string typo = dir.file("typo/state");
  auto r = run_swapi({"serve", "--port", "0", "--keys", typo});
  CHECK(r.exit_code == 3);
  CHECK(r.err == "swapi: state dir " + typo + ": --keys names a directory whose parent " + dir.file("typo") +
                     " does not exist\n  hint: check the path for a typo; swapi creates the state dir itself but not "
                     "its parents (mkdir -p " + dir.file("typo") + " if it is meant)\n");
  CHECK_FALSE(std::filesystem::exists(dir.file("typo")));
  // The client commands share the rule, and $SWAPI_HOME is held to it too.
  auto mint = run_swapi({"token", "mint", "--keys", typo});
  CHECK(mint.exit_code == 3);
  CHECK(mint.err.starts_with("swapi: state dir " + typo + ": --keys names a directory whose parent "));
  auto env = run_swapi({"keys", "list"}, {{"SWAPI_HOME", typo}});
  CHECK(env.exit_code == 3);
  CHECK(env.err.starts_with("swapi: state dir " + typo + ": $SWAPI_HOME names a directory whose parent "));
  CHECK_FALSE(std::filesystem::exists(dir.file("typo")));
}

TEST_CASE("serve says loudly when it creates a new keyset and client secret, and only then") {
  TempDir dir;
  std::string home = dir.file("home");
  std::optional<std::string> kid;
  {
    ServerProcess first({}, {{"SWAPI_HOME", home}});
    std::string log = first.log();
    std::smatch match;
    std::regex created("swapi serve: created a new keyset at " + home +
                       "/keys\\.json \\(RS256 key ([A-Za-z0-9_-]+)\\); tokens signed with any other keyset are "
                       "not trusted by it\n");
    REQUIRE_MESSAGE(std::regex_search(log, match, created), log);
    kid = match[1];
    CHECK(log.find("swapi serve: created OAuth client 'swapi-cli' with a new secret in " + home + "/clients.json\n") !=
          std::string::npos);
  }
  ServerProcess again({}, {{"SWAPI_HOME", home}});
  CHECK(again.log().find("created") == std::string::npos);
}

TEST_CASE("the CLI says so too when its command creates the keyset") {
  TempDir dir;
  std::map<std::string, std::string> env{{"SWAPI_HOME", dir.file("home")}};
  auto first = run_swapi({"token", "mint"}, env);
  CHECK(first.exit_code == 0);
  CHECK(first.err.starts_with("swapi: created a new keyset at " + dir.file("home") + "/keys.json (RS256 key "));
  auto second = run_swapi({"token", "mint"}, env);
  CHECK(second.exit_code == 0);
  CHECK(second.err.empty());
}

TEST_CASE("serve --alg that no trusted key can verify refuses to start") {
  TempDir dir;
  auto r = run_swapi({"serve", "--port", "0", "--alg", "HS256"}, {{"SWAPI_HOME", dir.file("home")}});
  CHECK(r.exit_code == 3);
  CHECK(r.err.ends_with(
      "swapi: serve: --alg: no trusted key verifies HS256: the local keyset has keys for RS256 only, so every token "
      "would be refused\n  hint: HMAC secrets are never trusted from the local keyset (its JWKS is public); give "
      "the secret with --jwks-file, or drop --alg\n"));
  r = run_swapi({"serve", "--port", "0", "--alg", "ES256,PS256"}, {{"SWAPI_HOME", dir.file("home")}});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("swapi: serve: --alg: no trusted key verifies ES256, PS256: the local keyset has keys for RS256 "
                   "only") != std::string::npos);
  CHECK(r.err.find("hint: drop --alg (it defaults to the keys' algorithms), or add such a key: swapi keys gen "
                   "--alg ES256 --activate\n") != std::string::npos);
  // An --alg a key does verify still starts.
  ServerProcess fine({"--alg", "RS256,ES256"});
  CHECK(fine.port() > 0);
}

TEST_CASE("serve --host that does not resolve says so, not 'is another server using the port?'") {
  auto r = run_swapi({"serve", "--port", "0", "--host", "no-such-host.invalid"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.starts_with("swapi: serve: cannot listen on no-such-host.invalid:0: the host name "
                          "'no-such-host.invalid' does not resolve ("));
  CHECK(r.err.find("  hint: --host takes an address or name of this machine: 127.0.0.1 (the default), ::1, "
                   "localhost, or 0.0.0.0 for every interface\n") != std::string::npos);
  CHECK(r.err.find("another server") == std::string::npos);
}
