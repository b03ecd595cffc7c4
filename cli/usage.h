#pragma once
// What swapi says when the command line itself is wrong: the validators the numeric options
// share (so "--port abc" is "not a number", not CLI11's "not in range") and the failure-message
// formatter CLI11 calls for every parse error, so each one reads "swapi: usage: <what>" plus a
// hint (a did-you-mean for a misspelled command or option, else "run 'swapi <cmd> --help'").
#include <string>
#include <vector>

namespace CLI {
class App;
class Error;
class Validator;
}  // namespace CLI

namespace swapi::cli {

// A whole number in [min, max]; "'abc' is not a number", "'70000' is not in 0..65535".
CLI::Validator whole_number_in(long long min, long long max);

// Refuses an empty value: `--audience ''` would otherwise mean a token whose aud is "" passes.
extern const CLI::Validator& kNonEmpty;

// Every option of `app` and its subcommands takes one value per occurrence (repeat it, or use
// commas where it says so). CLI11 lets a repeatable option swallow the words after it, so
// `swapi call -H 'Accept: x' /api/films/` (curl's order) lost its target to -H and said
// "target is required", and `swapi check --scope read:films URL` checked the default URL.
void one_value_per_option(CLI::App& app);

// The command the user named, down to the deepest subcommand parsed ("swapi token mint").
const CLI::App& named_command(const CLI::App& app, std::string& path);

// The text for CLI11's App::failure_message: "swapi: usage: <what>\n  hint: <hint>\n".
// args: argv without the program name (to spot values that start with '-').
std::string usage_message(const CLI::App& app, const CLI::Error& error, const std::vector<std::string>& args);

}  // namespace swapi::cli
