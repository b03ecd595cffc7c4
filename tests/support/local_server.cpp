#include "tests/support/local_server.h"

#include <stdexcept>

namespace swapi::test {

LocalServer::LocalServer() {
  server_.set_tcp_nodelay(true);  // no 40 ms delayed-ACK stalls on keep-alive (DESIGN.md)
  server_.new_task_queue = [] { return new httplib::ThreadPool(8); };
}

LocalServer::~LocalServer() { stop(); }

void LocalServer::start() {
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("cannot bind a loopback port");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::yield();
}

void LocalServer::stop() {
  if (!thread_.joinable()) return;
  server_.stop();
  thread_.join();
}

}  // namespace swapi::test
