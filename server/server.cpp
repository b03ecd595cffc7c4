#include "server/server.h"

#include <httplib.h>

#include <malloc.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>

#include "base/diagnostic.h"
#include "base/shell_quote.h"
#include "http/url.h"
#include "jose/alg.h"
#include "jose/token_validation.h"
#include "server/admin/scenario_control.h"
#include "server/auth/auth_setup.h"
#include "server/auth/request_guard.h"
#include "server/data/dataset.h"
#include "server/data/store.h"
#include "server/issuer/issuer.h"
#include "server/issuer/token_endpoint.h"
#include "server/keyset_reloader.h"
#include "server/loopback/loopback_routes.h"
#include "server/openapi.h"
#include "server/swapi/swapi_routes.h"
#include "server/web/access_log.h"
#include "server/web/base_url.h"
#include "server/web/body_framing.h"
#include "server/web/connection_front.h"
#include "server/web/cors.h"
#include "server/web/explorer.h"
#include "server/web/flavor_context.h"
#include "server/web/header_fields.h"
#include "server/web/json_response.h"
#include "state/client_registry.h"
#include "state/keyset_store.h"
#include "state/keyset_watch.h"

namespace swapi::server {

namespace {

// cpp-httplib's macro defaults (5 requests per keep-alive connection, 5 s per-read timeouts,
// no TCP_NODELAY, a fixed pool of hardware_concurrency-1 threads, each holding a connection
// for its life, a listen backlog of 5) are not our contract. Connections are held by the
// front (server/web/connection_front.h, which says why); each limit is chosen here:
//  - Up to 16 workers by default (--max-threads): a worker only computes or writes an answer
//    that has fully arrived, and two cores compute at most two at once; the rest of the bound
//    covers answers waiting on a slow reader, fsyncs of --persist, bodies arriving. Each
//    worker that ran keeps ~36 KiB of stack and cache resident: 32 of them under wrk -c32
//    were 1.2 MiB of a 13.4 MiB RSS.
//  - A request must arrive whole within 10 s (--request-timeout), however it trickles, or it
//    gets 408; an idle keep-alive connection is closed after 5 s (--idle-timeout).
//  - 1000 requests per connection, so load is not spent on reconnects.
//  - Without TCP_NODELAY every keep-alive response waits ~40 ms on a delayed ACK.
//  - A listen backlog of 4096 (capped by net.core.somaxconn): with 5, a burst of 32 connects
//    overflowed the accept queue and waited for a SYN retransmit (p99 300 ms).
//  - 1 MiB payload limit: the largest legitimate write is a few KB of JSON.
constexpr int kDefaultMaxThreads = 16;
constexpr std::size_t kKeepAliveMaxCount = 1000;
constexpr int kDefaultRequestTimeoutSeconds = 10;
constexpr int kDefaultIdleTimeoutSeconds = 5;
constexpr std::size_t kPayloadMaxBytes = 1 << 20;

std::unique_ptr<FrontServer> make_http_server(const ServeOptions& options, FrontLimits limits) {
  if (options.tls_cert.empty() != options.tls_key.empty())
    throw base::Diagnostic("serve", "--tls-cert and --tls-key go together", "give both files, or neither");
  if (options.tls_cert.empty()) return std::make_unique<FrontServer>(std::move(limits));
  for (const auto& file : {options.tls_cert, options.tls_key}) {
    if (!std::ifstream(file))
      throw base::Diagnostic("serve: TLS", "cannot read " + file, "check the path and permissions");
  }
  SSL_CTX* tls = make_tls_context(options.tls_cert, options.tls_key);
  if (!tls)
    throw base::Diagnostic("serve: TLS", "cannot load certificate " + options.tls_cert + " with key " + options.tls_key,
                       "both must be PEM files and the key must match the certificate");
  return std::make_unique<FrontServer>(std::move(limits), tls);
}

// cpp-httplib reports any failed bind as a bare false. A name that does not resolve is told
// apart (as cpp-httplib resolves it: getaddrinfo, AI_PASSIVE) so its hint is not about ports.
std::optional<std::string> unresolvable(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), "0", &hints, &found);
  if (found) ::freeaddrinfo(found);
  if (rc == 0 || rc == EAI_SYSTEM || rc == EAI_MEMORY) return std::nullopt;
  return std::string(::gai_strerror(rc));
}

// cpp-httplib 0.11.4 refuses a header line over CPPHTTPLIB_HEADER_MAX_LENGTH (8192 bytes, a
// compiled-in value of Debian's build) by stopping at it and answering a bare 400. That is RFC
// 6585 §5's 431. Told apart from its other 400s by what it had parsed: the request line
// completely (a path, at most one '?': a second '?' is the one request-line failure that sets
// the path first) but not the headers (the peer address is filled only after them). Its header
// reader fails otherwise only when the connection ends or times out mid-headers, where no one
// reads the answer.
constexpr std::size_t kHeaderLineMaxBytes = 8192;

bool headers_too_large(const httplib::Request& request, const httplib::Response& response) {
  return response.status == 400 && !request.path.empty() && request.remote_port < 0 &&
         std::count(request.target.begin(), request.target.end(), '?') <= 1;
}

}  // namespace

struct Server::Impl {
  ServeOptions options;
  AccessLog log;
  std::unique_ptr<Store> store;
  // The built-in dataset, parsed on another thread while the constructor sets up the HTTP
  // server and bind() listens: the parse is ~40% of a start's instructions, and a second
  // core is free then.
  std::future<std::unique_ptr<Store>> embedded_store;
  std::unique_ptr<ScenarioControl> admin;  // --admin; before http, like the issuer
  std::unique_ptr<LocalIssuer> issuer;  // declared before http: outlives the routes using it
  std::unique_ptr<FrontServer> http;
  std::unique_ptr<RequestGuard> guard;
  CorsPolicy cors;  // --cors: preflights before the guard, headers on every answer
  const AuthGuard* auth = nullptr;  // the guard, for the banner; null with --no-auth
  std::shared_ptr<LocalKeySource> local_keys;  // what the guard trusts, when it is the local keyset
  std::string scheme;
  std::string base_url;
  int port = 0;
  std::mutex reload_mutex;  // one keyset reload at a time: the reloader's poll, an admin rotation
  std::unique_ptr<KeysetReloader> reloader;  // last: stops before what it updates goes away

  std::mutex run_mutex;  // orders run() and stop(): a stop that comes first is never lost
  bool stop_requested = false;
  bool run_called = false;
  std::atomic<bool> run_ended{false};

  Impl(ServeOptions opts, std::ostream& log_stream)
      : options(std::move(opts)), log(log_stream, options.log_format == "json"), cors(options.cors_origins) {}

  void configure_http();
  void register_public_routes();
  bool admit(const httplib::Request& request, httplib::Response& response, bool apply_faults);
  void reload_keys(const std::function<void(const std::string&)>& sink);
  void start_admin(const std::function<void(const std::string&)>& sink);
  void set_error(const httplib::Request& request, httplib::Response& response, int status,
                 std::string_view reason) const;
};

// The error shape a client of that route parses: OAuth's on the token endpoint (RFC 6749
// §5.2, what an OAuth library reads when its request was refused before the grant was
// looked at: no body, a body too large, a multipart body), else the flavor's.
void Server::Impl::set_error(const httplib::Request& request, httplib::Response& response, int status,
                             std::string_view reason) const {
  if (request.path == kTokenEndpointPath) {
    set_oauth_error(response, {status, status >= 500 ? "server_error" : "invalid_request", std::string(reason)});
  } else if (options.flavor == "loopback") {
    set_loopback_error(response, status, reason);
  } else {
    set_json_error(response, status, reason);
  }
}

// Everything decided from the request line and headers, before cpp-httplib reads a body:
// the header fields' syntax (header_fields.h), the body's framing (body_framing.h), then the
// guard. An answer given here leaves the body
// unread, so it closes the connection whenever there is a body.
bool Server::Impl::admit(const httplib::Request& request, httplib::Response& response, bool apply_faults) {
  if (auto refusal = judge_header_fields(request)) {
    set_error(request, response, refusal->status, refusal->reason);
    close_after_sending(request, response);
    return false;
  }
  BodyVerdict body = judge_body(request, kPayloadMaxBytes);
  if (!body.acceptable) {
    set_error(request, response, body.status, body.reason);
    close_after_sending(request, response);
    return false;
  }
  auto error = [this, &request](httplib::Response& answer, int status, std::string_view why) {
    set_error(request, answer, status, why);
  };
  if (cors.answer_preflight(request, response, error)) return false;
  // Scenario control's faults, before the guard: they stand for the issuer or the API
  // misbehaving, whatever the token. Applied once per request (not for Expect: 100-continue).
  if (apply_faults && admin && admin->intercept(request, response)) {
    if (body.length > 0) close_after_sending(request, response);
    return false;
  }
  if (guard && is_guarded_path(request.path) && !guard->admit(request, response)) {
    if (body.length > 0) close_after_sending(request, response);
    return false;
  }
  return true;
}

void Server::Impl::configure_http() {
  http->set_tcp_nodelay(true);
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second `swapi serve` on a busy port
  // start and silently share its connections. SO_REUSEADDR alone still allows a quick restart
  // over TIME_WAIT sockets but makes a port in use an error.
  http->set_socket_options([](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // The front enforces these; cpp-httplib only writes them into its Keep-Alive header.
  http->set_keep_alive_max_count(kKeepAliveMaxCount);
  http->set_keep_alive_timeout(options.idle_timeout > 0 ? options.idle_timeout : kDefaultIdleTimeoutSeconds);
  http->set_payload_max_length(kPayloadMaxBytes);

  http->set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    note_request_start();
    return admit(request, response, true) ? httplib::Server::HandlerResponse::Unhandled
                                    : httplib::Server::HandlerResponse::Handled;
  });
  // cpp-httplib answers "100 Continue" before routing unless told otherwise; a client then
  // sends a body that a refusal in pre-routing would leave unread. Judge first: 100 only for
  // a request that will be admitted (pre-routing judges it again, on the cached token).
  http->set_expect_100_continue_handler([this](const httplib::Request& request, httplib::Response& response) {
    note_request_start();
    return admit(request, response, false) ? 100 : response.status;
  });

  // Handlers throw only on our bugs; the client still gets JSON, never a stack trace.
  http->set_exception_handler([this](const httplib::Request& request, httplib::Response& response,
                                     std::exception_ptr error) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log.message("internal error: " + what);
    set_error(request, response, 500, "internal server error");
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
    // The body did not arrive by the request's deadline (cpp-httplib says 400).
    if (request_timed_out()) {
      response.status = 408;
      response.body.clear();
    } else if (headers_too_large(request, response)) {
      set_error(request, response, 431, "a request header line is longer than " + std::to_string(kHeaderLineMaxBytes) +
                                   " bytes, the limit for each header (name, value and CRLF); a bearer token may be "
                                   "at most " + std::to_string(jose::kDefaultMaxTokenBytes) + " bytes");
    }
    if (response.body.empty()) set_error(request, response, response.status, reason_phrase(response.status));
    if (!body_fully_read(request)) close_after_sending(request, response);
    return httplib::Server::HandlerResponse::Handled;
  }));

  // Runs on every answer, the routes', the guard's and cpp-httplib's own errors alike, just
  // before its headers are written: the CORS headers (web/cors.h); no Content-Length on a 304
  // (RFC 9110 §8.6: it may only state the 200's, and cpp-httplib adds "0" to every empty
  // answer) nor on a 204 (§8.6: never); and a response that closes the connection says so once: cpp-httplib adds its
  // own "Connection: close" (the client asked) or "Keep-Alive: ..." before this runs.
  http->set_post_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    cors.decorate(request, response);
    if (response.status == 304 || response.status == 204) response.headers.erase("Content-Length");
    // Counted before the response is written, so a client holding its answer finds it counted.
    if (admin) admin->record(request, response, peek_decision());
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
    std::vector<std::string> scopes;
    if (issuer) scopes = issuer->clients().all_scopes();
    response.set_content(openapi_document(options, *store, base, issuer ? &scopes : nullptr).dump(2), "application/json");
  });
  // The issuer exists only later in bind(); the page asks for the default client per request.
  ExplorerSettings explorer;
  explorer.default_client = [this]() -> std::optional<ClientCredentials> {
    const Client* client = issuer ? issuer->clients().find(kDefaultClientId) : nullptr;
    if (!client) return std::nullopt;
    return ClientCredentials{client->id, client->secret};
  };
  register_explorer_routes(*http, std::move(explorer));  // same_user: the kernel's socket tables
}

Server::Server(ServeOptions options, std::ostream& log) : impl_(std::make_unique<Impl>(std::move(options), log)) {
  // glibc gives every thread that allocates an arena of its own (up to 8 per core), and each
  // arena keeps what it freed: under load each worker's arena held its own high-water mark.
  // The workers allocate small, short-lived blocks that the per-thread cache serves without
  // a lock, so two arenas (one per core) cost no contention worth measuring.
  mallopt(M_ARENA_MAX, 2);
  auto& self = *impl_;
  if (self.options.flavor != "swapi" && self.options.flavor != "loopback")
    throw base::Diagnostic("serve", "unknown flavor '" + self.options.flavor + "'", "use --flavor swapi or --flavor loopback");
  // --data DIR is read here, so a broken file refuses the start before anything is written.
  if (self.options.data_dir.empty()) {
    self.embedded_store = std::async(std::launch::async, load_embedded_dataset);
  } else {
    self.store = load_dataset_dir(self.options.data_dir);
  }
  FrontLimits limits;
  limits.max_threads = static_cast<std::size_t>(self.options.max_threads > 0 ? self.options.max_threads : kDefaultMaxThreads);
  limits.keep_alive_max_requests = kKeepAliveMaxCount;
  limits.request_timeout = std::chrono::seconds(self.options.request_timeout > 0 ? self.options.request_timeout
                                                                                 : kDefaultRequestTimeoutSeconds);
  limits.idle_timeout = std::chrono::seconds(self.options.idle_timeout > 0 ? self.options.idle_timeout
                                                                           : kDefaultIdleTimeoutSeconds);
  limits.error_body = [&self](int status, std::string_view reason) {
    httplib::Request request;  // the front's own answers (408, 431) come before any request parsed
    httplib::Response response;
    self.set_error(request, response, status, reason);
    return response.body;
  };
  limits.answer_headers = [&self](std::string_view head) { return self.cors.headers_for_raw_head(head); };
  limits.note = [&self](std::string_view line) { self.log.message(line); };
  self.http = make_http_server(self.options, std::move(limits));
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
  if (port > 0 && !self.http->widen_backlog()) port = -1;
  if (port < 0) {
    std::string where = "cannot listen on " + self.options.host + ":" + std::to_string(self.options.port);
    if (auto why = unresolvable(self.options.host))
      throw base::Diagnostic("serve", where + ": the host name '" + self.options.host + "' does not resolve (" + *why + ")",
                             "--host takes an address or name of this machine: 127.0.0.1 (the default), ::1, "
                             "localhost, or 0.0.0.0 for every interface");
    throw base::Diagnostic("serve", where,
                           "is another server using the port (try --port 0 to pick a free one), or is '" +
                               self.options.host + "' not an address of this machine?");
  }
  self.port = port;
  std::string host = self.options.host.find(':') != std::string::npos ? "[" + self.options.host + "]" : self.options.host;
  self.base_url = self.scheme + "://" + host + ":" + std::to_string(port);

  auto log = [&log = self.log](const std::string& line) { log.message(line); };
  if (self.embedded_store.valid()) self.store = self.embedded_store.get();
  FlavorContext context{*self.store, self.scheme, host + ":" + std::to_string(port), log};
  // cpp-httplib tries a method's routes in the order they were added, one std::regex_match
  // each: the /api routes, which take nearly all the traffic, go first (five failed matches
  // were ~8% of a request's instructions). No other route's pattern overlaps theirs.
  if (self.options.flavor == "loopback") {
    register_loopback_routes(*self.http, context, self.options);
  } else {
    register_swapi_routes(*self.http, context);
  }
  self.register_public_routes();

  // After the flavor's routes: a --persist file that cannot be read refuses the start before
  // the issuer writes a keyset or a client into a fresh state dir.
  // Auth needs the base URL: the default issuer is this server's own URL + "/".
  AuthIdentity identity = effective_identity(self.options, self.base_url);
  // With --admin, what the issuer stamps and what the guard checks run on the skewable clock.
  if (self.options.admin) self.start_admin(log);
  UnixClock clock = system_unix_time;
  if (self.admin) clock = [admin = self.admin.get()] { return admin->now(); };
  if (runs_local_issuer(self.options)) {
    self.issuer = std::make_unique<LocalIssuer>(self.options, identity.issuer, identity.audiences, log, clock);
    if (self.admin) self.issuer->set_extra_claims([admin = self.admin.get()] { return admin->take_extra_claims(); });
    self.issuer->register_routes(*self.http, self.scheme, host + ":" + std::to_string(port));
  } else {
    // Another issuer's keys are trusted: ours would mint tokens this server refuses.
    register_foreign_issuer_routes(*self.http, foreign_issuer_reason(self.options, identity.issuer),
                                   self.options.flavor == "loopback");
  }
  if (!self.options.no_auth) {
    static const std::vector<jose::Jwk> kNoLocalKeys;
    auto guard = make_auth_guard(self.options, identity, self.store->resources(),
                                 self.issuer ? self.issuer->public_keys() : kNoLocalKeys,
                                 log, clock, &self.local_keys);
    self.auth = guard.get();
    self.guard = std::move(guard);
  }
  // Recorded once the key source is known to work, so a refused start records nothing.
  if (!self.issuer) record_foreign_issuer(self.options, identity.issuer, identity.audiences, log);
  // `swapi keys` edits reach the JWKS route, the token endpoint and (when it trusts the local
  // keyset) the guard, without a restart.
  if (self.issuer) {
    self.reloader = std::make_unique<KeysetReloader>(kKeysetPollInterval, [&self, log] { self.reload_keys(log); });
  }
  if (self.admin) {
    self.admin->register_routes(*self.http);
  } else {
    register_admin_off_routes(*self.http, self.options.flavor == "loopback");
  }

  // Loading the dataset and the keyset freed their parse trees: give those pages back.
  malloc_trim(0);
  return port;
}

void Server::Impl::reload_keys(const std::function<void(const std::string&)>& sink) {
  std::lock_guard lock(reload_mutex);
  if (auto keys = issuer->reload_if_changed(sink); keys && local_keys) local_keys->replace(*keys);
}

// The hooks read self.issuer when called, not now: the issuer is made after, on the admin's
// clock. Without a local issuer, admin tokens are still checked against the state dir's keyset.
void Server::Impl::start_admin(const std::function<void(const std::string&)>& sink) {
  AdminHooks hooks;
  hooks.log = sink;
  hooks.loopback_shape = options.flavor == "loopback";
  if (runs_local_issuer(options)) {
    hooks.admin_keys = [this] { return issuer->public_keys(); };
    hooks.jwks_body = [this] { return jose::to_jwks(issuer->public_keys(), /*include_private=*/false).dump(); };
    hooks.rotate = [this, sink](const std::string& alg_name) {
      std::string previous, kid;
      update_keyset(issuer->state_dir(), system_unix_time(), [&](Keyset& keyset) {
        previous = keyset.active().key.kid;
        jose::Alg alg = alg_name.empty() ? *keyset.active().key.alg : *jose::parse_alg(alg_name);
        kid = keyset.rotate(alg, system_unix_time()).key.kid;
      }, sink);
      reload_keys(sink);  // published and trusted before the answer, not at the next poll
      return nlohmann::json{{"kid", kid}, {"previous", previous}};
    };
  } else {
    // The keyset is followed as the local issuer follows it (DESIGN.md "Keys"): after a
    // `swapi keys rotate`, `swapi fault` signs with the new key. One stat per admin request.
    std::string dir = resolve_state_dir(options.keys_dir, options.env_swapi_home, options.env_xdg_state_home,
                                        options.env_home);
    struct Followed {
      std::mutex mutex;
      KeysetWatch watch;
      std::vector<jose::Jwk> keys;
      explicit Followed(const std::string& d) : watch(d) {}  // before the first read: no edit missed
    };
    auto followed = std::make_shared<Followed>(dir);
    followed->keys = open_keyset(dir, system_unix_time(), sink).public_keys();
    hooks.admin_keys = [followed, sink] {
      std::lock_guard lock(followed->mutex);
      try {
        if (auto changed = followed->watch.poll()) followed->keys = changed->public_keys();
      } catch (const base::Diagnostic& error) {
        sink("swapi serve: --admin: " + error.what_failed + ": " + error.why +
             "; admin tokens are checked against the keys loaded before");
      }
      return followed->keys;
    };
  }
  if (!http::is_loopback_host(options.host))
    sink("swapi serve: --admin: scenario control answers loopback clients only, whatever --host says");
  // A delayed request holds its worker (server/admin/request_delay.h): at most half the pool's
  // bound waits at once, so delays never take every worker. One worker: none may wait (a
  // delay fault is refused), else a single delayed request would stop the server.
  int threads = options.max_threads > 0 ? options.max_threads : kDefaultMaxThreads;
  auto delay = std::make_unique<WorkerSleepDelay>(static_cast<std::size_t>(threads / 2));
  admin = std::make_unique<ScenarioControl>(std::move(hooks), system_unix_time, FaultClock{}, std::move(delay));
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
  if (self.admin) self.admin->stop();  // delayed requests go on, so the workers can finish
  // cpp-httplib 0.11.4's stop() does nothing until listen_after_bind() has set its running
  // flag, its first statement: wait for that (or for run() to have ended) so the stop holds.
  while (!self.http->is_running() && !self.run_ended) std::this_thread::yield();
  self.http->stop();
}

const std::string& Server::base_url() const { return impl_->base_url; }

std::string Server::curl_options() const {
  const auto& cert = impl_->options.tls_cert;
  if (cert.empty()) return {};
  return "--cacert " + base::shell_quote(std::filesystem::absolute(cert).string()) + " ";
}

std::vector<std::string> Server::auth_rules() const { return describe_rules(impl_->auth); }

std::vector<BannerLine> Server::token_help() const {
  if (impl_->issuer) return impl_->issuer->token_help(impl_->base_url, curl_options());
  const auto& options = impl_->options;
  if (options.no_auth) return {};
  AuthIdentity identity = effective_identity(options, impl_->base_url);
  return {{"token", "from " + identity.issuer + " (this server trusts its keys and issues none itself)"}};
}

std::string Server::auth_summary() const {
  return describe_auth(impl_->options, impl_->auth);
}

}  // namespace swapi::server
