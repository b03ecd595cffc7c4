// `swapi help [COMMAND [SUBCOMMAND]]`: the --help of swapi or of the command named, as git
// and go answer it, so the hint a usage error gives ("swapi help keys") always works.
#include <CLI/CLI.hpp>
#include <ostream>

#include "base/closest_match.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace swapi::cli {

Action setup_help(CLI::App& app, Context& context) {
  auto words = std::make_shared<std::vector<std::string>>();
  auto* help = app.add_subcommand("help", "Show the help of swapi, or of a command: swapi help token mint");
  help->add_option("COMMAND", *words, "The command (and its subcommand) to explain")->type_name("COMMAND");
  return [&app, words, &context]() -> int {
    const CLI::App* command = &app;
    std::string path = "swapi";
    for (const auto& word : *words) {
      std::vector<std::string> names;
      const CLI::App* next = nullptr;
      for (const CLI::App* sub : command->get_subcommands([](const CLI::App*) { return true; })) {
        names.push_back(sub->get_name());
        if (sub->get_name() == word) next = sub;
      }
      if (!next) {
        auto guess = base::closest_match(word, names);
        std::string list;
        for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
        throw UsageError("help", names.empty() ? "'" + path + "' has no commands"
                                               : "unknown command '" + (path + " " + word).substr(6) + "'",
                         guess ? "did you mean 'swapi help " + (path + " " + *guess).substr(6) + "'?"
                               : names.empty() ? "run 'swapi help " + path.substr(6) + "'" : "'" + path + "' has: " + list);
      }
      command = next;
      path += " " + word;
    }
    // The formatter directly: App::help() would follow the parsed subcommand, `help` itself.
    *context.out << command->get_formatter()->make_help(command, path, CLI::AppFormatMode::Normal);
    return kSuccess;
  };
}

}  // namespace swapi::cli
