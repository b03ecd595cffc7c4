#pragma once
// Test support: a cpp-httplib server on 127.0.0.1 and an ephemeral port, serving on its own
// thread from construction until destruction (stop + join). Routes are added before start().
#include <httplib.h>

#include <string>
#include <thread>

namespace swapi::test {

class LocalServer {
 public:
  LocalServer();
  ~LocalServer();
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  httplib::Server& server() { return server_; }
  // Binds and starts serving; returns once the server accepts (is_running(), which also makes
  // stop() safe: cpp-httplib 0.11 ignores a stop() that comes before its loop runs).
  void start();
  void stop();

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string url(const std::string& path) const { return base_url() + path; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace swapi::test
