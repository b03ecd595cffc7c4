#include "tests/support/recording_proxy.h"

#include <stdexcept>

namespace swapi::test {

RecordingProxy::RecordingProxy(std::string body) : body_(std::move(body)) {
  // The pre-routing handler sees every parsed request, whatever its target: a proxied GET has
  // an absolute URI ("http://host/path") that no route pattern would be written for.
  server_.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request.method + " " + request.target);
    }
    if (request.method == "GET") {
      response.set_content(body_, "application/json");
    } else {
      response.status = 403;  // no tunnels: a CONNECT is recorded and refused
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("RecordingProxy: cannot bind a loopback port");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::yield();
}

RecordingProxy::~RecordingProxy() {
  server_.stop();
  thread_.join();
}

std::vector<std::string> RecordingProxy::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

}  // namespace swapi::test
