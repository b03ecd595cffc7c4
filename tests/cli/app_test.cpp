// The command-line surface in-process: exit codes, the one diagnostic format, --help and the
// man pages agreeing on the options.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cli/app.h"

namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "swapi");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  swapi::cli::Context context{&out, &err, {{"HOME", "/nonexistent"}}};
  int code = swapi::cli::run(static_cast<int>(argv.size()), argv.data(), context);
  return {code, out.str(), err.str()};
}

std::set<std::string> long_options(const std::string& text, const std::string& dash) {
  std::set<std::string> found;
  std::regex pattern(dash + dash + "([a-z][a-z0-9]*(?:" + dash + "[a-z0-9]+)*)");
  for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) {
    std::string name = (*it)[1];
    found.insert(std::regex_replace(name, std::regex(dash), "-"));
  }
  return found;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("--version prints the version and exits 0") {
  auto r = run_cli({"--version"});
  CHECK(r.code == 0);
  CHECK(r.out == std::string("swapi ") + SWAPI_VERSION + "\n");
}

TEST_CASE("--help lists the commands and the exit codes") {
  auto r = run_cli({"--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("serve") != std::string::npos);
  CHECK(r.out.find("Exit codes") != std::string::npos);
}

TEST_CASE("a misspelled command is a usage error with a did-you-mean hint") {
  auto r = run_cli({"serv"});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: unknown command 'serv'\n  hint: did you mean 'swapi serve'?\n");
}

TEST_CASE("an unknown option is a usage error, exit 2, in the swapi: format") {
  auto r = run_cli({"serve", "--bogus"});
  CHECK(r.code == 2);
  CHECK(r.err.rfind("swapi: usage: ", 0) == 0);
  CHECK(r.err.find("--bogus") != std::string::npos);
}

TEST_CASE("option values are validated before the server starts") {
  CHECK(run_cli({"serve", "--port", "70000"}).code == 2);
  CHECK(run_cli({"serve", "--port", "eighty"}).code == 2);
  CHECK(run_cli({"serve", "--flavor", "graphql"}).code == 2);
  CHECK(run_cli({"serve", "--log-format", "xml"}).code == 2);
  CHECK(run_cli({"serve", "--data", "/nonexistent/dir"}).code == 2);
  CHECK(run_cli({"serve", "--threads", "0"}).code == 2);
  auto r = run_cli({"serve", "--jwks-uri", "https://a/", "--jwks-file", SWAPI_SOURCE_DIR "/README.md"});
  CHECK(r.code == 2);
  CHECK(r.err.find("excludes") != std::string::npos);
}

namespace {

// The subcommands a --help lists under "Subcommands:" (CLI11's layout).
std::vector<std::string> subcommands_in(const std::string& help) {
  std::vector<std::string> names;
  auto at = help.find("\nSubcommands:\n");
  if (at == std::string::npos) return names;
  std::istringstream lines(help.substr(at + 14));
  for (std::string line; std::getline(lines, line) && !line.empty();) {
    std::istringstream words(line);
    std::string name;
    if (words >> name) names.push_back(name);
  }
  return names;
}

// Every option of `swapi <command>` and of each of its subcommands (their --help) against the
// options man/swapi-<command>.1 documents, both ways; and every subcommand named in the page.
void check_man_page(const std::string& command, std::size_t at_least) {
  auto help = run_cli({command, "--help"});
  REQUIRE(help.code == 0);
  std::set<std::string> from_help = long_options(help.out, "-");
  std::string page = slurp(SWAPI_SOURCE_DIR "/man/swapi-" + command + ".1");
  for (const auto& sub : subcommands_in(help.out)) {
    auto sub_help = run_cli({command, sub, "--help"});
    REQUIRE(sub_help.code == 0);
    for (const auto& option : long_options(sub_help.out, "-")) from_help.insert(option);
    CHECK_MESSAGE(page.find("swapi " + command + " " + sub) != std::string::npos,
                  "man/swapi-" << command << ".1 does not show 'swapi " << command << " " << sub << "'");
  }
  auto from_man = long_options(page, "\\\\-");
  from_help.erase("help");
  CHECK(from_help.size() >= at_least);
  for (const auto& option : from_help)
    CHECK_MESSAGE(from_man.count(option), "--" << option << " is not in man/swapi-" << command << ".1");
  for (const auto& option : from_man)
    CHECK_MESSAGE(from_help.count(option), "man page documents --" << option << " which " << command << " --help lacks");
}

}  // namespace

TEST_CASE("serve --help and man/swapi-serve.1 document the same options") { check_man_page("serve", 20); }
TEST_CASE("keys --help and man/swapi-keys.1 document the same options") { check_man_page("keys", 7); }
TEST_CASE("token --help and man/swapi-token.1 document the same options") { check_man_page("token", 19); }
TEST_CASE("call --help and man/swapi-call.1 document the same options") { check_man_page("call", 15); }
TEST_CASE("check --help and man/swapi-check.1 document the same options") { check_man_page("check", 13); }
TEST_CASE("fault --help and man/swapi-fault.1 document the same options") { check_man_page("fault", 12); }
TEST_CASE("stats --help and man/swapi-stats.1 document the same options") { check_man_page("stats", 4); }
