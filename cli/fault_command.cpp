// `swapi fault jwks|token|discovery|api|clock|claims|list|clear` (DESIGN.md "Scenario control"):
// parse the options into the JSON a running `swapi serve --admin` takes, send it
// (testkit/admin_client.h), print what the server says.
#include <CLI/CLI.hpp>
#include <iomanip>
#include <ostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "server/admin/fault_rules.h"
#include "testkit/admin_client.h"

namespace swapi::cli {

namespace {

struct FaultOptions {
  std::string base, keys_dir;
  std::optional<int> status;
  std::string delay, duration, skew, path;
  std::string body;
  std::vector<std::string> drop_kids;
  std::optional<std::string> cache_control;
  std::optional<std::int64_t> count;
  std::vector<std::string> claims;
  bool json = false;
  std::optional<std::uint64_t> id;  // clear ID
};

// "500ms", "2s", "1m", or seconds ("3"): a delay may be shorter than a second. Checked here
// against the server's bound, so the error names --delay and not the JSON member it becomes.
std::int64_t parse_delay_ms(const std::string& text) {
  constexpr std::int64_t kMaxDelayMs = server::kMaxDelay.count();
  constexpr const char* kHint = "use 500ms, 2s, 1m (at most 10m)";
  std::int64_t ms = 0;
  if (text.ends_with("ms")) {
    std::string digits = text.substr(0, text.size() - 2);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() >= 10)
      throw UsageError("fault --delay", "'" + text + "' is not a delay", kHint);
    ms = std::stoll(digits);
  } else {
    std::int64_t seconds = parse_duration(text, "fault --delay");
    if (seconds < 0) throw UsageError("fault --delay", "a delay cannot be negative", kHint);
    ms = seconds > kMaxDelayMs ? kMaxDelayMs + 1 : seconds * 1000;
  }
  if (ms > kMaxDelayMs) throw UsageError("fault --delay", "'" + text + "' is longer than 10m, the longest delay", kHint);
  return ms;
}

void add_target_options(CLI::App& cmd, FaultOptions& o) {
  cmd.add_option("--base", o.base, "The swapi serve --admin to talk to (default $SWAPI_URL, else http://127.0.0.1:8080)")
      ->type_name("URL");
  add_state_dir_option(cmd, o.keys_dir);
}

// --status, --delay, --count and --for: what every route fault has.
void add_route_options(CLI::App& cmd, FaultOptions& o) {
  cmd.add_option("--status", o.status, "Answer this HTTP status instead (e.g. 503)")->check(CLI::Range(200, 599))
      ->type_name("CODE");
  cmd.add_option("--delay", o.delay, "Wait this long before answering: 500ms, 2s, 1m")->type_name("TIME");
  cmd.add_option("--count", o.count, "Only for the next N requests (default: until cleared)")
      ->check(CLI::PositiveNumber)->type_name("N");
  cmd.add_option("--for", o.duration, "Only for this long: 30s, 10m, 1h (default: until cleared)")->type_name("TIME");
  add_target_options(cmd, o);
}

nlohmann::json route_fault(const std::string& route, const FaultOptions& o) {
  nlohmann::json body = {{"route", route}};
  if (o.status) body["status"] = *o.status;
  if (!o.delay.empty()) body["delay_ms"] = parse_delay_ms(o.delay);
  if (o.count) body["count"] = *o.count;
  if (!o.duration.empty()) {
    std::int64_t seconds = parse_duration(o.duration, "fault --for");
    if (seconds <= 0) throw UsageError("fault --for", "the duration must be positive", "use 30s, 10m, 1h");
    body["for"] = seconds;
  }
  if (!o.body.empty()) body["body"] = o.body;
  if (!o.drop_kids.empty()) body["drop_kid"] = o.drop_kids;
  if (o.cache_control) body["cache_control"] = *o.cache_control == "none" ? "" : *o.cache_control;
  if (!o.path.empty()) body["path"] = o.path;
  bool effect = o.status || !o.delay.empty() || !o.body.empty() || !o.drop_kids.empty() || o.cache_control;
  if (!effect)
    throw UsageError("fault " + route, "the fault does nothing",
                     route == "jwks" ? "give --status, --delay, --body, --drop-kid or --cache-control"
                                     : "give --status or --delay");
  return body;
}

testkit::AdminTarget target_of(const FaultOptions& o, const Context& context) {
  return admin_target(context, o.base, o.keys_dir);
}

int add_fault(const std::string& route, const nlohmann::json& body, const FaultOptions& o, Context& context) {
  auto answer = testkit::admin_request(target_of(o, context), "POST", "faults", body, "fault " + route);
  *context.out << answer.value("id", 0) << "\n";
  *context.err << "swapi fault: #" << answer.value("id", 0) << " " << answer.value("description", "") << "\n";
  return kSuccess;
}

int list_faults(const FaultOptions& o, Context& context) {
  auto answer = testkit::admin_request(target_of(o, context), "GET", "faults", std::nullopt, "fault list");
  auto& out = *context.out;
  if (o.json) {
    out << answer.dump(2) << "\n";
    return kSuccess;
  }
  const auto& faults = answer["faults"];
  if (faults.empty()) out << "no faults\n";
  for (const auto& fault : faults) {
    out << "#" << std::left << std::setw(4) << fault.value("id", 0) << " " << fault.value("description", "");
    std::vector<std::string> left;
    if (fault.contains("remaining")) left.push_back(std::to_string(fault["remaining"].get<std::uint64_t>()) + " left");
    if (fault.contains("seconds_left")) left.push_back(std::to_string(fault["seconds_left"].get<std::int64_t>()) + " s left");
    left.push_back(std::to_string(fault.value("applied", 0)) + " applied");
    out << " (";
    for (std::size_t i = 0; i < left.size(); ++i) out << (i ? ", " : "") << left[i];
    out << ")\n";
  }
  if (answer.value("skew", 0) != 0) out << "clock skew in force: " << answer["skew"].get<std::int64_t>() << " s\n";
  if (answer.contains("extra_claims") && answer["extra_claims"].is_object())
    out << "extra claims for the next " << answer["extra_claims"].value("remaining", 0)
        << " tokens: " << answer["extra_claims"]["claims"].dump() << "\n";
  return kSuccess;
}

int clear_faults(const FaultOptions& o, Context& context) {
  if (o.id) {
    testkit::admin_request(target_of(o, context), "DELETE", "faults/" + std::to_string(*o.id), std::nullopt, "fault clear");
    *context.err << "swapi fault: removed #" << *o.id << "\n";
    return kSuccess;
  }
  auto answer = testkit::admin_request(target_of(o, context), "DELETE", "faults", std::nullopt, "fault clear");
  std::size_t cleared = answer.value("cleared", 0);
  *context.err << "swapi fault: cleared " << cleared << (cleared == 1 ? " fault" : " faults") << "\n";
  return kSuccess;
}

int extra_claims(const FaultOptions& o, Context& context) {
  nlohmann::json claims = nlohmann::json::object();
  for (const auto& text : o.claims) {
    auto [name, value] = parse_member(text, "fault claims --claim");
    claims[name] = value;
  }
  nlohmann::json body = {{"claims", claims}, {"count", o.count.value_or(1)}};
  auto answer = testkit::admin_request(target_of(o, context), "POST", "actions/claims", body, "fault claims");
  *context.err << "swapi fault: the next " << answer.value("remaining", 0) << " token(s) from /oauth/token carry "
               << claims.dump() << "\n";
  return kSuccess;
}

}  // namespace

testkit::AdminTarget admin_target(const Context& context, const std::string& base_option, const std::string& keys_option) {
  testkit::AdminTarget target;
  target.base_url = !base_option.empty() ? base_option : context.getenv("SWAPI_URL");
  if (target.base_url.empty()) target.base_url = "http://127.0.0.1:8080";
  target.state_dir = state_dir(context, keys_option);
  target.now = context.now();
  return target;
}

Action setup_fault(CLI::App& app, Context& context) {
  auto o = std::make_shared<FaultOptions>();
  auto* fault = app.add_subcommand("fault", "Make a running swapi serve --admin misbehave: faults on its routes, a clock skew");
  fault->require_subcommand(1);
  fault->footer("Each fault lasts for --count requests, --for a duration, or until `swapi fault clear`.\n"
                "The server is the one at --base (default $SWAPI_URL, else http://127.0.0.1:8080); it must run with --admin.");

  auto* jwks = fault->add_subcommand("jwks", "Fault GET /.well-known/jwks.json");
  add_route_options(*jwks, *o);
  jwks->add_option("--body", o->body, "Serve this instead of the key set: garbage, empty-set or truncated")
      ->check(CLI::IsMember({"garbage", "empty-set", "truncated"}))->type_name("KIND");
  jwks->add_option("--drop-kid", o->drop_kids, "Leave the key with this kid out of the set, repeatable")->type_name("KID");
  jwks->add_option("--cache-control", o->cache_control, "Send this Cache-Control value ('none' sends no header)")
      ->type_name("VALUE");

  auto* token = fault->add_subcommand("token", "Fault POST /oauth/token");
  add_route_options(*token, *o);
  auto* discovery = fault->add_subcommand("discovery", "Fault GET /.well-known/openid-configuration");
  add_route_options(*discovery, *o);
  auto* api = fault->add_subcommand("api", "Fault /api paths");
  add_route_options(*api, *o);
  api->add_option("--path", o->path, "The path, or a prefix ending in * (default /api*)")->type_name("PATTERN");

  auto* clock = fault->add_subcommand("clock", "Skew the clock the issuer stamps iat/exp with and the guard checks against");
  clock->add_option("--skew", o->skew, "Seconds to add, may be negative: 3600, -5m, 1h")->required()->type_name("TIME");
  clock->add_option("--for", o->duration, "Only for this long (default: until cleared)")->type_name("TIME");
  add_target_options(*clock, *o);

  auto* claims = fault->add_subcommand("claims", "Add claims to the next tokens POST /oauth/token issues");
  claims->add_option("--claim", o->claims, "name=value (JSON or text; null removes a claim), repeatable")
      ->required()->type_name("K=V");
  claims->add_option("--count", o->count, "For the next N tokens (default 1)")->check(CLI::PositiveNumber)->type_name("N");
  add_target_options(*claims, *o);

  auto* list = fault->add_subcommand("list", "List the active faults, the clock skew and pending extra claims");
  list->add_flag("--json", o->json, "Print the server's JSON");
  add_target_options(*list, *o);

  auto* clear = fault->add_subcommand("clear", "Remove every fault, the skew and pending extra claims (or fault ID)");
  clear->add_option("ID", o->id, "Remove only this fault")->type_name("ID");
  add_target_options(*clear, *o);

  return [o, &context, jwks, token, discovery, api, clock, claims, list, clear]() -> int {
    for (auto* route : {jwks, token, discovery, api})
      if (route->parsed()) return add_fault(route->get_name(), route_fault(route->get_name(), *o), *o, context);
    if (clock->parsed()) {
      nlohmann::json body = {{"route", "clock"}, {"skew", parse_duration(o->skew, "fault clock --skew")}};
      if (!o->duration.empty()) {
        std::int64_t seconds = parse_duration(o->duration, "fault clock --for");
        if (seconds <= 0) throw UsageError("fault clock --for", "the duration must be positive", "use 30s, 10m, 1h");
        body["for"] = seconds;
      }
      return add_fault("clock", body, *o, context);
    }
    if (claims->parsed()) return extra_claims(*o, context);
    if (list->parsed()) return list_faults(*o, context);
    if (clear->parsed()) return clear_faults(*o, context);
    return kUsage;
  };
}

}  // namespace swapi::cli
