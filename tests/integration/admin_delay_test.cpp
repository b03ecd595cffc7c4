// A delay fault never ties up the server (DESIGN.md "Scenario control"): with the default
// worker pool, other requests are answered at once while delayed ones wait; clearing the
// fault or stopping the server ends the waits.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <utility>

#include "tests/integration/admin_test_support.h"

using namespace swapi;
using namespace swapi::test;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::uint64_t applied(const ServerProcess& server) {
  auto faults = admin_json(server, "GET", "/_swapi/faults")["faults"];
  return faults.empty() ? 0 : faults[0]["applied"].get<std::uint64_t>();
}

// GET `path` on a thread of its own, timed; finish() joins it, then status and seconds are set.
struct WaitingGet {
  WaitingGet(const ServerProcess& server, std::string path)
      : thread([this, &server, path = std::move(path)] {
          auto start = std::chrono::steady_clock::now();
          auto res = server.client().Get(path);
          seconds = seconds_since(start);
          status = res ? res->status : -1;
        }) {}
  ~WaitingGet() { finish(); }  // a failed REQUIRE leaves it running: wait, never terminate
  void finish() {
    if (thread.joinable()) thread.join();
  }

  int status = 0;
  double seconds = 0;
  std::thread thread;  // last: started once the results it writes exist
};

}  // namespace

TEST_CASE("delay: 8 requests held for 3 s on the default pool; meanwhile others are answered at once") {
  constexpr int kHeld = 8;
  ServerProcess server({"--admin"});  // no --threads: the default pool
  std::string token = issued_token(server, "read:films read:people");
  add_fault(server, {{"route", "api"}, {"path", "/api/films*"}, {"delay_ms", 3000}});

  std::atomic<int> finished{0};
  std::vector<double> took(kHeld, 0);
  std::vector<int> status(kHeld, 0);
  std::vector<std::thread> held;
  for (int i = 0; i < kHeld; ++i) {
    held.emplace_back([&, i] {
      auto start = std::chrono::steady_clock::now();
      auto res = server.client().Get("/api/films/1/", bearer(token));
      took[i] = seconds_since(start);
      status[i] = res ? res->status : -1;
      ++finished;
    });
  }
  // Every one of them has taken the fault (counted before it waits).
  REQUIRE(eventually([&] { return applied(server) == kHeld; }));

  auto client = server.client();
  for (const char* path : {"/api/people/1/", "/healthz", "/.well-known/jwks.json", "/api/"}) {
    auto start = std::chrono::steady_clock::now();
    auto res = client.Get(path, bearer(token));
    double seconds = seconds_since(start);
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 200, path);
    CHECK_MESSAGE(seconds < 0.5, path << " took " << seconds << " s while " << kHeld << " requests were held");
  }
  CHECK(finished == 0);  // they are still waiting
  for (auto& thread : held) thread.join();
  for (int i = 0; i < kHeld; ++i) {
    CHECK(status[i] == 200);
    CHECK(took[i] >= 3.0);
    CHECK(took[i] < 8.0);
  }
}

TEST_CASE("delay: `swapi fault clear` (all, or the one fault) lets the waiting requests go on; SIGTERM does not wait out a delay") {
  ServerProcess server({"--admin"});
  add_fault(server, {{"route", "jwks"}, {"delay_ms", 60000}});
  WaitingGet cleared(server, "/.well-known/jwks.json");
  REQUIRE(eventually([&] { return applied(server) == 1; }));
  REQUIRE(swapi_at(server, {"fault", "clear"}).exit_code == 0);
  cleared.finish();
  CHECK(cleared.status == 200);
  CHECK(cleared.seconds < 5);

  // `swapi fault clear ID` of the delay ends its waits as well; another fault's waits go on.
  auto delayed = add_fault(server, {{"route", "jwks"}, {"delay_ms", 60000}});
  WaitingGet removed(server, "/.well-known/jwks.json");
  REQUIRE(eventually([&] { return applied(server) == 1; }));
  REQUIRE(swapi_at(server, {"fault", "clear", std::to_string(delayed)}).exit_code == 0);
  removed.finish();
  CHECK(removed.status == 200);
  CHECK(removed.seconds < 5);

  add_fault(server, {{"route", "jwks"}, {"delay_ms", 60000}});
  std::thread stopped([&] { server.client().Get("/.well-known/jwks.json"); });
  REQUIRE(eventually([&] { return applied(server) == 1; }));
  auto start = std::chrono::steady_clock::now();
  CHECK(server.stop(SIGTERM) == 0);
  CHECK(seconds_since(start) < 5);
  stopped.join();
}

TEST_CASE("delay: at most half the workers wait; past that a delayed request is answered at once, and logged") {
  ServerProcess server({"--admin", "--threads", "4"});  // two may wait
  add_fault(server, {{"route", "jwks"}, {"delay_ms", 3000}});
  std::vector<std::thread> held;
  for (int i = 0; i < 2; ++i) held.emplace_back([&] { server.client().Get("/.well-known/jwks.json"); });
  REQUIRE(eventually([&] { return applied(server) == 2; }));
  auto start = std::chrono::steady_clock::now();
  auto res = server.client().Get("/.well-known/jwks.json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(seconds_since(start) < 1.0);
  CHECK(log_has(server, "swapi serve: admin: delay of fault #1 skipped for GET /.well-known/jwks.json: 2 requests are held "
                        "already (half the workers at most)"));
  CHECK(server.client().Get("/healthz")->status == 200);
  for (auto& thread : held) thread.join();
}

// With one worker, "half the workers" is none: a delayed request would hold the only worker
// and every other request (health checks, the admin route that clears the fault) would wait.
TEST_CASE("delay: with --threads 1 a delay fault is refused (409, exit 3) and the worker stays free") {
  ServerProcess server({"--admin", "--threads", "1"});
  auto res = admin_call(server, "POST", "/_swapi/faults", {{"route", "api"}, {"delay_ms", 5000}});
  REQUIRE(res);
  CHECK(res->status == 409);
  CHECK(nlohmann::json::parse(res->body)["detail"] ==
        "this server has one worker (--max-threads 1): a delayed request would hold it and stop the server; start it "
        "with --max-threads 2 or more for delays");
  auto cli = swapi_at(server, {"fault", "jwks", "--delay", "5s"});
  CHECK(cli.exit_code == 3);
  CHECK(cli.err.find("--max-threads 2 or more") != std::string::npos);
  CHECK(admin_json(server, "GET", "/_swapi/faults")["faults"].empty());

  auto start = std::chrono::steady_clock::now();
  auto health = server.client().Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(seconds_since(start) < 1.0);
  // A status fault needs no waiting: it is still taken.
  add_fault(server, {{"route", "jwks"}, {"status", 503}, {"count", 1}});
  CHECK(server.client().Get("/.well-known/jwks.json")->status == 503);
}
