#pragma once
// Errors that stop `swapi serve` from starting (bad data file, port in use, bad key file...).
// The CLI turns them into "swapi: <what failed>: <why>" and exit code 3.
#include <exception>
#include <string>

namespace swapi::server {

struct StartupError : std::exception {
  StartupError(std::string what, std::string reason, std::string hint_text = {})
      : what_failed(std::move(what)), why(std::move(reason)), hint(std::move(hint_text)) {}
  std::string what_failed, why, hint;
  const char* what() const noexcept override { return why.c_str(); }
};

}  // namespace swapi::server
