#pragma once
// `check`'s own loopback HTTP listener (DESIGN.md "`swapi check`"): the jku / x5u cases name a
// URL on it, it serves the attacker's key set there, and it records every request it
// receives. A correct target never fetches a URL a token names (RFC 8725 §3.10), so any
// request seen for a case's path fails that case, whatever status the target answered.
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace swapi::testkit {

class CanaryListener {
 public:
  struct Hit {
    std::string method;
    std::string path;  // without the query
    std::string user_agent;
  };

  // Binds 127.0.0.1 on an ephemeral port and serves on a thread of its own. Throws
  // base::Diagnostic when it cannot listen.
  CanaryListener();
  ~CanaryListener();  // stops and joins
  CanaryListener(const CanaryListener&) = delete;
  CanaryListener& operator=(const CanaryListener&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:PORT"

  // What to answer at path (exact match; anything else gets 404 and is still recorded).
  void serve(std::string path, std::string body, std::string content_type);

  std::vector<Hit> hits() const;
  std::vector<Hit> hits_for(std::string_view path) const;

  // Returns once every one of paths has been requested at least once, or at deadline. A target
  // may answer first and fetch later (a background key refresh), so the hits are counted only
  // after this; it returns at once when all were already seen.
  void wait_for_hits(std::span<const std::string> paths, std::chrono::steady_clock::time_point deadline) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace swapi::testkit
