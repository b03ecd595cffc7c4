#include "cli/usage.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <sstream>

#include "base/closest_match.h"

namespace swapi::cli {

namespace {

template <typename Number>
CLI::Validator number_validator(Number min, Number max, const char* kind) {
  std::ostringstream range;
  range << min << ".." << max;
  return CLI::Validator(
      [min, max, bounds = range.str()](std::string& input) -> std::string {
        Number value{};
        // CLI11's own lexical conversion, so what passes here converts the same way afterwards.
        if (!CLI::detail::lexical_cast(input, value)) return "'" + input + "' is not a number";
        if (!(value >= min && value <= max)) return "'" + input + "' is not in " + bounds;
        return {};
      },
      std::string(kind) + " in " + range.str());
}

std::string joined(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

// "--port", "-H", ...: every spelling of the command's options (help included).
std::vector<std::string> option_spellings(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    for (const auto& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

// The first argument CLI11 could not place, in the order the user typed them (CLI11 lists
// its leftovers in reverse).
std::string first_unplaced(const std::vector<std::string>& remaining, const std::vector<std::string>& args,
                           bool want_option) {
  for (const auto& arg : args) {
    bool is_option = arg.size() > 1 && arg[0] == '-' && arg != "--";
    if (is_option != want_option) continue;
    std::string name = want_option ? arg.substr(0, arg.find('=')) : arg;
    if (std::find(remaining.begin(), remaining.end(), arg) != remaining.end() ||
        std::find(remaining.begin(), remaining.end(), name) != remaining.end())
      return name;
  }
  return {};
}

}  // namespace

namespace {
const CLI::Validator kNonEmptyValidator(
    [](std::string& input) -> std::string { return input.empty() ? "an empty value is not allowed" : std::string{}; },
    "");
}  // namespace
const CLI::Validator& kNonEmpty = kNonEmptyValidator;

CLI::Validator whole_number_in(long long min, long long max) { return number_validator(min, max, "INT"); }

void one_value_per_option(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (!option->get_positional()) option->allow_extra_args(false);
  }
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) one_value_per_option(*sub);
}

const CLI::App& named_command(const CLI::App& app, std::string& path) {
  for (const CLI::App* sub : app.get_subcommands()) {
    path += " " + sub->get_name();
    return named_command(*sub, path);
  }
  return app;
}

std::string usage_message(const CLI::App& app, const CLI::Error& error, const std::vector<std::string>& args) {
  std::string message = error.what();
  std::string hint;
  std::string path = "swapi";
  const CLI::App& command = named_command(app, path);
  std::string help_hint = "run '" + path + " --help' for the options";
  std::vector<std::string> names;
  for (const CLI::App* sub : command.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());

  auto remaining = app.remaining(/*recurse=*/true);
  bool extras = dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr;
  bool missing = dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && command.get_require_subcommand_min() > 0;
  // "swapi --versoin": CLI11 reports the missing command, but the misspelled option is the news.
  std::string option = extras || missing ? first_unplaced(remaining, args, /*want_option=*/true) : std::string{};
  std::string word = extras || missing ? first_unplaced(remaining, args, /*want_option=*/false) : std::string{};

  if (!option.empty()) {
    // "--prot 9000": CLI11 says "The following arguments were not expected: 9000 --prot".
    message = "'" + path + "' has no option '" + option + "'";
    auto spellings = option_spellings(command);
    auto guess = base::closest_match(option, spellings);
    // A long word after one dash is more likely a value (a kid) than a misspelled option.
    bool value_like = option.size() > 2 && option[1] != '-';
    if (guess) hint = "did you mean '" + *guess + "'? " + help_hint;
    else if (!value_like) hint = help_hint;
  } else if (!names.empty() && (extras || missing)) {
    // A misspelled subcommand is an unexpected positional (or, below a command that needs
    // one, a missing subcommand): name it, and suggest the nearest.
    if (!word.empty()) {
      std::string prefix = path == "swapi" ? "" : path.substr(6) + " ";  // "keys " for swapi keys
      message = "unknown command '" + prefix + word + "'";
      auto guess = base::closest_match(word, names);
      hint = guess ? "did you mean '" + path + " " + *guess + "'?" : "'" + path + "' has: " + joined(names);
    } else {
      message = "'" + path + "' needs a command: " + joined(names);
      hint = "run '" + path + " --help' for what each does";
    }
  } else if (extras && !word.empty()) {
    message = "'" + path + "' takes no argument '" + word + "'";
  } else if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && message.ends_with(" missing")) {
    // "--port" last on the line: CLI11 says "--port: 1 required INT:INT in 0..65535 missing".
    message = message.substr(0, message.find(':')) + " needs a value";
  }
  // RFC 7638 thumbprints (our kids) start with '-' one time in 32, and CLI11 then reads them
  // as options: say how to pass such a value.
  bool dash_value = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
    return arg.size() > 2 && arg[0] == '-' && arg[1] != '-';
  });
  if (hint.empty() && dash_value)
    hint = "a value that starts with '-' (a kid, say) goes as --kid=VALUE, or after '--' for KID";
  if (hint.empty()) hint = help_hint;
  return "swapi: usage: " + message + "\n  hint: " + hint + "\n";
}

}  // namespace swapi::cli
