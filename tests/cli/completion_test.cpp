// `swapi completion bash`: the script is generated from the CLI11 app, so it offers exactly
// the commands and options swapi accepts; checked by running bash's completion function.
#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>

#include "cli/app.h"
#include "tests/support/server_process.h"

namespace {

std::string completion_script() {
  const char* argv[] = {"swapi", "completion", "bash"};
  std::ostringstream out, err;
  swapi::cli::Context context{&out, &err, {}};
  REQUIRE(swapi::cli::run(3, argv, context) == 0);
  REQUIRE(err.str().empty());
  return out.str();
}

// What bash offers for `words` (the last one is being completed; "" for a new word).
std::string complete(const std::vector<std::string>& words) {
  swapi::test::TempDir dir;
  swapi::test::write_file(dir.file("swapi.bash"), completion_script());
  std::string line = "COMP_WORDS=(";
  for (const auto& word : words) line += "'" + word + "' ";
  line += ")";
  swapi::test::write_file(dir.file("run.sh"), "source " + dir.file("swapi.bash") + "\n" + line + "\nCOMP_CWORD=" +
                                                   std::to_string(words.size() - 1) +
                                                   "\ncd " + dir.path().string() +
                                                   "\n_swapi\necho \"${COMPREPLY[*]}\"\n");
  std::string command = "bash " + dir.file("run.sh") + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  CHECK(::pclose(pipe) == 0);
  if (output.ends_with('\n')) output.pop_back();
  return output;
}

}  // namespace

TEST_CASE("completion bash: a script bash accepts, naming every command") {
  std::string script = completion_script();
  CHECK(script.find("complete -F _swapi swapi\n") != std::string::npos);
  CHECK(complete({"swapi", ""}) == "serve keys token call check fault stats completion help");
  CHECK(complete({"swapi", "to"}) == "token");
  CHECK(complete({"swapi", "keys", "r"}) == "rotate retire");
}

TEST_CASE("completion bash: options of the command typed so far, from its CLI11 definition") {
  CHECK(complete({"swapi", "serve", "--por"}) == "--port");
  CHECK(complete({"swapi", "serve", "--po"}) == "--port --policy");
  CHECK(complete({"swapi", "serve", "--pe"}) == "--persist --permissions-claim");
  CHECK(complete({"swapi", "token", "mint", "--co"}) == "--count");
  // Option values and earlier options do not change the command path.
  CHECK(complete({"swapi", "serve", "--port", "9000", "--fl"}) == "--flavor");
  CHECK(complete({"swapi", "keys", "gen", "--alg", "ES256", "--ac"}) == "--activate");
  CHECK(complete({"swapi", "call", "-"}).find("--expect-json") != std::string::npos);
}

TEST_CASE("completion bash: a file name after an option that takes a value, or for an argument") {
  // complete() runs bash in a temp dir that holds the script, swapi.bash, and run.sh.
  CHECK(complete({"swapi", "serve", "--keys", "swapi."}) == "swapi.bash");
  CHECK(complete({"swapi", "keys", "import", "swapi."}) == "swapi.bash");
  // A flag takes no value, and serve takes no argument: nothing to offer.
  CHECK(complete({"swapi", "serve", "--no-auth", "swapi."}) == "");
}

TEST_CASE("completion: an unknown shell is a usage error naming the choice") {
  const char* argv[] = {"swapi", "completion", "zsh"};
  std::ostringstream out, err;
  swapi::cli::Context context{&out, &err, {}};
  CHECK(swapi::cli::run(3, argv, context) == 2);
  CHECK(err.str().starts_with("swapi: usage: SHELL: "));
}
