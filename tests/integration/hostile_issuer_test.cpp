// Issue 11, hostile issuers: a --jwks-uri host that hangs, answers garbage, answers 10 MB,
// redirects to another host, or serves keys that are weak, mismatched or duplicated (the
// trusted kid twice: jose::parse_jwks refuses both). Each time
// the server keeps its last good keys (a good token stays 200, an attacker's stays 401), logs
// why, and no request waits on the fetch longer than its bound (the unknown-kid request that
// asked for it: 500 ms; every other request: not at all).
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/base64url.h"
#include "tests/integration/auth_test_server.h"
#include "tests/integration/jwks_publisher.h"

using namespace swapi;
using namespace swapi::test;
using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

// The JWKS host under the test's control: what it answers next is set by the test.
class HostileIssuer {
 public:
  struct Answer {
    int status = 200;
    std::string body;
    std::string location;  // for a redirect
    bool hang = false;     // answer only after release() (bounded)
  };

  HostileIssuer() {
    server_.Get("/jwks.json", [this](const httplib::Request&, httplib::Response& response) {
      std::unique_lock lock(mutex_);
      Answer answer = answer_;
      if (answer.hang) released_.wait_for(lock, std::chrono::seconds(20), [this] { return released_flag_; });
      response.status = answer.status;
      if (!answer.location.empty()) response.set_header("Location", answer.location);
      response.set_content(answer.body, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~HostileIssuer() {
    release();
    server_.stop();
    thread_.join();
  }
  void answer(Answer next) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(next);
    released_flag_ = false;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_flag_ = true;
    }
    released_.notify_all();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/jwks.json"; }

 private:
  httplib::Server server_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool released_flag_ = false;
  Answer answer_{200, jwks_text({rsa_key()}), {}, false};
  int port_ = 0;
  std::thread thread_;
};

struct Timed {
  int status = 0;
  std::chrono::milliseconds took{};
};

Timed timed_get(const ServerProcess& server, const std::string& token) {
  auto client = server.client();
  auto started = Clock::now();
  auto result = client.Get("/api/films/1/", bearer(token));
  return Timed{result ? result->status : 0,
               std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)};
}

// The public JWK of the trusted key, as published, to be bent into a hostile one.
json trusted_jwk() { return json::parse(jwks_text({rsa_key()}))["keys"][0]; }

std::string jwks_of(const std::vector<json>& keys) { return json{{"keys", json(keys)}}.dump(); }

}  // namespace

TEST_CASE("hostile issuer: hang, garbage, 10 MB, redirect, weak, mismatched or duplicated keys: last good keys kept") {
  HostileIssuer issuer;
  KeyPublisher elsewhere({other_rsa_key()});  // the host a redirect points at: the attacker's keys
  // --jwks-rpm 600 (the most): the test asks for refetches again and again below; the default budget
  // (10 a minute) would end its asks, not the issuer's answers.
  ServerProcess server({"--jwks-uri", issuer.url(), "--issuer", kIssuer, "--jwks-rpm", "600"});
  const std::string good = good_token();
  const std::string forged = good_token("read:films", other_rsa_key());
  REQUIRE(timed_get(server, good).status == 200);

  json weak = trusted_jwk();  // the trusted kid with a 1024-bit (odd) modulus
  std::string modulus = jose::base64url_decode(weak["n"].get<std::string>())->substr(0, 128);
  modulus.back() = static_cast<char>(modulus.back() | 1);
  weak["n"] = jose::base64url_encode(modulus);
  json mismatched = trusted_jwk();  // an RSA key that says it is for ES256
  mismatched["alg"] = "ES256";
  json impostor = json::parse(jwks_text({other_rsa_key()}))["keys"][0];  // the attacker's key under the trusted kid
  impostor["kid"] = rsa_key().kid;

  struct Case {
    const char* name;
    HostileIssuer::Answer answer;
    std::string logged;  // why, in the server's log
  };
  const std::vector<Case> cases = {
      {"garbage", {200, "<html>this is not JSON</html>", {}, false}, "not a JWKS: "},
      {"10 MB", {200, std::string(10 << 20, ' ') + jwks_text({other_rsa_key()}), {}, false},
       "response larger than 1048576 bytes"},
      {"a redirect to another host", {302, "", elsewhere.url("localhost"), false}, "HTTP 302 (expected 200)"},
      {"a weak key", {200, jwks_of({weak}), {}, false}, "RSA key of 1024 bits is under 2048"},
      {"a mismatched key", {200, jwks_of({mismatched}), {}, false}, "ES256 needs"},
      {"the trusted kid twice, the second the attacker's", {200, jwks_of({trusted_jwk(), impostor}), {}, false},
       "is used by 2 keys in the set"},
      {"a hang", {200, jwks_text({other_rsa_key()}), {}, true}, "timeout: "},
  };
  int asked = 0;
  auto ask_for_refetch = [&] {  // a token naming a kid the set lacks asks for one refetch
    return timed_get(server, mint(other_rsa_key(), good_claims(kIssuer, unix_now()),
                                  {{"kid", "rotated-" + std::to_string(++asked)}}));
  };
  for (const auto& each : cases) {
    std::string name = each.name;
    CAPTURE(name);
    issuer.answer(each.answer);
    // The request that asked waits for the fetch 500 ms at most, then is refused.
    Timed asking = ask_for_refetch();
    CHECK(asking.status == 401);
    CHECK(asking.took < std::chrono::milliseconds(1500));
    // Meanwhile (the hang: while the fetch still runs) every other request is answered at once.
    Timed meanwhile = timed_get(server, good);
    CHECK(meanwhile.status == 200);
    CHECK(meanwhile.took < std::chrono::milliseconds(500));
    // The log says why. A retry after the previous failure may have been running when this
    // case asked (and its ask refused at once): ask again until this answer was fetched.
    auto deadline = Clock::now() + std::chrono::seconds(15);
    while (server.log().find(each.logged) == std::string::npos && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (!each.answer.hang) ask_for_refetch();
    }
    CHECK_MESSAGE(server.log().find(each.logged) != std::string::npos, server.log());
    CHECK(timed_get(server, good).status == 200);
    CHECK(timed_get(server, forged).status == 401);
  }
  CHECK(log_contains(server, "keeping the last good key set"));
  issuer.release();
  CHECK(elsewhere.fetches.load() == 0);  // the redirect was never followed
}
