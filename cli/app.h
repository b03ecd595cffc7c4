#pragma once
// Builds the whole command-line app in a function so tests can parse an argv in-process.
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace swapi::cli {

// What varies between a real run and a test: the streams and the environment (getenv is read
// in exactly one place, cli/main.cpp).
struct Context {
  std::ostream* out;
  std::ostream* err;
  std::vector<std::pair<std::string, std::string>> env;
  std::string getenv(const std::string& name) const;
  std::istream* in = nullptr;  // for "-d @-"; null reads as empty
  // Whether stdout / stderr are terminals (isatty, read once in main): pretty JSON, colour and
  // progress are for people, never for pipes and files.
  bool out_is_tty = false;
  bool err_is_tty = false;
};

// Runs swapi with argv and returns the process exit code (DESIGN.md "Exit codes").
int run(int argc, const char* const* argv, Context& context);

}  // namespace swapi::cli
