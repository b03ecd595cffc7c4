// `swapi call [METHOD] PATH|URL`: parse options into a testkit::CallSpec, send it, print the
// answer, and turn unmet --expect* into exit 1 (DESIGN.md "`swapi call`").
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "base/ascii.h"
#include "base/diagnostic.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/usage.h"
#include "testkit/attack_request.h"
#include "testkit/call.h"
#include "testkit/call_token.h"

namespace swapi::cli {

namespace {

struct CallOptions {
  std::vector<std::string> words;  // [METHOD] PATH|URL
  std::string base;
  std::vector<std::string> headers;
  std::optional<std::string> data;
  std::string token;
  std::vector<std::string> scopes;
  std::string defect;
  std::string keys_dir, iss, aud;
  std::optional<int> expect;
  std::vector<std::string> expect_json;
  std::vector<std::string> expect_header;
  bool include = false;
  bool json = false;
  double timeout = 10;
  std::string cacert;
};

void add_options(CLI::App& cmd, CallOptions& o) {
  cmd.add_option("target", o.words, "[METHOD] PATH|URL: a path is resolved against --base")
      ->required()->expected(1, 2)->type_name("");
  cmd.add_option("--base", o.base, "Base URL for a PATH (default $SWAPI_URL, else http://127.0.0.1:8080)")->type_name("URL");
  cmd.add_option("-H,--header", o.headers, "Send this header, 'Name: value', repeatable")->type_name("'K: V'");
  cmd.add_option("-d,--data", o.data, "Send this body (@FILE reads a file, @- stdin); the method defaults to POST")->type_name("DATA");
  auto* token = cmd.add_option("--token", o.token, "Send 'Authorization: Bearer TOKEN'")->type_name("TOKEN");
  auto* scope = cmd.add_option("--scope", o.scopes, "Mint a token with these scopes (local keyset's active key), "
                               "repeatable or comma-separated")->delimiter(',')->type_name("SCOPE");
  auto* defect = cmd.add_option("--defect", o.defect, "Send this defective token from the catalogue (a defect or case "
                                "name; see swapi token defects)")->type_name("NAME");
  token->excludes(scope);
  token->excludes(defect);
  add_state_dir_option(cmd, o.keys_dir, "the keyset that signs");
  cmd.add_option("--iss", o.iss, "Issuer of a minted token (default: what the last swapi serve recorded)")
      ->type_name("ISSUER");
  cmd.add_option("--aud", o.aud, "Audience of a minted token (default: recorded, else https://starwarsapi.com)")
      ->type_name("AUDIENCE");
  cmd.add_option("--expect", o.expect, "Exit 1 unless the status is CODE")->check(whole_number_in(100, 599))->type_name("CODE");
  cmd.add_option("--expect-json", o.expect_json,
                 "Exit 1 unless the body holds JSON at an RFC 6901 pointer: /count=6, /results/0/name=\"Luke Skywalker\"")->type_name("POINTER=JSON");
  cmd.add_option("--expect-header", o.expect_header, "Exit 1 unless the answer has this header, 'Name: value' exactly")->type_name("'K: V'");
  auto* include = cmd.add_flag("-i,--include", o.include, "Print the status line and the headers before the body");
  auto* json = cmd.add_flag("--json", o.json, "Print {status, headers, body, time} as one JSON object");
  include->excludes(json);
  add_timeout_option(cmd, o.timeout, "Give up after this many seconds (default 10)");
  cmd.add_option("--cacert", o.cacert, "Trust this PEM certificate (bundle) for https (e.g. the certificate a local swapi serve uses)")
      ->check(CLI::ExistingFile)->type_name("FILE");
}

// RFC 9110 §9.1: a method is a token; people type "get" as often as "GET".
std::string method_word(const std::string& word) {
  bool letters = !word.empty();
  for (char c : word) letters = letters && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
  if (!letters)
    throw UsageError("call", "'" + word + "' is not an HTTP method", "usage: swapi call [METHOD] PATH|URL");
  return base::to_upper(word);
}

std::string read_body(const std::string& data, Context& context) {
  if (!data.starts_with('@')) return data;
  std::string path = data.substr(1);
  if (path == "-") {
    if (!context.in) return {};
    return std::string(std::istreambuf_iterator<char>(*context.in), {});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw base::Diagnostic("call -d @" + path, "cannot read the file", "give a readable file, or @- for stdin");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

testkit::CallSpec make_spec(const CallOptions& o, Context& context) {
  testkit::CallSpec spec;
  if (o.words.size() == 2) spec.method = method_word(o.words[0]);
  std::string base = !o.base.empty() ? o.base : context.getenv("SWAPI_URL");
  if (base.empty()) base = testkit::kDefaultBaseUrl;
  spec.url = testkit::resolve_url(o.words.back(), base);
  for (const auto& line : o.headers) spec.headers.push_back(testkit::parse_header_line(line, "-H"));
  if (o.data) spec.body = read_body(*o.data, context);
  bool wants_token = !o.token.empty() || !o.scopes.empty() || !o.defect.empty();
  if (wants_token) {
    const char* option = !o.token.empty() ? "--token" : !o.defect.empty() ? "--defect" : "--scope";
    for (const auto& header : spec.headers)
      if (base::iequals(header.name, "Authorization"))
        throw UsageError(std::string("call ") + option, "an Authorization header is given with -H too",
                         "give the token once");
  }
  if (!o.token.empty()) {
    // A CR or LF would end the Authorization line and start a header of its own (curl sends
    // what it is given); a token never holds one, a Windows file's "$(cat token)" does.
    if (std::any_of(o.token.begin(), o.token.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
      throw UsageError("call --token", "the token holds a control character (CR, LF, tab...)",
                       "pass the token alone; a file saved on Windows ends in CR: tr -d '\\r' < FILE");
    spec.credentials = {testkit::Credentials::Placement::header, "Bearer", o.token};
  } else if (wants_token) {
    testkit::CallTokenRequest request;
    request.scopes = o.scopes;
    request.defect = o.defect;
    request.method = testkit::build_request(spec).method;
    request.url = spec.url;
    request.issuer = {state_dir(context, o.keys_dir), o.iss, o.aud, state_warnings(context)};
    request.now = context.now();
    spec.credentials = testkit::make_call_token(request).credentials;
  }
  spec.timeout = std::chrono::milliseconds(static_cast<long long>(o.timeout * 1000));
  spec.ca_file = o.cacert;
  return spec;
}

testkit::Expectations make_expectations(const CallOptions& o) {
  testkit::Expectations expectations;
  expectations.status = o.expect;
  for (const auto& text : o.expect_json) expectations.json.push_back(testkit::parse_json_expectation(text));
  for (const auto& line : o.expect_header)
    expectations.headers.push_back(testkit::parse_header_line(line, "--expect-header"));
  return expectations;
}

int run_call(const CallOptions& o, Context& context) {
  // Every input is checked before anything is sent: a typo never costs a request.
  testkit::Expectations expectations = make_expectations(o);
  testkit::CallSpec spec = make_spec(o, context);
  testkit::CallOutcome outcome = testkit::perform_call(spec);

  auto& out = *context.out;
  if (o.json) {
    out << testkit::outcome_json(outcome).dump(context.out_is_tty ? 2 : -1, ' ', false,
                                               nlohmann::json::error_handler_t::replace)
        << "\n";
  } else {
    if (o.include) out << testkit::head_text(outcome.response);
    out << testkit::body_text(outcome.response, context.out_is_tty);
  }
  out << std::flush;

  auto unmet = testkit::unmet_expectations(expectations, outcome.response);
  for (const auto& line : unmet) *context.err << "swapi: call " << testkit::redacted_url(spec.url) << ": " << line << "\n";
  return unmet.empty() ? kSuccess : kCheckFailed;
}

}  // namespace

Action setup_call(CLI::App& app, Context& context) {
  auto options = std::make_shared<CallOptions>();
  auto* cmd = app.add_subcommand("call", "Call an endpoint with or without a token and check the answer");
  add_options(*cmd, *options);
  cmd->footer("Exit codes: 0 the answer met every --expect, 1 one did not, 2 usage, 3 no answer "
              "(refused, DNS, TLS, timeout). See swapi-call(1).");
  return [options, &context] { return run_call(*options, context); };
}

}  // namespace swapi::cli
