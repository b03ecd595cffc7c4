#pragma once
// Test support for the --jwks-uri unit tests: an issuer behind an injected fetcher (status,
// body, Cache-Control, down, a gate that makes fetches hang) with a fake steady clock.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/auth/remote_jwks.h"
#include "tests/server/auth/auth_test_tokens.h"

namespace swapi::test {

using namespace std::chrono_literals;

// A value the test thread writes and the refresher thread reads, under a lock.
class SharedText {
 public:
  SharedText& operator=(std::string value) {
    std::lock_guard lock(mutex_);
    value_ = std::move(value);
    return *this;
  }
  std::string get() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

 private:
  mutable std::mutex mutex_;
  std::string value_;
};

// The fetcher runs on the source's refresher thread. The test thread changes these fields only
// while no fetch runs and reads them after the call that made one returned (the source's own
// mutex orders both); a gated fetch, which outlives its call, uses the atomics and the gate.
struct FakeIssuer {
  std::chrono::steady_clock::time_point now{};
  int status = 200;
  SharedText body;
  std::string cache_control;
  bool down = false;
  std::atomic<int> fetches{0};
  std::vector<std::string> log;
  std::string expected_proxy;

  // close_gate(): fetches hang (in_gate counts them) until open_gate() or their cancel().
  std::mutex gate_mutex;
  std::condition_variable gate_opened;
  bool gate_closed = false;
  std::atomic<int> in_gate{0};
  std::atomic<bool> saw_cancel{false};

  void close_gate() {
    std::lock_guard lock(gate_mutex);
    gate_closed = true;
  }
  void open_gate() {
    {
      std::lock_guard lock(gate_mutex);
      gate_closed = false;
    }
    gate_opened.notify_all();
  }
  void pass_gate(const http::Options& options) {
    std::unique_lock lock(gate_mutex);
    if (!gate_closed) return;
    ++in_gate;
    // Polls cancel() as libcurl's progress callback would; bounded so a broken test cannot hang.
    for (int i = 0; i < 1000 && gate_closed; ++i) {
      if (options.cancel && options.cancel()) {
        saw_cancel = true;
        --in_gate;
        throw http::Error(http::Errc::cancelled, "GET https://issuer.test/jwks.json: cancelled");
      }
      gate_opened.wait_for(lock, 10ms);
    }
    --in_gate;
  }

  server::JwksFetcher fetcher() {
    return [this](const http::Request& request, const http::Options& options) {
      ++fetches;
      CHECK(request.url == "https://issuer.test/jwks.json");
      CHECK_FALSE(options.follow_redirects);
      CHECK(options.total_timeout == 5000ms);
      CHECK(options.proxy == expected_proxy);
      pass_gate(options);
      if (down) throw http::Error(http::Errc::connect_failed, "GET https://issuer.test/jwks.json: Connection refused");
      http::Response response;
      response.status = status;
      response.body = body.get();
      if (!cache_control.empty()) response.headers.push_back({"Cache-Control", cache_control});
      return response;
    };
  }

  std::unique_ptr<server::RemoteJwks> make(int rpm = 10, std::chrono::seconds max_age = 600s,
                                   std::function<void(server::RemoteJwksConfig&)> adjust = {}) {
    server::RemoteJwksConfig config;
    config.url = "https://issuer.test/jwks.json";
    config.refetches_per_minute = rpm;
    config.max_age = max_age;
    if (adjust) adjust(config);
    expected_proxy = config.proxy;
    return std::make_unique<server::RemoteJwks>(config, server::AlgPolicy{}, [this](const std::string& line) { log.push_back(line); },
                                        fetcher(), [this] { return now; });
  }
};

// Polls `condition` (bounded): for what the refresher thread does in the background.
inline bool eventually(const std::function<bool()>& condition) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

inline std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

inline bool has_kid(const server::KeySet& set, const std::string& kid) {
  for (const auto& key : set.keys)
    if (key.kid == kid) return true;
  return false;
}


}  // namespace swapi::test
