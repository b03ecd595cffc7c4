#include "server/server.h"

#include <httplib.h>

#include <sys/socket.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <ostream>
#include <thread>

#include "base/diagnostic.h"
#include "server/auth/auth_setup.h"
#include "server/auth/request_guard.h"
#include "server/data/dataset.h"
#include "server/data/store.h"
#include "server/issuer/issuer.h"
#include "server/keyset_reloader.h"
#include "server/loopback/loopback_routes.h"
#include "server/openapi.h"
#include "server/swapi/swapi_routes.h"
#include "server/web/access_log.h"
#include "server/web/base_url.h"
#include "server/web/body_framing.h"
#include "server/web/cors.h"
#include "server/web/explorer.h"
#include "server/web/flavor_context.h"
#include "server/web/json_response.h"
#include "state/client_registry.h"

namespace swapi::server {

namespace {

// cpp-httplib's macro defaults (5 requests per keep-alive connection, 5 s timeouts, no
// TCP_NODELAY, a pool of hardware_concurrency-1 threads) are not our contract; each value is
// chosen here deliberately.
//  - A keep-alive connection holds a worker for its whole life, so the pool must be larger
//    than the number of concurrent clients we expect (wrk -c32, a browser's 6, a test suite)
//    and idle connections must be dropped quickly: 64 workers, 2 s idle keep-alive timeout.
//  - Without TCP_NODELAY every keep-alive response waits ~40 ms on a delayed ACK.
//  - 1000 requests per connection, so load is not spent on reconnects.
//  - 5 s read/write timeouts. cpp-httplib applies them to each recv/send, not to a request:
//    a client that stops mid-request loses its worker after 5 s, but one that sends a byte
//    every few seconds keeps it for as long as it likes (the 2 s keep-alive timeout only
//    covers the wait for a request's first byte).
//  - 1 MiB payload limit: the largest legitimate write is a few KB of JSON.
constexpr int kDefaultThreads = 64;
constexpr std::size_t kKeepAliveMaxCount = 1000;
constexpr time_t kKeepAliveTimeoutSeconds = 2;
constexpr time_t kReadWriteTimeoutSeconds = 5;
constexpr std::size_t kPayloadMaxBytes = 1 << 20;

std::unique_ptr<httplib::Server> make_http_server(const ServeOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty())
    throw base::Diagnostic("serve", "--tls-cert and --tls-key go together", "give both files, or neither");
  if (options.tls_cert.empty()) return std::make_unique<httplib::Server>();
  for (const auto& file : {options.tls_cert, options.tls_key}) {
    if (!std::ifstream(file))
      throw base::Diagnostic("serve: TLS", "cannot read " + file, "check the path and permissions");
  }
  auto server = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
  if (!server->is_valid())
    throw base::Diagnostic("serve: TLS", "cannot load certificate " + options.tls_cert + " with key " + options.tls_key,
                       "both must be PEM files and the key must match the certificate");
  return server;
}

}  // namespace

struct Server::Impl {
  ServeOptions options;
  AccessLog log;
  std::unique_ptr<Store> store;
  std::unique_ptr<LocalIssuer> issuer;  // declared before http: outlives the routes using it
  std::unique_ptr<httplib::Server> http;
  std::unique_ptr<RequestGuard> guard;
  CorsPolicy cors;  // --cors: preflights before the guard, headers on every answer
  const AuthGuard* auth = nullptr;  // the guard, for the banner; null with --no-auth
  std::shared_ptr<LocalKeySource> local_keys;  // what the guard trusts, when it is the local keyset
  std::string scheme;
  std::string base_url;
  int port = 0;
  std::unique_ptr<KeysetReloader> reloader;  // last: stops before what it updates goes away

  std::mutex run_mutex;  // orders run() and stop(): a stop that comes first is never lost
  bool stop_requested = false;
  bool run_called = false;
  std::atomic<bool> run_ended{false};

  Impl(ServeOptions opts, std::ostream& log_stream)
      : options(std::move(opts)), log(log_stream, options.log_format == "json"), cors(options.cors_origins) {}

  void configure_http();
  void register_public_routes();
  bool admit(const httplib::Request& request, httplib::Response& response);
  void set_error(httplib::Response& response, int status, std::string_view reason) const;
};

void Server::Impl::set_error(httplib::Response& response, int status, std::string_view reason) const {
  if (options.flavor == "loopback") {
    set_loopback_error(response, status, reason);
  } else {
    set_json_error(response, status, reason);
  }
}

// Everything decided from the request line and headers, before cpp-httplib reads a body:
// the body's framing (body_framing.h), then the guard. An answer given here leaves the body
// unread, so it closes the connection whenever there is a body.
bool Server::Impl::admit(const httplib::Request& request, httplib::Response& response) {
  BodyVerdict body = judge_body(request, kPayloadMaxBytes);
  if (!body.acceptable) {
    set_error(response, body.status, body.reason);
    close_after_sending(request, response);
    return false;
  }
  auto error = [this](httplib::Response& answer, int status, std::string_view why) { set_error(answer, status, why); };
  if (cors.answer_preflight(request, response, error)) return false;
  if (guard && is_guarded_path(request.path) && !guard->admit(request, response)) {
    if (body.length > 0) close_after_sending(request, response);
    return false;
  }
  return true;
}

void Server::Impl::configure_http() {
  int threads = options.threads > 0 ? options.threads : kDefaultThreads;
  http->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http->set_tcp_nodelay(true);
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second `swapi serve` on a busy port
  // start and silently share its connections. SO_REUSEADDR alone still allows a quick restart
  // over TIME_WAIT sockets but makes a port in use an error.
  http->set_socket_options([](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http->set_keep_alive_max_count(kKeepAliveMaxCount);
  http->set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
  http->set_read_timeout(kReadWriteTimeoutSeconds, 0);
  http->set_write_timeout(kReadWriteTimeoutSeconds, 0);
  http->set_payload_max_length(kPayloadMaxBytes);

  http->set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    note_request_start();
    return admit(request, response) ? httplib::Server::HandlerResponse::Unhandled
                                    : httplib::Server::HandlerResponse::Handled;
  });
  // cpp-httplib answers "100 Continue" before routing unless told otherwise; a client then
  // sends a body that a refusal in pre-routing would leave unread. Judge first: 100 only for
  // a request that will be admitted (pre-routing judges it again, on the cached token).
  http->set_expect_100_continue_handler([this](const httplib::Request& request, httplib::Response& response) {
    note_request_start();
    return admit(request, response) ? 100 : response.status;
  });

  // Handlers throw only on our bugs; the client still gets JSON, never a stack trace.
  http->set_exception_handler([this](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log.message("internal error: " + what);
    set_error(response, 500, "internal server error");
  });

  // cpp-httplib calls this for every status >= 400, ours and its own (unknown route, a
  // request line or header it cannot parse, a body it could not read). Fill what nobody
  // filled, and close the connection when the request's body was not read: after its own
  // 400 for a header line too long, the rest of that request would be parsed as the next.
  // Handled, always: only then does cpp-httplib set Content-Length on a response written
  // before routing (the Expect: 100-continue refusal).
  http->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
    if (response.content_provider_) return httplib::Server::HandlerResponse::Handled;  // already closing
    if (response.body.empty()) set_error(response, response.status, reason_phrase(response.status));
    if (!body_fully_read(request)) close_after_sending(request, response);
    return httplib::Server::HandlerResponse::Handled;
  }));

  // Runs on every answer, the routes', the guard's and cpp-httplib's own errors alike, just
  // before its headers are written: the CORS headers (web/cors.h); no Content-Length on a 304
  // (RFC 9110 §8.6: it may only state the 200's, and cpp-httplib adds "0" to every empty
  // answer); and a response that closes the connection says so once: cpp-httplib adds its
  // own "Connection: close" (the client asked) or "Keep-Alive: ..." before this runs.
  http->set_post_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    cors.decorate(request, response);
    if (response.status == 304) response.headers.erase("Content-Length");
    auto [first, last] = response.headers.equal_range("Connection");
    if (first == last || first->second != "close") return;
    response.headers.erase(std::next(first), last);
    response.headers.erase("Keep-Alive");
  });

  http->set_logger([this](const httplib::Request& request, const httplib::Response& response) {
    log.write(request, response);
  });
}

void Server::Impl::register_public_routes() {
  http->Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"status":"ok"})", "application/json");
  });
  http->Get("/openapi.json", [this](const httplib::Request& request, httplib::Response& response) {
    std::string base = request_base_url(request, scheme, "127.0.0.1:" + std::to_string(port));
    response.set_content(openapi_document(options, *store, base).dump(2), "application/json");
  });
  // The issuer exists only later in bind(); the page asks for the default client per request.
  register_explorer_routes(*http, {[this]() -> std::optional<ClientCredentials> {
    const Client* client = issuer ? issuer->clients().find(kDefaultClientId) : nullptr;
    if (!client) return std::nullopt;
    return ClientCredentials{client->id, client->secret};
  }});
}

Server::Server(ServeOptions options, std::ostream& log) : impl_(std::make_unique<Impl>(std::move(options), log)) {
  auto& self = *impl_;
  if (self.options.flavor != "swapi" && self.options.flavor != "loopback")
    throw base::Diagnostic("serve", "unknown flavor '" + self.options.flavor + "'", "use --flavor swapi or --flavor loopback");
  self.store = load_store(self.options.data_dir);
  self.http = make_http_server(self.options);
  self.scheme = self.options.tls_cert.empty() ? "http" : "https";
  self.configure_http();
}

Server::~Server() = default;

int Server::bind() {
  auto& self = *impl_;
  int port = self.options.port;
  if (port < 0 || port > 65535)
    throw base::Diagnostic("serve", "port " + std::to_string(port) + " is out of range", "use 0..65535 (0 picks a free port)");
  if (port == 0) {
    port = self.http->bind_to_any_port(self.options.host);
    if (port <= 0) port = -1;
  } else if (!self.http->bind_to_port(self.options.host, port)) {
    port = -1;
  }
  if (port < 0)
    throw base::Diagnostic("serve", "cannot listen on " + self.options.host + ":" + std::to_string(self.options.port),
                       "is another server using the port? try --port 0 to pick a free one");
  self.port = port;
  std::string host = self.options.host.find(':') != std::string::npos ? "[" + self.options.host + "]" : self.options.host;
  self.base_url = self.scheme + "://" + host + ":" + std::to_string(port);

  auto log = [&log = self.log](const std::string& line) { log.message(line); };
  FlavorContext context{*self.store, self.scheme, host + ":" + std::to_string(port), log};
  self.register_public_routes();

  // Auth needs the base URL: the default issuer is this server's own URL + "/".
  AuthIdentity identity = effective_identity(self.options, self.base_url);
  if (runs_local_issuer(self.options)) {
    self.issuer = std::make_unique<LocalIssuer>(self.options, identity.issuer, identity.audiences, log);
    self.issuer->register_routes(*self.http, self.scheme, host + ":" + std::to_string(port));
  } else {
    // Another issuer's keys are trusted: ours would mint tokens this server refuses.
    register_foreign_issuer_routes(*self.http, foreign_issuer_reason(self.options, identity.issuer),
                                   self.options.flavor == "loopback");
  }
  if (!self.options.no_auth) {
    static const std::vector<jose::Jwk> kNoLocalKeys;
    auto guard = make_auth_guard(self.options, identity, self.issuer ? self.issuer->public_keys() : kNoLocalKeys,
                                 log, system_unix_time, &self.local_keys);
    self.auth = guard.get();
    self.guard = std::move(guard);
  }
  // Recorded once the key source is known to work, so a refused start records nothing.
  if (!self.issuer) record_foreign_issuer(self.options, identity.issuer, identity.audiences, log);
  // `swapi keys` edits reach the JWKS route, the token endpoint and (when it trusts the local
  // keyset) the guard, without a restart.
  if (self.issuer) {
    self.reloader = std::make_unique<KeysetReloader>(kKeysetPollInterval, [&self, log] {
      if (auto keys = self.issuer->reload_if_changed(log); keys && self.local_keys) self.local_keys->replace(*keys);
    });
  }
  if (self.options.flavor == "loopback") {
    register_loopback_routes(*self.http, context, self.options);
  } else {
    register_swapi_routes(*self.http, context);
  }

  return port;
}

void Server::write_ready_file() {
  if (!impl_->options.ready_file.empty()) {
    // Written atomically so a watcher never reads half a URL.
    std::string temp = impl_->options.ready_file + ".tmp";
    {
      std::ofstream out(temp, std::ios::trunc);
      out << impl_->base_url << "\n";
      if (!out.flush())
        throw base::Diagnostic("serve: --ready-file", "cannot write " + impl_->options.ready_file, {});
    }
    if (std::rename(temp.c_str(), impl_->options.ready_file.c_str()) != 0)
      throw base::Diagnostic("serve: --ready-file", "cannot write " + impl_->options.ready_file, {});
  }
}

void Server::run() {
  auto& self = *impl_;
  {
    std::lock_guard lock(self.run_mutex);
    if (self.stop_requested) {
      self.log.message("swapi serve: stopped");
      return;
    }
    self.run_called = true;
  }
  self.http->listen_after_bind();
  self.run_ended = true;
  self.log.message("swapi serve: stopped");
}

void Server::stop(std::string_view why) {
  auto& self = *impl_;
  {
    std::lock_guard lock(self.run_mutex);
    if (!why.empty() && !self.stop_requested)
      self.log.message("swapi serve: " + std::string(why) + ", stopping; requests in flight finish first");
    self.stop_requested = true;
    if (!self.run_called) return;  // run() will see the request and not serve at all
  }
  // cpp-httplib 0.11.4's stop() does nothing until listen_after_bind() has set its running
  // flag, its first statement: wait for that (or for run() to have ended) so the stop holds.
  while (!self.http->is_running() && !self.run_ended) std::this_thread::yield();
  self.http->stop();
}

const std::string& Server::base_url() const { return impl_->base_url; }

std::vector<BannerLine> Server::token_help() const {
  if (impl_->issuer) return impl_->issuer->token_help(impl_->base_url);
  const auto& options = impl_->options;
  if (options.no_auth) return {};
  AuthIdentity identity = effective_identity(options, impl_->base_url);
  return {{"token", "from " + identity.issuer + " (this server trusts its keys and issues none itself)"}};
}

std::string Server::auth_summary() const {
  return describe_auth(impl_->options, impl_->auth);
}

}  // namespace swapi::server
