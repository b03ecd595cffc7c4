#pragma once
// Test support: a fake forward proxy on a loopback port. It records every request it receives
// ("GET http://127.0.0.1:4000/jwks.json", "CONNECT issuer.test:443") and answers a plain GET
// with a body the test chose (an attacker's JWKS), anything else (CONNECT) with 403. A test
// points http_proxy & co. or --jwks-proxy at it and asserts who was, or was not, contacted.
#include <httplib.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace swapi::test {

class RecordingProxy {
 public:
  explicit RecordingProxy(std::string body);
  ~RecordingProxy();
  RecordingProxy(const RecordingProxy&) = delete;
  RecordingProxy& operator=(const RecordingProxy&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // "METHOD target" per request received, in order.
  std::vector<std::string> requests() const;

 private:
  httplib::Server server_;
  std::string body_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace swapi::test
