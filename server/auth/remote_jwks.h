#pragma once
// --jwks-uri: trust the keys a JWKS URL publishes, as express-jwt + jwks-rsa and jose's
// createRemoteJWKSet do (DESIGN.md "Key sources").
//
//  - https only, except to loopback hosts (127.0.0.0/8, ::1, localhost): anything else is a
//    base::Diagnostic, because a key set fetched in clear text lets anyone on the path mint tokens.
//  - never through a proxy the environment names (http_proxy, HTTPS_PROXY, ALL_PROXY...):
//    whoever answers the fetch chooses the trusted keys. --jwks-proxy names one for an https
//    JWKS (TLS runs end to end through the tunnel); a loopback JWKS is always fetched directly.
//  - all network I/O happens on one background refresher thread, never on a request's:
//     - the first fetch starts with the server; start() waits for it (bounded by the fetch
//       timeout, before the server listens), so a reachable issuer's keys are there before the
//       first request. If it fails the server still starts, logs a warning and retries (1 s,
//       2 s, 4 s ... at most 60 s apart); until a set arrives every token is refused (401).
//     - refreshed after the response's Cache-Control max-age (at least 30 s, at most a day),
//       or --jwks-max-age when the response has none.
//     - a token naming an unknown kid asks for one refetch, at most --jwks-rpm per minute
//       (sliding window), so a flood of made-up kids cannot turn us into a DoS on the issuer.
//       The request that asked waits for that fetch at most kid_wait (500 ms), so the first
//       token of a freshly rotated key passes when the issuer answers promptly; an unknown kid
//       while a fetch is already running, or with the budget spent, is refused at once.
//       So at most one request per fetch waits, and only for a fetch it caused: at most
//       rpm x 500 ms of one worker a minute. Requests with known kids never wait at all.
//  - a failed fetch, a non-200 answer, a body that is not a JWKS or holds no usable key keeps
//    the last good set; bad keys inside a good set are skipped one by one (and logged).
//  - redirects are not followed and jku/x5u in tokens are never fetched: the only URL we ever
//    request is the configured one.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "http/client.h"
#include "server/auth/key_source.h"

namespace swapi::server {

struct RemoteJwksConfig {
  std::string url;
  std::string proxy;                        // --jwks-proxy; empty = direct, whatever the environment says
  std::chrono::seconds max_age{600};        // --jwks-max-age, used when the response gives none
  int refetches_per_minute = 10;            // --jwks-rpm; 0 = never refetch for unknown kids
  std::chrono::milliseconds timeout{5000};  // connect and whole transfer
  std::chrono::milliseconds kid_wait{500};  // how long the request that asked for a refetch waits for it
  std::chrono::seconds min_max_age{30};     // floor for a response's max-age (no refetch storms)
  std::chrono::seconds max_max_age{86400};
  std::chrono::seconds max_retry{60};       // backoff cap after failures
  std::size_t max_body_bytes = 1 << 20;
};

using JwksFetcher = std::function<http::Response(const http::Request&, const http::Options&)>;
using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

// Checks the URL against the https-or-loopback rule and the proxy (empty, or an http, https or
// socks proxy URL, and never for a loopback URL). Throws base::Diagnostic("serve: --jwks-uri" or
// "serve: --jwks-proxy").
void check_jwks_url(const std::string& url, const std::string& proxy = {});

class RemoteJwks : public KeySource {
 public:
  // Checks the URL (base::Diagnostic); does not fetch yet. fetcher and clock are injected for
  // tests; the defaults are libcurl (http::fetch) and std::chrono::steady_clock.
  RemoteJwks(RemoteJwksConfig config, AlgPolicy policy, LogSink log, JwksFetcher fetcher = {},
             SteadyClock clock = {});
  ~RemoteJwks() override;  // cancels a fetch in flight, stops and joins the refresher
  RemoteJwks(const RemoteJwks&) = delete;
  RemoteJwks& operator=(const RemoteJwks&) = delete;

  // Starts the refresher thread, which makes the first fetch at once, and waits for that fetch
  // to end (it is bounded by config.timeout). With on_schedule = false the thread fetches only
  // when asked (start, unknown kids) and tests drive the max-age/backoff schedule with
  // refresh_if_due() on their fake clock.
  void start(bool on_schedule = true);

  std::shared_ptr<const KeySet> current() const override;
  std::uint64_t generation() const noexcept override { return generation_.load(std::memory_order_acquire); }
  bool refresh_for_unknown_kid(std::string_view kid) override;
  std::string describe() const override;

  // One step of the schedule, on the calling thread: fetches when the set is due (max-age
  // passed, or a retry after a failure is due) and no fetch is running. Returns true when it
  // fetched. The refresher calls it; public for tests.
  bool refresh_if_due();
  // Fetches started so far (tests count them).
  std::size_t fetch_count() const;

 private:
  struct Outcome;  // what one fetch brought: a set and its max-age, or why not

  // Runs one fetch with the lock released during the network I/O; `lock` holds mutex_.
  void run_fetch(std::unique_lock<std::mutex>& lock, std::string_view reason);
  Outcome fetch_once() const;  // network and parsing; touches no member state but config
  void apply(Outcome outcome, std::string_view reason, std::chrono::steady_clock::time_point now);
  void publish(KeySet set);
  void run_refresher();

  RemoteJwksConfig config_;
  AlgPolicy policy_;
  LogSink log_;
  JwksFetcher fetcher_;
  SteadyClock clock_;
  std::string proxy_label_;  // the proxy for describe(), without credentials

  mutable std::mutex set_mutex_;  // guards set_ only: held for a pointer copy, never during I/O
  std::shared_ptr<const KeySet> set_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> stopping_{false};  // also read by a fetch in flight (http::Options::cancel)

  mutable std::mutex mutex_;  // guards everything below; never held during network I/O
  std::condition_variable wake_;  // the refresher: a fetch was asked for, or stop
  std::condition_variable done_;  // waiters: a fetch ended
  bool running_ = false;          // the refresher thread exists
  bool on_schedule_ = true;
  bool in_flight_ = false;
  std::optional<std::string> asked_;  // a fetch the refresher should make now, and why
  std::uint64_t completed_ = 0;       // fetches ended so far
  std::chrono::steady_clock::time_point next_due_{};
  std::chrono::seconds retry_delay_{1};
  std::deque<std::chrono::steady_clock::time_point> kid_refetches_;  // within the last minute
  bool limit_logged_ = false;
  std::size_t fetches_ = 0;
  std::chrono::seconds current_max_age_{0};
  std::string last_error_;
  std::thread refresher_;
};

}  // namespace swapi::server
