#pragma once
// Integration-test support for --jwks-uri: an in-process JWKS endpoint on a loopback port whose
// keys and status the test changes, counting fetches, and which can be made slow on demand
// (hold(): every fetch waits until release(), the "issuer answering in 6 s").
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "tests/server/auth/auth_test_tokens.h"

namespace swapi::test {

class KeyPublisher {
 public:
  explicit KeyPublisher(const std::vector<jose::Jwk>& keys) {
    publish(keys);
    server_.Get("/jwks.json", [this](const httplib::Request&, httplib::Response& response) {
      ++fetches;
      std::unique_lock lock(mutex_);
      // Bounded, so a broken test cannot hang the run.
      released_.wait_for(lock, std::chrono::seconds(20), [this] { return !held_; });
      response.status = status_;
      response.set_content(body_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~KeyPublisher() { stop(); }
  KeyPublisher(const KeyPublisher&) = delete;
  KeyPublisher& operator=(const KeyPublisher&) = delete;

  void publish(const std::vector<jose::Jwk>& keys, int status = 200) {
    std::lock_guard lock(mutex_);
    body_ = jwks_text(keys);
    status_ = status;
  }
  // From now on every fetch is answered only after release().
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    released_.notify_all();
  }
  void stop() {
    if (!thread_.joinable()) return;
    release();
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& host = "127.0.0.1") const {
    return "http://" + host + ":" + std::to_string(port_) + "/jwks.json";
  }

  std::atomic<int> fetches{0};

 private:
  httplib::Server server_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  std::string body_;
  int status_ = 200;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace swapi::test
