#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <ostream>

#include "base/closest_match.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace swapi::cli {

std::string Context::getenv(const std::string& name) const {
  for (const auto& [key, value] : env)
    if (key == name) return value;
  return {};
}

void add_state_dir_option(CLI::App& command, std::string& dir) {
  command.add_option("--keys", dir, "State dir with the keyset (default $SWAPI_HOME, $XDG_STATE_HOME/swapi, "
                     "~/.local/state/swapi)")
      ->type_name("DIR");
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
};

// The command the user named, down to the deepest subcommand: "swapi token mint" -> mint.
const CLI::App* deepest_command(const CLI::App& app, std::string& path) {
  for (const CLI::App* sub : app.get_subcommands()) {
    path += " " + sub->get_name();
    return deepest_command(*sub, path);
  }
  return &app;
}

int report_parse_error(const CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& args,
                       Context& context) {
  std::string message = e.what();
  std::string hint;
  std::string path = "swapi";
  const CLI::App* command = deepest_command(app, path);
  std::vector<std::string> names;
  for (const CLI::App* sub : command->get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  // CLI11 reports a misspelled subcommand as an unexpected positional (or, below a command that
  // needs one, as a missing subcommand): name it, and suggest the nearest.
  auto remaining = app.remaining(/*recurse=*/true);
  bool extras = dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr;
  bool missing = dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && command->get_require_subcommand_min() > 0;
  if (!names.empty() && (extras || missing)) {
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
    if (!remaining.empty() && !remaining.front().starts_with("-")) {
      std::string prefix = path == "swapi" ? "" : path.substr(6) + " ";  // "keys " for swapi keys
      message = "unknown command '" + prefix + remaining.front() + "'";
      auto guess = base::closest_match(remaining.front(), names);
      hint = guess ? "did you mean '" + path + " " + *guess + "'?" : "'" + path + "' has: " + list;
    } else if (missing) {
      message = "'" + path + "' needs a command: " + list;
      hint = "run '" + path + " --help' for what each does";
    }
  }
  // RFC 7638 thumbprints (our kids) start with '-' one time in 32, and CLI11 then reads them
  // as options: say how to pass such a value.
  bool dash_value = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
    return arg.size() > 2 && arg[0] == '-' && arg[1] != '-';
  });
  if (hint.empty() && dash_value)
    hint = "a value that starts with '-' (a kid, say) goes as --kid=VALUE, or after '--' for KID";
  if (hint.empty()) hint = "run '" + path + " --help' for the options";
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
    return report_parse_error(app, e, std::vector<std::string>(argv + 1, argv + argc), context);
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
