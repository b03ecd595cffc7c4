#pragma once
// The exit codes, everywhere (DESIGN.md): mapped from errors in exactly one place.
#include <exception>
#include <iosfwd>
#include <string>

namespace swapi::cli {

enum ExitCode : int {
  kSuccess = 0,
  kCheckFailed = 1,  // an expectation or check failed, a token is invalid
  kUsage = 2,        // bad flags or arguments
  kRuntime = 3,      // network, file, key, server cannot start
};

// Thrown by subcommands for a usage problem found after parsing ("--tls-cert needs --tls-key").
struct UsageError : std::exception {
  explicit UsageError(std::string what_failed, std::string why, std::string hint = {});
  std::string what_failed, why, hint;
  const char* what() const noexcept override { return why.c_str(); }
};

// Prints "swapi: <what failed>: <why>" (+ "  hint: ...") for the active exception and returns
// its exit code. Call only inside a catch block.
int report_current_exception(std::ostream& err);

}  // namespace swapi::cli
