#pragma once
// Builds the whole command-line app in a function so tests can parse an argv in-process.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace swapi::cli {

// What varies between a real run and a test: the streams, the environment (getenv is read
// in exactly one place, cli/main.cpp) and the clock.
struct Context {
  std::ostream* out;
  std::ostream* err;
  std::vector<std::pair<std::string, std::string>> env;
  std::istream* in = nullptr;              // stdin for "-" arguments; null reads as empty
  std::function<std::int64_t()> clock{};   // Unix seconds; empty = the system clock
  std::string getenv(const std::string& name) const;
  std::int64_t now() const;
  // Whether stdout / stderr are terminals (isatty, read once in main): pretty JSON, colour and
  // progress are for people, never for pipes and files.
  bool out_is_tty = false;
  bool err_is_tty = false;
};

// Runs swapi with argv and returns the process exit code (DESIGN.md "Exit codes").
int run(int argc, const char* const* argv, Context& context);

}  // namespace swapi::cli
