#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include "cli/app.h"

extern char** environ;

int main(int argc, char** argv) {
  swapi::cli::Context context{&std::cout, &std::cerr, {}};
  context.in = &std::cin;
  context.out_is_tty = isatty(STDOUT_FILENO) == 1;
  context.err_is_tty = isatty(STDERR_FILENO) == 1;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string item(*entry);
    auto eq = item.find('=');
    if (eq != std::string::npos) context.env.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return swapi::cli::run(argc, argv, context);
}
