// --jwks-uri against a second, in-process HTTP server that publishes keys: rotation via one
// refetch on an unknown kid, the last good set kept when the issuer is down, the refetch rate
// limit, recovery when the issuer comes up after the server, and https-or-loopback.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/integration/auth_test_server.h"

using namespace swapi;
using namespace swapi::test;

namespace {

// A JWKS endpoint whose keys the test changes, counting fetches.
class KeyPublisher {
 public:
  explicit KeyPublisher(const std::vector<jose::Jwk>& keys) {
    publish(keys);
    server_.Get("/jwks.json", [this](const httplib::Request&, httplib::Response& response) {
      ++fetches;
      std::lock_guard lock(mutex_);
      response.status = status_;
      response.set_content(body_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~KeyPublisher() { stop(); }

  void publish(const std::vector<jose::Jwk>& keys, int status = 200) {
    std::lock_guard lock(mutex_);
    body_ = jwks_text(keys);
    status_ = status;
  }
  void stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/jwks.json"; }

  std::atomic<int> fetches{0};

 private:
  httplib::Server server_;
  std::mutex mutex_;
  std::string body_;
  int status_ = 200;
  int port_ = 0;
  std::thread thread_;
};

int status_with(ServerProcess& server, const std::string& token) {
  auto res = server.client().Get("/api/films/1/", bearer(token));
  return res ? res->status : -1;
}

}  // namespace

TEST_CASE("auth remote jwks: keys are fetched once at start and trusted") {
  KeyPublisher publisher({rsa_key()});
  ServerProcess server({"--jwks-uri", publisher.url(), "--issuer", kIssuer});
  CHECK(publisher.fetches == 1);
  CHECK(status_with(server, good_token()) == 200);
  CHECK(status_with(server, good_token("read:films", other_rsa_key())) == 401);
  CHECK(output_contains(server, "keys: JWKS " + publisher.url() + ", 1 key (RS256), refreshed every 600 s"));
}

TEST_CASE("auth remote jwks: rotation: an unknown kid triggers one refetch, then the new key works") {
  KeyPublisher publisher({rsa_key()});
  ServerProcess server({"--jwks-uri", publisher.url(), "--issuer", kIssuer});
  CHECK(status_with(server, good_token()) == 200);
  publisher.publish({rsa_key(), other_rsa_key()});
  CHECK(status_with(server, good_token("read:films", other_rsa_key())) == 200);
  CHECK(publisher.fetches == 2);
  CHECK(status_with(server, good_token("read:films", other_rsa_key())) == 200);  // known now: no fetch
  CHECK(status_with(server, good_token()) == 200);
  CHECK(publisher.fetches == 2);
}

TEST_CASE("auth remote jwks: issuer down: the last good keys keep working") {
  KeyPublisher publisher({rsa_key()});
  ServerProcess server({"--jwks-uri", publisher.url(), "--issuer", kIssuer});
  publisher.stop();
  CHECK(status_with(server, good_token("read:films read:people")) == 200);  // a token never seen before
  auto res = server.client().Get("/api/films/1/", bearer(mint(other_rsa_key(), good_claims(kIssuer, unix_now()), {{"kid", "rotated"}})));
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(rule_of(res) == "unknown_kid");
  CHECK(log_contains(server, "(unknown kid): connect_failed"));
  CHECK(log_contains(server, "keeping the last good key set"));
  CHECK(status_with(server, good_token()) == 200);
}

TEST_CASE("auth remote jwks: a flood of unknown kids is rate-limited (--jwks-rpm)") {
  KeyPublisher publisher({rsa_key()});
  ServerProcess server({"--jwks-uri", publisher.url(), "--issuer", kIssuer, "--jwks-rpm", "3"});
  for (int i = 0; i < 20; ++i) {
    auto token = mint(other_rsa_key(), good_claims(kIssuer, unix_now()), {{"kid", "made-up-" + std::to_string(i)}});
    CHECK(status_with(server, token) == 401);
  }
  CHECK(publisher.fetches == 1 + 3);
  CHECK(log_contains(server, "not refetching, 3 refetches a minute at most (--jwks-rpm)"));
  CHECK(status_with(server, good_token()) == 200);
}

TEST_CASE("auth remote jwks: an issuer unreachable at start: warning, 401s, then keys on the first kid miss") {
  KeyPublisher publisher({rsa_key()});
  publisher.publish({rsa_key()}, 503);
  ServerProcess server({"--jwks-uri", publisher.url(), "--issuer", kIssuer});
  CHECK(log_contains(server, "no keys yet (HTTP 503 (expected 200))"));
  CHECK(output_contains(server, "no keys yet"));
  auto res = server.client().Get("/api/films/1/", bearer(good_token()));
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(rule_of(res) == "alg_not_allowed");  // an empty set allows nothing
  CHECK(publisher.fetches == 2);            // ... but it tried to refetch
  publisher.publish({rsa_key()});
  CHECK(status_with(server, good_token()) == 200);
}

TEST_CASE("auth remote jwks: bad keys in the published set are skipped, good ones used") {
  auto document = nlohmann::json::parse(jwks_text({rsa_key()}));
  document["keys"].push_back({{"kty", "EC"}, {"kid", "broken"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}});
  httplib::Server mixed;
  mixed.Get("/jwks.json", [&](const httplib::Request&, httplib::Response& response) { response.set_content(document.dump(), "application/json"); });
  int port = mixed.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { mixed.listen_after_bind(); });
  ServerProcess second({"--jwks-uri", "http://127.0.0.1:" + std::to_string(port) + "/jwks.json", "--issuer", kIssuer});
  CHECK(log_contains(second, "skipped key 2 (kid \"broken\")"));
  CHECK(status_with(second, good_token()) == 200);
  second.stop();
  mixed.stop();
  thread.join();
}

TEST_CASE("auth remote jwks: plain http to a non-loopback host is refused at start") {
  auto result = run_swapi({"serve", "--port", "0", "--jwks-uri", "http://issuer.example/.well-known/jwks.json"});
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("refusing plain http to issuer.example") != std::string::npos);
  CHECK(result.err.find("use https") != std::string::npos);
}
