#include "testkit/canary_listener.h"

#include <httplib.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "base/diagnostic.h"

namespace swapi::testkit {

struct CanaryListener::State {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  mutable std::condition_variable hit;  // notified on every request recorded
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> documents;  // path -> body, type
  std::vector<Hit> hits;

  void answer(const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex);
    hits.push_back({request.method, request.path, request.get_header_value("User-Agent")});
    hit.notify_all();
    auto it = documents.find(request.path);
    if (it == documents.end()) {
      response.status = 404;
      response.set_content(R"({"detail":"Not found"})", "application/json");
      return;
    }
    response.status = 200;
    response.set_content(it->second.first, it->second.second.c_str());
  }
};

CanaryListener::CanaryListener() : state_(std::make_unique<State>()) {
  auto& server = state_->server;
  // A target fetches at most a handful of URLs, usually one connection: a small pool, and
  // cpp-httplib's defaults (keep-alive, 5 s timeouts, delayed ACKs) set explicitly.
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100);
  server.set_read_timeout(2, 0);
  server.set_write_timeout(2, 0);
  server.set_payload_max_length(64 * 1024);
  auto handler = [state = state_.get()](const httplib::Request& request, httplib::Response& response) {
    state->answer(request, response);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
  server.Patch(".*", handler);

  state_->port = server.bind_to_any_port("127.0.0.1");
  if (state_->port <= 0)
    throw base::Diagnostic("check: canary listener", "cannot listen on a loopback port");
  state_->thread = std::thread([&server] { server.listen_after_bind(); });
  // stop() is a no-op until the loop runs (cpp-httplib 0.11), so wait for it: the destructor
  // must be able to end the thread. After a successful bind it starts at once.
  while (!server.is_running()) std::this_thread::yield();
}

CanaryListener::~CanaryListener() {
  state_->server.stop();
  if (state_->thread.joinable()) state_->thread.join();
}

std::string CanaryListener::base_url() const { return "http://127.0.0.1:" + std::to_string(state_->port); }

void CanaryListener::serve(std::string path, std::string body, std::string content_type) {
  std::lock_guard lock(state_->mutex);
  state_->documents[std::move(path)] = {std::move(body), std::move(content_type)};
}

std::vector<CanaryListener::Hit> CanaryListener::hits() const {
  std::lock_guard lock(state_->mutex);
  return state_->hits;
}

std::vector<CanaryListener::Hit> CanaryListener::hits_for(std::string_view path) const {
  std::lock_guard lock(state_->mutex);
  std::vector<Hit> found;
  for (const auto& hit : state_->hits)
    if (hit.path == path) found.push_back(hit);
  return found;
}

void CanaryListener::wait_for_hits(std::span<const std::string> paths,
                                   std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(state_->mutex);
  auto all_seen = [&] {
    return std::all_of(paths.begin(), paths.end(), [&](const std::string& path) {
      return std::any_of(state_->hits.begin(), state_->hits.end(), [&](const Hit& hit) { return hit.path == path; });
    });
  };
  state_->hit.wait_until(lock, deadline, all_seen);
}

}  // namespace swapi::testkit
