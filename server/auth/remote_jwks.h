#pragma once
// --jwks-uri: trust the keys a JWKS URL publishes, as express-jwt + jwks-rsa and jose's
// createRemoteJWKSet do (DESIGN.md "Key sources").
//
//  - https only, except to loopback hosts (127.0.0.0/8, ::1, localhost): anything else is a
//    base::Diagnostic, because a key set fetched in clear text lets anyone on the path mint tokens.
//  - fetched once at start (5 s timeout). If that fails the server still starts, logs a
//    warning and retries in the background (1 s, 2 s, 4 s ... at most 60 s apart); until a set
//    arrives every token is refused (401), which is the safe failure; a request meanwhile
//    also triggers a refetch, within the --jwks-rpm limit.
//  - refreshed in the background after the response's Cache-Control max-age (at least 30 s,
//    at most a day), or --jwks-max-age when the response has none.
//  - a token naming an unknown kid triggers one refetch, at most --jwks-rpm per minute
//    (sliding window), so a flood of made-up kids cannot turn us into a DoS on the issuer.
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
#include <string>
#include <thread>

#include "http/client.h"
#include "server/auth/key_source.h"

namespace swapi::server {

struct RemoteJwksConfig {
  std::string url;
  std::chrono::seconds max_age{600};        // --jwks-max-age, used when the response gives none
  int refetches_per_minute = 10;            // --jwks-rpm; 0 = never refetch for unknown kids
  std::chrono::milliseconds timeout{5000};  // connect and whole transfer
  std::chrono::seconds min_max_age{30};     // floor for a response's max-age (no refetch storms)
  std::chrono::seconds max_max_age{86400};
  std::chrono::seconds max_retry{60};       // backoff cap after failures
  std::size_t max_body_bytes = 1 << 20;
};

using JwksFetcher = std::function<http::Response(const http::Request&, const http::Options&)>;
using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

// Checks the URL against the https-or-loopback rule. Throws base::Diagnostic("serve: --jwks-uri").
void check_jwks_url(const std::string& url);

class RemoteJwks : public KeySource {
 public:
  // Checks the URL (base::Diagnostic); does not fetch yet. fetcher and clock are injected for
  // tests; the defaults are libcurl (http::fetch) and std::chrono::steady_clock.
  RemoteJwks(RemoteJwksConfig config, AlgPolicy policy, LogSink log, JwksFetcher fetcher = {},
             SteadyClock clock = {});
  ~RemoteJwks() override;  // stops the background thread
  RemoteJwks(const RemoteJwks&) = delete;
  RemoteJwks& operator=(const RemoteJwks&) = delete;

  // The first fetch (synchronous, so a reachable issuer's keys are there before the first
  // request), then, with background = true, the refresher thread.
  void start(bool background = true);

  std::shared_ptr<const KeySet> current() const override;
  std::uint64_t generation() const noexcept override { return generation_.load(std::memory_order_acquire); }
  bool refresh_for_unknown_kid(std::string_view kid) override;
  std::string describe() const override;

  // What the background thread does when it wakes: fetch when the set is due (max-age passed,
  // or a retry after a failure is due). Returns true when it fetched. Public for tests.
  bool refresh_if_due();
  // Fetches attempted so far (tests count them).
  std::size_t fetch_count() const;

 private:
  // Fetches and, on success, publishes. Caller holds fetch_mutex_.
  bool fetch_locked(std::string_view reason);
  void publish(KeySet set);
  void run_refresher();

  RemoteJwksConfig config_;
  AlgPolicy policy_;
  LogSink log_;
  JwksFetcher fetcher_;
  SteadyClock clock_;

  mutable std::mutex set_mutex_;  // guards set_
  std::shared_ptr<const KeySet> set_;
  std::atomic<std::uint64_t> generation_{0};

  mutable std::mutex fetch_mutex_;  // one fetch at a time; guards everything below
  std::chrono::steady_clock::time_point next_due_{};
  std::chrono::seconds retry_delay_{1};
  std::deque<std::chrono::steady_clock::time_point> kid_refetches_;  // within the last minute
  bool limit_logged_ = false;
  std::size_t fetches_ = 0;
  std::chrono::seconds current_max_age_{0};
  std::string last_error_;

  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::thread refresher_;
};

}  // namespace swapi::server
