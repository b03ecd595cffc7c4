#pragma once
// A fresh state dir for CLI tests against the built binary, and the commands run in it.
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/support/server_process.h"

namespace swapi::test {

struct Home {
  TempDir dir;
  std::map<std::string, std::string> env{{"SWAPI_HOME", dir.file("home")}};

  CommandResult run(const std::vector<std::string>& args, const std::string& input = {}) const {
    return run_swapi(args, env, input);
  }
  // `swapi token mint args...`: the token (exit 0 required).
  std::string mint(std::vector<std::string> args = {}) const {
    args.insert(args.begin(), {"token", "mint"});
    auto result = run(args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    REQUIRE(result.out.ends_with("\n"));
    return result.out.substr(0, result.out.size() - 1);
  }
  // `swapi keys list --json`'s keys.
  nlohmann::json list() const {
    auto result = run({"keys", "list", "--json"});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return nlohmann::json::parse(result.out)["keys"];
  }
};

}  // namespace swapi::test
