// `swapi check [URL]`: parse options, plan the cases (testkit/check_plan.h), run them against
// the target with the canary listening (testkit/check_runner.h), print the reports
// (testkit/check_report.h). Exit 0 all right, 1 any wrong, 3 target unreachable.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "base/diagnostic.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/usage.h"
#include "testkit/call.h"
#include "testkit/canary_listener.h"
#include "testkit/check_plan.h"
#include "testkit/check_report.h"
#include "testkit/check_runner.h"

namespace swapi::cli {

namespace {

struct CheckOptions {
  std::string url;
  std::vector<std::string> scopes;
  std::string iss, aud, keys_dir;
  std::vector<std::string> only, skip;
  std::string token, jwks;
  std::string junit;
  bool json = false, tap = false;
  double timeout = 10;
  std::string cacert;
};

void add_options(CLI::App& cmd, CheckOptions& o) {
  cmd.add_option("url", o.url, "Endpoint to check (default /api/films/ of $SWAPI_URL, else of http://127.0.0.1:8080); "
                 "a path is resolved against $SWAPI_URL")->type_name("URL");
  cmd.add_option("--scope", o.scopes, "Scopes the endpoint needs, repeatable or comma-separated (default read:{res} for /api/{res})")
      ->delimiter(',')
      ->type_name("SCOPE");
  cmd.add_option("--iss", o.iss, "Issuer of the minted tokens (default: what the last swapi serve recorded)")
      ->type_name("ISSUER");
  cmd.add_option("--aud", o.aud, "Audience of the minted tokens (default: recorded, else https://starwarsapi.com)")
      ->type_name("AUDIENCE");
  add_state_dir_option(cmd, o.keys_dir, "the keyset that signs");
  cmd.add_option("--only", o.only, "Run only these cases or defects, comma-separated")->delimiter(',')->type_name("CASE,...");
  cmd.add_option("--skip", o.skip, "Skip these cases or defects, comma-separated")->delimiter(',')->type_name("CASE,...");
  auto* token = cmd.add_option("--token", o.token, "Black-box mode: mutate this token from another issuer (needs --jwks)")
                    ->type_name("TOKEN");
  auto* jwks = cmd.add_option("--jwks", o.jwks, "Black-box mode: the issuer's public keys, a JWKS file or URL")
                   ->type_name("FILE|URL");
  token->needs(jwks);
  jwks->needs(token);
  cmd.add_option("--junit", o.junit, "Also write the results as JUnit XML to FILE")->type_name("FILE");
  auto* json = cmd.add_flag("--json", o.json, "Print the results as one JSON object instead of the table");
  auto* tap = cmd.add_flag("--tap", o.tap, "Print the results as TAP version 13 instead of the table");
  json->excludes(tap);
  add_timeout_option(cmd, o.timeout, "Seconds to wait for each answer (default 10)");
  cmd.add_option("--cacert", o.cacert, "Trust this PEM certificate (bundle) for an https target")
      ->check(CLI::ExistingFile)->type_name("FILE");
}

[[noreturn]] void cannot_write(const std::string& path, int error) {
  throw base::Diagnostic("check --junit " + path, std::string("cannot write the file: ") + std::strerror(error),
                         "give a path in a directory that exists and that you may write to");
}

// A report path that cannot be written is found before any case is sent, not after the run
// (a CI job would otherwise spend the run and lose its report). The probe creates nothing.
void probe_junit(const std::string& path) {
  std::error_code ignored;
  bool existed = std::filesystem::exists(path, ignored);
  {
    std::ofstream probe(path, std::ios::binary | std::ios::app);
    if (!probe) cannot_write(path, errno);
  }
  if (!existed) std::filesystem::remove(path, ignored);
}

void write_junit(const std::string& path, const testkit::CheckRun& run) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) cannot_write(path, errno);
  out << testkit::junit_xml(run);
  if (!out.flush()) cannot_write(path, errno);
}

int run_check(const CheckOptions& o, Context& context) {
  std::string base = context.getenv("SWAPI_URL");
  if (base.empty()) base = testkit::kDefaultBaseUrl;
  std::string target = testkit::resolve_url(o.url.empty() ? "/api/films/" : o.url, base);

  if (!o.junit.empty()) probe_junit(o.junit);

  testkit::CanaryListener canary;
  testkit::CheckPlanInputs plan;
  plan.target = target;
  plan.scopes = o.scopes;
  if (o.token.empty()) {
    plan.issuer = {state_dir(context, o.keys_dir), o.iss, o.aud, state_warnings(context)};
  } else {
    plan.foreign_token = o.token;  // black-box: no local keyset involved
  }
  plan.jwks = o.jwks;
  plan.canary_base_url = canary.base_url();
  plan.only = o.only;
  plan.skip = o.skip;
  plan.now = context.now();
  auto cases = testkit::plan_cases(plan);

  testkit::RunnerOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(o.timeout * 1000));
  options.ca_file = o.cacert;
  auto& err = *context.err;
  if (context.err_is_tty) {
    options.progress = [&err](std::size_t done, std::size_t total) {
      err << "\rswapi check: " << done << "/" << total << std::flush;
    };
  }
  testkit::CheckRun run;
  try {
    run = testkit::run_check(target, cases, options, &canary);
  } catch (...) {
    if (context.err_is_tty) err << "\r\033[K" << std::flush;
    throw;
  }
  if (context.err_is_tty) err << "\r\033[K" << std::flush;  // the progress line goes away

  auto& out = *context.out;
  if (o.json) {
    out << testkit::report_json(run).dump(context.out_is_tty ? 2 : -1) << "\n";
  } else if (o.tap) {
    out << testkit::tap_text(run);
  } else {
    bool colour = context.out_is_tty && context.getenv("NO_COLOR").empty();
    testkit::write_table(out, run, colour);
  }
  out << std::flush;
  if (!o.junit.empty()) write_junit(o.junit, run);
  return run.failed() == 0 ? kSuccess : kCheckFailed;
}

}  // namespace

Action setup_check(CLI::App& app, Context& context) {
  auto options = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Send the whole catalogue of good and defective tokens to an endpoint and judge the answers");
  add_options(*cmd, *options);
  cmd->footer("Exit codes: 0 every case answered as a correct resource server must, 1 some did not, 2 usage, "
              "3 the target cannot be reached. See swapi-check(1).");
  return [options, &context] { return run_check(*options, context); };
}

}  // namespace swapi::cli
