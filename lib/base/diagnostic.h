#pragma once
// The one error shape a user sees from any layer the CLI calls: "swapi: <what>: <why>" and,
// where it helps, "  hint: <hint>". Thrown by code that runs at start-up and at any time
// (the state dir, a keyset, a policy file, a dataset); the CLI renders it and maps it to
// exit code 3 (cli/exit_codes.cpp).
#include <exception>
#include <string>

namespace swapi::base {

struct Diagnostic : std::exception {
  Diagnostic(std::string what, std::string reason, std::string hint_text = {})
      : what_failed(std::move(what)), why(std::move(reason)), hint(std::move(hint_text)) {}
  std::string what_failed, why, hint;
  const char* what() const noexcept override { return why.c_str(); }
};

}  // namespace swapi::base
