#pragma once
// A problem with what the user asked for, found while testkit interprets it (a --expect-json
// that is not POINTER=JSON, an unknown case name for --only): the CLI prints it in the one
// diagnostic format and exits 2, as for any usage error (cli/exit_codes.cpp).
#include "base/diagnostic.h"

namespace swapi::testkit {

struct InputError : base::Diagnostic {
  using base::Diagnostic::Diagnostic;
};

}  // namespace swapi::testkit
