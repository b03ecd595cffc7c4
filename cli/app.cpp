#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "base/closest_match.h"

namespace swapi::cli {

std::string Context::getenv(const std::string& name) const {
  for (const auto& [key, value] : env)
    if (key == name) return value;
  return {};
}

namespace {

struct Subcommand {
  const char* name;
  Action (*setup)(CLI::App&, Context&);
};

// The table of subcommands: adding one is one line here plus its own file.
constexpr Subcommand kSubcommands[] = {
    {"serve", &setup_serve},
    {"call", &setup_call},
    {"check", &setup_check},
};

int report_parse_error(const CLI::App& app, const CLI::ParseError& e, Context& context) {
  std::string message = e.what();
  std::string hint;
  // CLI11 reports a misspelled subcommand as an unexpected positional.
  if (auto* extras = dynamic_cast<const CLI::ExtrasError*>(&e)) {
    (void)extras;
    std::vector<std::string> names;
    for (const auto& sub : kSubcommands) names.emplace_back(sub.name);
    auto remaining = app.remaining();
    if (!remaining.empty() && app.get_subcommands().empty()) {
      if (auto guess = base::closest_match(remaining.front(), names)) {
        message = "unknown command '" + remaining.front() + "'";
        hint = "did you mean 'swapi " + *guess + "'?";
      }
    }
  }
  if (hint.empty()) hint = "run 'swapi --help' for the options";
  *context.err << "swapi: usage: " << message << "\n  hint: " << hint << "\n";
  return kUsage;
}

}  // namespace

int run(int argc, const char* const* argv, Context& context) {
  CLI::App app{"swapi: a local Star Wars API protected by JWTs, and the tools to test it", "swapi"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", std::string("swapi ") + SWAPI_VERSION);
  app.footer(
      "Exit codes: 0 success, 1 a check failed or a token is invalid, 2 usage error,\n"
      "3 runtime error (network, file, key, server cannot start).\n"
      "Environment: SWAPI_URL, SWAPI_HOME, NO_COLOR. See swapi(1).");

  std::vector<std::pair<CLI::App*, Action>> actions;
  for (const auto& sub : kSubcommands) {
    Action action = sub.setup(app, context);
    actions.emplace_back(app.get_subcommand(sub.name), std::move(action));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    *context.out << app.help();
    return kSuccess;
  } catch (const CLI::CallForAllHelp&) {
    *context.out << app.help("", CLI::AppFormatMode::All);
    return kSuccess;
  } catch (const CLI::CallForVersion&) {
    *context.out << "swapi " << SWAPI_VERSION << "\n";
    return kSuccess;
  } catch (const CLI::ParseError& e) {
    // A --help on a subcommand arrives as CallForHelp above; everything else is usage.
    return report_parse_error(app, e, context);
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
  *context.out << app.help();
  return kSuccess;
}

}  // namespace swapi::cli
