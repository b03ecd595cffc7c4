#pragma once
// Every subcommand lives in its own file and owns its options: setup_x adds the subcommand to
// the app and returns the action to run when it was chosen (CLI11's subcom_in_files pattern).
#include <functional>
#include <string>

#include "cli/app.h"
#include "testkit/admin_client.h"

namespace CLI { class App; class Option; }

namespace swapi::cli {

using Action = std::function<int()>;

// --keys DIR, the state dir every subcommand shares with `swapi serve`. An empty value is
// refused: `--keys "$UNSET"` would otherwise fall back to the default state dir and sign with
// (or, for serve, trust and publish) the user's real keyset unasked.
// `holds` says what the dir is for in the help ("the keyset", "the keyset that signs").
CLI::Option* add_state_dir_option(CLI::App& command, std::string& dir, const std::string& holds = "the keyset");

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
Action setup_fault(CLI::App& app, Context& context);
Action setup_stats(CLI::App& app, Context& context);

// The running `swapi serve --admin` a command talks to: --base, else $SWAPI_URL, else
// http://127.0.0.1:8080; the admin token is minted with the keyset of --keys (the state dir).
testkit::AdminTarget admin_target(const Context& context, const std::string& base_option, const std::string& keys_option);

}  // namespace swapi::cli
