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

TEST_CASE("a bare swapi is a usage error: exit 2, a short usage on stderr, nothing on stdout (as curl)") {
  auto r = run_cli({});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "swapi: usage: 'swapi' needs a command: serve, keys, token, call, check, fault, stats, completion, help\n"
                 "  hint: run 'swapi --help' for what each does\n");
}

TEST_CASE("a misspelled option before any command, and an option left without its value, say so") {
  // Before: "'swapi' needs a command: ...", the misspelling unmentioned.
  auto r = run_cli({"--versoin"});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: 'swapi' has no option '--versoin'\n"
                 "  hint: did you mean '--version'? run 'swapi --help' for the options\n");
  // Before: "--port: 1 required INT:INT in 0..65535 missing".
  r = run_cli({"serve", "--port"});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: --port needs a value\n  hint: run 'swapi serve --help' for the options\n");
  r = run_cli({"token", "mint", "--scope"});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: --scope needs a value\n  hint: run 'swapi token mint --help' for the options\n");
}

TEST_CASE("a misspelled option gets a did-you-mean and points at that command's --help, in every command") {
  auto r = run_cli({"serve", "--prot", "9000"});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: 'swapi serve' has no option '--prot'\n"
                 "  hint: did you mean '--port'? run 'swapi serve --help' for the options\n");
  r = run_cli({"serve", "--prot=9000"});
  CHECK(r.err == "swapi: usage: 'swapi serve' has no option '--prot'\n"
                 "  hint: did you mean '--port'? run 'swapi serve --help' for the options\n");
  r = run_cli({"token", "mint", "--cuont", "3"});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: 'swapi token mint' has no option '--cuont'\n"
                 "  hint: did you mean '--count'? run 'swapi token mint --help' for the options\n");
  r = run_cli({"call", "/api/films/", "--expekt", "200"});
  CHECK(r.err == "swapi: usage: 'swapi call' has no option '--expekt'\n"
                 "  hint: did you mean '--expect'? run 'swapi call --help' for the options\n");
  r = run_cli({"keys", "gen", "--activat"});
  CHECK(r.err == "swapi: usage: 'swapi keys gen' has no option '--activat'\n"
                 "  hint: did you mean '--activate'? run 'swapi keys gen --help' for the options\n");
  r = run_cli({"check", "--zzzzzz"});
  CHECK(r.err == "swapi: usage: 'swapi check' has no option '--zzzzzz'\n  hint: run 'swapi check --help' for the options\n");
  r = run_cli({"serve", "9000"});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: 'swapi serve' takes no argument '9000'\n  hint: run 'swapi serve --help' for the options\n");
}

TEST_CASE("a number option given a word says 'not a number'; one out of range gives the range") {
  auto r = run_cli({"serve", "--port", "abc"});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: --port: 'abc' is not a number\n  hint: run 'swapi serve --help' for the options\n");
  r = run_cli({"serve", "--port", "70000"});
  CHECK(r.err == "swapi: usage: --port: '70000' is not in 0..65535\n  hint: run 'swapi serve --help' for the options\n");
  r = run_cli({"call", "/x", "--timeout", "soon"});
  CHECK(r.err == "swapi: usage: --timeout: 'soon' is not a number of seconds from 0.001 to 3600\n"
                 "  hint: run 'swapi call --help' for the options\n");
  r = run_cli({"token", "mint", "--count", "0"});
  CHECK(r.err == "swapi: usage: --count: '0' is not in 1..10000000\n  hint: run 'swapi token mint --help' for the options\n");
}

// CLI11 lists an option's "Excludes: ..." in the order of the options' addresses, which
// differ between two builds of the app: compared without them.
std::string without_excludes(const std::string& help) {
  return std::regex_replace(help, std::regex(" Excludes:[^\n]*"), "");
}

TEST_CASE("swapi help [COMMAND...] prints that command's help, exit 0; an unknown one is a usage error") {
  auto top = run_cli({"help"});
  CHECK(top.code == 0);
  CHECK(top.out == run_cli({"--help"}).out);
  auto serve = run_cli({"help", "serve"});
  CHECK(serve.code == 0);
  CHECK(without_excludes(serve.out) == without_excludes(run_cli({"serve", "--help"}).out));
  auto mint = run_cli({"help", "token", "mint"});
  CHECK(mint.code == 0);
  CHECK(without_excludes(mint.out) == without_excludes(run_cli({"token", "mint", "--help"}).out));
  CHECK(mint.out.find("Usage: swapi token mint") != std::string::npos);
  auto typo = run_cli({"help", "tokn"});
  CHECK(typo.code == 2);
  CHECK(typo.err == "swapi: help: unknown command 'tokn'\n  hint: did you mean 'swapi help token'?\n");
  auto deep = run_cli({"help", "keys", "lst"});
  CHECK(deep.err == "swapi: help: unknown command 'keys lst'\n  hint: did you mean 'swapi help keys list'?\n");
}

TEST_CASE("an empty --keys is refused by every command, not read as the default state dir") {
  // `--keys "$UNSET"` used to sign with, or serve, the user's real keyset without a word.
  // (serve declares --keys with the same helper; run in-process before the fix it would serve.)
  for (std::vector<std::string> args : {std::vector<std::string>{"call", "--keys", "", "/api/"},
                                        {"check", "--keys", ""},
                                        {"token", "mint", "--keys", ""},
                                        {"keys", "list", "--keys", ""}}) {
    auto r = run_cli(args);
    std::string command = "swapi " + args[0] + (args[0] == "token" || args[0] == "keys" ? " " + args[1] : "");
    CAPTURE(command);
    CHECK(r.code == 2);
    CHECK(r.err == "swapi: usage: --keys: an empty value is not allowed\n  hint: run '" + command +
                       " --help' for the options\n");
  }
}

TEST_CASE("serve refuses values that would start a server that cannot work, before starting it") {
  auto r = run_cli({"serve", "--audience", ""});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: --audience: an empty value is not allowed\n  hint: run 'swapi serve --help' for the options\n");
  r = run_cli({"serve", "--host", ""});
  CHECK(r.err.starts_with("swapi: usage: --host: an empty value is not allowed\n"));
  r = run_cli({"serve", "--alg", ""});  // was "the default algorithms", without a word
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: usage: --alg: an empty value is not allowed\n  hint: run 'swapi serve --help' for the options\n");
  r = run_cli({"serve", "--persist", "/tmp/writes.json"});
  CHECK(r.code == 2);
  CHECK(r.err == "swapi: serve --persist: the swapi flavor is read-only: there are no writes to persist\n"
                 "  hint: add --flavor loopback (its POST/PUT/PATCH/DELETE write), or drop --persist\n");
  r = run_cli({"serve", "--token-ttl", "0"});
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("swapi: serve --token-ttl: '0' is not a positive duration\n"));
  r = run_cli({"serve", "--token-ttl", "soon"});
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("swapi: --token-ttl: 'soon' is not a duration\n"));
  r = run_cli({"serve", "--jwks-file", SWAPI_SOURCE_DIR "/README.md", "--permissions-claim"});
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("swapi: usage: "));
  CHECK(r.err.find("--permissions-claim") != std::string::npos);
  CHECK(r.err.find("excludes") != std::string::npos);
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

TEST_CASE("--timeout of call and check: nan, inf, 0 and negatives are usage errors, never an unbounded wait") {
  for (const char* command : {"call", "check"}) {
    for (const char* value : {"nan", "inf", "0", "-1", "3601", "soon"}) {
      CAPTURE(command);
      CAPTURE(value);
      std::vector<std::string> args = {command};
      if (std::string(command) == "call") args.push_back("http://127.0.0.1:1/x");
      args.insert(args.end(), {"--timeout", value});
      auto r = run_cli(args);
      CHECK(r.code == 2);
      CHECK(r.err == std::string("swapi: usage: --timeout: '") + value +
                         "' is not a number of seconds from 0.001 to 3600\n  hint: run 'swapi " + command +
                         " --help' for the options\n");
    }
  }
}

TEST_CASE("call --token with a CR or LF is a usage error: it would inject a header line") {
  for (const char* token : {"abc\r\nX-Injected: 1", "abc\r", "a\tb"}) {
    CAPTURE(token);
    auto r = run_cli({"call", "http://127.0.0.1:1/x", "--token", token});
    CHECK(r.code == 2);
    CHECK(r.err == "swapi: call --token: the token holds a control character (CR, LF, tab...)\n"
                   "  hint: pass the token alone; a file saved on Windows ends in CR: tr -d '\\r' < FILE\n");
  }
}
TEST_CASE("fault --help and man/swapi-fault.1 document the same options") { check_man_page("fault", 12); }
TEST_CASE("stats --help and man/swapi-stats.1 document the same options") { check_man_page("stats", 4); }
