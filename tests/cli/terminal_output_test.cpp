// What changes when a person watches: pretty JSON from `call` on a terminal, colour in
// `check`'s table unless NO_COLOR, progress on a terminal stderr that leaves no trace. The app
// runs in-process with a Context that says "terminal" (cli/app.h), against a real server.
#include <doctest/doctest.h>

#include <sstream>

#include "cli/app.h"
#include "tests/support/server_process.h"

namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome run_tty(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env) {
  args.insert(args.begin(), "swapi");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  swapi::cli::Context context{&out, &err, std::move(env)};
  context.out_is_tty = true;
  context.err_is_tty = true;
  int code = swapi::cli::run(static_cast<int>(argv.size()), argv.data(), context);
  return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("terminal: call pretty-prints a JSON body on a terminal") {
  swapi::test::ServerProcess server({"--no-auth"});
  auto r = run_tty({"call", "/healthz"}, {{"SWAPI_URL", server.base_url()}});
  CHECK(r.code == 0);
  CHECK(r.out == "{\n  \"status\": \"ok\"\n}\n");
}

TEST_CASE("terminal: check colours the verdicts, shows progress on stderr and clears it") {
  swapi::test::ServerProcess server;
  std::vector<std::pair<std::string, std::string>> env = {{"SWAPI_URL", server.base_url()}, {"SWAPI_HOME", server.home()}};
  auto r = run_tty({"check", "--only", "valid,no-token"}, env);
  CHECK(r.code == 0);
  CHECK(r.out.find("\033[32mok\033[0m") != std::string::npos);
  CHECK(r.err == "\rswapi check: 1/2\rswapi check: 2/2\r\033[K");

  env.emplace_back("NO_COLOR", "1");
  auto plain = run_tty({"check", "--only", "valid"}, env);
  CHECK(plain.code == 0);
  CHECK(plain.out.find('\033') == std::string::npos);
}
