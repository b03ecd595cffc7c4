// `swapi serve`: parse options, start the server, print the banner, stop on SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <csignal>
#include <ostream>
#include <pthread.h>
#include <thread>

#include "base/diagnostic.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/usage.h"
#include "server/server.h"
#include "server/web/cors.h"

namespace swapi::cli {

namespace {

void add_options(CLI::App& cmd, server::ServeOptions& o, std::string& token_ttl) {
  cmd.add_option("--host", o.host, "Address to listen on")->check(kNonEmpty)->capture_default_str();
  cmd.add_option("--port", o.port, "Port to listen on (0 picks a free port)")
      ->check(whole_number_in(0, 65535))->capture_default_str();
  cmd.add_option("--flavor", o.flavor, "REST flavor: swapi (as swapi.dev) or loopback (LoopBack 3)")
      ->check(CLI::IsMember({"swapi", "loopback"}))->capture_default_str();
  cmd.add_option("--data", o.data_dir, "Load the dataset from DIR/{films,people,...}.json instead of the built-in one")
      ->check(CLI::ExistingDirectory);
  cmd.add_option("--persist", o.persist_file, "loopback: load writes from FILE at start and save each write to it")
      ->check(kNonEmpty);
  cmd.add_option("--ready-file", o.ready_file, "Write the server's URL to FILE once it is listening");
  auto* cert = cmd.add_option("--tls-cert", o.tls_cert, "Serve HTTPS with this PEM certificate (needs --tls-key)");
  auto* key = cmd.add_option("--tls-key", o.tls_key, "PEM private key for --tls-cert");
  cert->needs(key);
  key->needs(cert);
  cmd.add_option("--max-threads,--threads", o.max_threads,
                 "Most worker threads (default 16); the pool grows under load and shrinks when idle")
      ->check(whole_number_in(1, 1024));
  cmd.add_option("--request-timeout", o.request_timeout,
                 "Seconds a request (head and body) may take to arrive, or 408 (default 10)")
      ->check(whole_number_in(1, 3600));
  cmd.add_option("--idle-timeout", o.idle_timeout, "Seconds an idle keep-alive connection is kept open (default 5)")
      ->check(whole_number_in(1, 3600));
  cmd.add_option("--log-format", o.log_format, "Access log format on stderr: text or json")
      ->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd.add_option("--cors", o.cors_origins, "Let web pages from ORIGIN (e.g. http://localhost:3000) call this "
                 "server, repeatable; '*' lets any origin (bearer tokens only: no cookies are ever allowed). "
                 "Off by default")->type_name("ORIGIN");

  auto* auth = "Authentication";
  cmd.add_flag("--no-auth", o.no_auth, "Turn authentication off: every route is open")->group(auth);
  add_state_dir_option(cmd, o.keys_dir, "the keyset and clients")->group(auth);
  cmd.add_option("--issuer", o.issuer, "Expected iss, exact (default: this server's URL + '/')")
      ->check(kNonEmpty)->group(auth);
  cmd.add_option("--audience", o.audiences, "Expected aud, repeatable (default https://starwarsapi.com)")
      ->check(kNonEmpty)->group(auth);
  auto* uri = cmd.add_option("--jwks-uri", o.jwks_uri, "Trust the keys published at this JWKS URL (https, or http to loopback)")->group(auth);
  cmd.add_option("--jwks-proxy", o.jwks_proxy, "Fetch an https --jwks-uri through this proxy (http://HOST:PORT, socks5h://...); "
                 "http_proxy and the other proxy variables are never used")->needs(uri)->group(auth);
  auto* file = cmd.add_option("--jwks-file", o.jwks_file, "Trust the public keys in this JWKS file")
      ->check(CLI::ExistingFile)->group(auth);
  uri->excludes(file);
  cmd.add_option("--jwks-max-age", o.jwks_max_age, "Seconds a fetched JWKS is used before refreshing (default 600, "
                 "or the response's Cache-Control max-age)")->check(whole_number_in(1, 86400))->group(auth);
  cmd.add_option("--jwks-rpm", o.jwks_rpm, "At most this many JWKS refetches a minute for unknown kids (default 10)")
      ->check(whole_number_in(0, 600))->group(auth);
  // An empty --alg ('' or "RS256,") would silently mean "the default".
  cmd.add_option("--alg", o.algs, "Allowed algorithms, comma-separated (default: those of the trusted keys)")
      ->delimiter(',')->check(kNonEmpty)->group(auth);
  cmd.add_option("--leeway", o.leeway, "Clock skew allowed for exp/nbf/iat, seconds (default 5)")
      ->check(whole_number_in(0, 3600))->group(auth);
  cmd.add_flag_function("--no-require-exp", [&o](std::int64_t) { o.require_exp = false; }, "Accept tokens without exp")->group(auth);
  cmd.add_option("--require-typ", o.require_typ, "Require the typ header to be one of these (e.g. at+jwt), comma-separated")
      ->delimiter(',')->group(auth);
  cmd.add_option("--policy", o.policy_file, "JSON policy: method + path pattern -> required scopes or public")
      ->check(CLI::ExistingFile)->group(auth);
  cmd.add_option("--public", o.public_paths, "Serve this path (or prefix ending in *) without a token, repeatable")->group(auth);
  cmd.add_flag("--allow-query-token", o.allow_query_token, "Also accept ?access_token= (RFC 6750 section 2.3; off by default)")->group(auth);
  auto* client = cmd.add_option("--client", o.clients,
                 "Add an OAuth client for POST /oauth/token, repeatable: ID:@FILE:SCOPES reads the secret from "
                 "FILE, ID:env:VAR:SCOPES from $VAR, ID:SECRET:SCOPES takes it as given (visible in ps and "
                 "shell history); scopes space- or comma-separated")->group(auth);
  auto* ttl = cmd.add_option("--token-ttl", token_ttl, "Lifetime of the tokens POST /oauth/token issues: 3600, 15m, "
                             "1h, 2d (default 86400 s, as Auth0)")->type_name("DURATION")->group(auth);
  auto* permissions = cmd.add_flag("--permissions-claim", o.permissions_claim,
                                   "Issued tokens also carry the granted scopes as a \"permissions\" array, as Auth0 "
                                   "RBAC does with 'Add Permissions in the Access Token'")->group(auth);
  cmd.add_flag("--admin", o.admin, "Scenario control: the /_swapi/ routes for faults, actions and stats, answered to "
               "loopback clients with a swapi:admin token (swapi fault, swapi stats)")->group("Scenario control");
  // With another issuer's keys this server issues no tokens: a client would be a dead letter.
  for (auto* issuing : {client, ttl, permissions}) {
    issuing->excludes(uri);
    issuing->excludes(file);
  }
}

// What CLI11 cannot say in a rule: option values that make no sense together.
void check_combinations(server::ServeOptions& o, const std::string& token_ttl) {
  // The swapi flavor is read-only (as swapi.dev): a --persist file would never be written.
  if (!o.persist_file.empty() && o.flavor != "loopback")
    throw UsageError("serve --persist", "the " + o.flavor + " flavor is read-only: there are no writes to persist",
                     "add --flavor loopback (its POST/PUT/PATCH/DELETE write), or drop --persist");
  if (!token_ttl.empty()) {
    o.token_ttl = parse_duration(token_ttl, "--token-ttl");
    if (o.token_ttl <= 0)
      throw UsageError("serve --token-ttl", "'" + token_ttl + "' is not a positive duration",
                       "give a lifetime such as 3600, 15m or 1h (to test expired tokens: swapi token mint --ttl -1h)");
  }
}

// SIGINT and SIGTERM stop serve. They are blocked in every thread and taken by one watcher
// thread with sigwait. A thread inherits its creator's mask, so they are blocked first thing,
// before the server exists: a thread started earlier (the JWKS refresher, libcurl's resolver)
// would take the signal with its default action and kill the process (exit 143) instead.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // our own wake-up when run() ends for another reason
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Waits for a stop signal and stops the server: in-flight requests finish, then run() returns.
// A signal sent while serve was still starting stayed pending under the mask and is taken at
// once (Server::stop before run() makes run() return at once).
class SignalWatcher {
 public:
  SignalWatcher(server::Server& server, const sigset_t& set) : set_(set) {
    thread_ = std::thread([this, &server] {
      int signal = 0;
      sigwait(&set_, &signal);
      if (signal != SIGUSR1) server.stop(signal == SIGINT ? "SIGINT received" : "SIGTERM received");
    });
  }
  ~SignalWatcher() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  sigset_t set_{};
  std::thread thread_;
};

// How to get in: with auth on, where tokens come from (never a secret: banners end up in
// terminals and CI logs), the --public/--policy rules, and a call with the token; without, a
// plain call. With TLS every curl trusts the server's certificate (--cacert).
std::string token_lines(const server::Server& server, const server::ServeOptions& options) {
  std::string example = server.base_url() + "/api/films/1/";
  std::string curl = "curl " + server.curl_options();
  auto help = server.token_help();
  if (options.no_auth || help.empty()) return "  try:  " + curl + example + "\n";
  std::string lines;
  for (const auto& rule : server.auth_rules()) lines += "  rule: " + rule + "\n";
  for (const auto& line : help) lines += "  " + line.label + ": " + line.text + "\n";
  return lines + "  try:  " + curl + "-H \"Authorization: Bearer $TOKEN\" " + example + "\n";
}

int run_serve(const server::ServeOptions& options, Context& context) {
  sigset_t stop_signals = block_stop_signals();  // before anything can start a thread
  server::Server server(options, *context.err);
  server.bind();
  SignalWatcher watcher(server, stop_signals);
  auto& out = *context.out;
  out << "swapi serve: " << options.flavor << " flavor listening on " << server.base_url() << "\n"
      << "  auth: " << server.auth_summary() << "\n"
      << token_lines(server, options)
      << (options.admin ? "  admin: scenario control on: swapi fault, swapi stats (loopback clients, swapi:admin token)\n" : "")
      << "  explorer: " << server.base_url() << "/explorer/ (in a browser)\n"
      << "  stop: Ctrl-C\n"
      << std::flush;
  server.write_ready_file();
  server.run();
  return kSuccess;
}

}  // namespace

Action setup_serve(CLI::App& app, Context& context) {
  auto options = std::make_shared<server::ServeOptions>();
  auto token_ttl = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("serve", "Run the local Star Wars API, protected by JWTs");
  add_options(*cmd, *options, *token_ttl);
  return [options, token_ttl, &context] {
    check_combinations(*options, *token_ttl);
    try {  // a malformed --cors origin is a usage error, found before anything starts
      server::CorsPolicy check(options->cors_origins);
    } catch (const base::Diagnostic& e) {
      throw UsageError(e.what_failed, e.why, e.hint);
    }
    options->env_swapi_home = context.getenv("SWAPI_HOME");
    options->env_xdg_state_home = context.getenv("XDG_STATE_HOME");
    options->env_home = context.getenv("HOME");
    options->env = [&context](std::string_view name) { return context.getenv(std::string(name)); };
    return run_serve(*options, context);
  };
}

}  // namespace swapi::cli
