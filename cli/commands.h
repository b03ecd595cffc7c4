#pragma once
// Every subcommand lives in its own file and owns its options: setup_x adds the subcommand to
// the app and returns the action to run when it was chosen (CLI11's subcom_in_files pattern).
#include <functional>
#include <string>

#include "cli/app.h"

namespace CLI { class App; }

namespace swapi::cli {

using Action = std::function<int()>;

// --keys DIR, the state dir every client subcommand shares with `swapi serve`.
void add_state_dir_option(CLI::App& command, std::string& dir);

// --timeout SECONDS for call and check: a finite number from 0.001 to 3600. (CLI::Range alone
// lets "nan" through, since every comparison with NaN is false, and a NaN timeout is none.)
void add_timeout_option(CLI::App& command, double& seconds, const std::string& description);

Action setup_serve(CLI::App& app, Context& context);
Action setup_keys(CLI::App& app, Context& context);
Action setup_token(CLI::App& app, Context& context);
Action setup_call(CLI::App& app, Context& context);
Action setup_check(CLI::App& app, Context& context);
// These two read the app itself (its commands and options), so `app` must outlive the action.
Action setup_completion(CLI::App& app, Context& context);
Action setup_help(CLI::App& app, Context& context);

}  // namespace swapi::cli
