#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/usage.h"

namespace swapi::cli {

std::string Context::getenv(const std::string& name) const {
  for (const auto& [key, value] : env)
    if (key == name) return value;
  return {};
}

CLI::Option* add_state_dir_option(CLI::App& command, std::string& dir, const std::string& holds) {
  return command
      .add_option("--keys", dir, "State dir with " + holds + " (default $SWAPI_HOME, $XDG_STATE_HOME/swapi, "
                  "~/.local/state/swapi)")
      ->type_name("DIR")
      ->check(kNonEmpty);
}

void add_timeout_option(CLI::App& command, double& seconds, const std::string& description) {
  auto finite = CLI::Validator(
      [](std::string& text) {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value) || !std::isfinite(value) || value < 0.001 || value > 3600)
          return "'" + text + "' is not a number of seconds from 0.001 to 3600";
        return std::string();
      },
      "SECONDS");
  command.add_option("--timeout", seconds, description)->check(finite)->type_name("SECONDS");
}

std::int64_t Context::now() const {
  if (clock) return clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

struct Subcommand {
  const char* name;
  Action (*setup)(CLI::App&, Context&);
};

// The table of subcommands: adding one is one line here plus its own file.
constexpr Subcommand kSubcommands[] = {
    {"serve", &setup_serve},
    {"keys", &setup_keys},
    {"token", &setup_token},
    {"call", &setup_call},
    {"check", &setup_check},
    {"fault", &setup_fault},
    {"stats", &setup_stats},
    {"completion", &setup_completion},
    {"help", &setup_help},
};

}  // namespace

int run(int argc, const char* const* argv, Context& context) {
  CLI::App app{"swapi: a local Star Wars API protected by JWTs, and the tools to test it", "swapi"};
  // Set before any subcommand exists: CLI11 copies it into each one it creates.
  std::vector<std::string> args(argv + 1, argv + argc);
  app.failure_message([&args](const CLI::App* failed, const CLI::Error& e) { return usage_message(*failed, e, args); });
  // As curl: a bare `swapi` is a usage error (exit 2, a short usage on stderr), not the help.
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("swapi ") + SWAPI_VERSION);
  app.footer(
      "Exit codes: 0 success, 1 a check failed or a token is invalid, 2 usage error,\n"
      "3 runtime error (network, file, key, server cannot start).\n"
      "Environment: SWAPI_URL, SWAPI_HOME, NO_COLOR. 'swapi help COMMAND' explains one. See swapi(1).");

  std::vector<std::pair<CLI::App*, Action>> actions;
  for (const auto& sub : kSubcommands) {
    Action action = sub.setup(app, context);
    actions.emplace_back(app.get_subcommand(sub.name), std::move(action));
  }
  one_value_per_option(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version print to stdout and succeed; every other parse error is usage,
    // worded by usage_message. CLI11's own exit codes (100+) never leak.
    int cli11_code = app.exit(e, *context.out, *context.err);
    return cli11_code == static_cast<int>(CLI::ExitCodes::Success) ? kSuccess : kUsage;
  }

  for (auto& [sub, action] : actions) {
    if (sub->parsed()) {
      try {
        return action();
      } catch (...) {
        return report_current_exception(*context.err);
      }
    }
  }
  return kUsage;  // unreachable: require_subcommand(1)
}

}  // namespace swapi::cli
