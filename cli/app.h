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
};

// Runs swapi with argv and returns the process exit code (DESIGN.md "Exit codes").
int run(int argc, const char* const* argv, Context& context);

}  // namespace swapi::cli
