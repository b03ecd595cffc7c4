// `swapi serve`: parse options, start the server, print the banner, stop on SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <csignal>
#include <ostream>
#include <pthread.h>
#include <thread>

#include "base/diagnostic.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "server/server.h"
#include "server/web/cors.h"

namespace swapi::cli {

namespace {

void add_options(CLI::App& cmd, server::ServeOptions& o) {
  cmd.add_option("--host", o.host, "Address to listen on")->capture_default_str();
  cmd.add_option("--port", o.port, "Port to listen on (0 picks a free port)")
      ->check(CLI::Range(0, 65535))->capture_default_str();
  cmd.add_option("--flavor", o.flavor, "REST flavor: swapi (as swapi.dev) or loopback (LoopBack 3)")
      ->check(CLI::IsMember({"swapi", "loopback"}))->capture_default_str();
  cmd.add_option("--data", o.data_dir, "Load the dataset from DIR/{films,people,...}.json instead of the built-in one")
      ->check(CLI::ExistingDirectory);
  cmd.add_option("--persist", o.persist_file, "loopback: load writes from FILE at start and save each write to it");
  cmd.add_option("--ready-file", o.ready_file, "Write the server's URL to FILE once it is listening");
  auto* cert = cmd.add_option("--tls-cert", o.tls_cert, "Serve HTTPS with this PEM certificate (needs --tls-key)");
  auto* key = cmd.add_option("--tls-key", o.tls_key, "PEM private key for --tls-cert");
  cert->needs(key);
  key->needs(cert);
  cmd.add_option("--threads", o.threads, "Worker threads (default 64; each keep-alive connection holds one)")
      ->check(CLI::Range(1, 1024));
  cmd.add_option("--log-format", o.log_format, "Access log format on stderr: text or json")
      ->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd.add_option("--cors", o.cors_origins, "Let web pages from ORIGIN (e.g. http://localhost:3000) call this "
                 "server, repeatable; '*' lets any origin (bearer tokens only: no cookies are ever allowed). "
                 "Off by default")->type_name("ORIGIN");

  auto* auth = "Authentication";
  cmd.add_flag("--no-auth", o.no_auth, "Turn authentication off: every route is open")->group(auth);
  cmd.add_option("--keys", o.keys_dir, "State dir with the keyset and clients (default $SWAPI_HOME, "
                 "$XDG_STATE_HOME/swapi, ~/.local/state/swapi)")->group(auth);
  cmd.add_option("--issuer", o.issuer, "Expected iss, exact (default: this server's URL + '/')")->group(auth);
  cmd.add_option("--audience", o.audiences, "Expected aud, repeatable (default https://starwarsapi.com)")->group(auth);
  auto* uri = cmd.add_option("--jwks-uri", o.jwks_uri, "Trust the keys published at this JWKS URL (https, or http to loopback)")->group(auth);
  cmd.add_option("--jwks-proxy", o.jwks_proxy, "Fetch an https --jwks-uri through this proxy (http://HOST:PORT, socks5h://...); "
                 "http_proxy and the other proxy variables are never used")->needs(uri)->group(auth);
  auto* file = cmd.add_option("--jwks-file", o.jwks_file, "Trust the public keys in this JWKS file")
      ->check(CLI::ExistingFile)->group(auth);
  uri->excludes(file);
  cmd.add_option("--jwks-max-age", o.jwks_max_age, "Seconds a fetched JWKS is used before refreshing (default 600, "
                 "or the response's Cache-Control max-age)")->check(CLI::Range(1, 86400))->group(auth);
  cmd.add_option("--jwks-rpm", o.jwks_rpm, "At most this many JWKS refetches a minute for unknown kids (default 10)")
      ->check(CLI::Range(0, 600))->group(auth);
  cmd.add_option("--alg", o.algs, "Allowed algorithms, comma-separated (default: those of the trusted keys)")
      ->delimiter(',')->group(auth);
  cmd.add_option("--leeway", o.leeway, "Clock skew allowed for exp/nbf/iat, seconds (default 5)")
      ->check(CLI::Range(0, 3600))->group(auth);
  cmd.add_flag_function("--no-require-exp", [&o](std::int64_t) { o.require_exp = false; }, "Accept tokens without exp")->group(auth);
  cmd.add_option("--require-typ", o.require_typ, "Require the typ header to be one of these (e.g. at+jwt), comma-separated")
      ->delimiter(',')->group(auth);
  cmd.add_option("--policy", o.policy_file, "JSON policy: method + path pattern -> required scopes or public")
      ->check(CLI::ExistingFile)->group(auth);
  cmd.add_option("--public", o.public_paths, "Serve this path (or prefix ending in *) without a token, repeatable")->group(auth);
  cmd.add_flag("--allow-query-token", o.allow_query_token, "Also accept ?access_token= (RFC 6750 §2.3; off by default)")->group(auth);
  auto* client = cmd.add_option("--client", o.clients,
                 "Add an OAuth client for POST /oauth/token, repeatable: ID:@FILE:SCOPES reads the secret from "
                 "FILE, ID:env:VAR:SCOPES from $VAR, ID:SECRET:SCOPES takes it as given (visible in ps and "
                 "shell history); scopes space- or comma-separated")->group(auth);
  // With another issuer's keys this server issues no tokens: a client would be a dead letter.
  client->excludes(uri);
  client->excludes(file);
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
// terminals and CI logs) and a call with the token; without, a plain call.
std::string token_lines(const server::Server& server, const server::ServeOptions& options) {
  std::string example = server.base_url() + "/api/films/1/";
  auto help = server.token_help();
  if (options.no_auth || help.empty()) return "  try:  curl " + example + "\n";
  std::string lines;
  for (const auto& line : help) lines += "  " + line.label + ": " + line.text + "\n";
  return lines + "  try:  curl -H \"Authorization: Bearer $TOKEN\" " + example + "\n";
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
  auto* cmd = app.add_subcommand("serve", "Run the local Star Wars API, protected by JWTs");
  add_options(*cmd, *options);
  return [options, &context] {
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
