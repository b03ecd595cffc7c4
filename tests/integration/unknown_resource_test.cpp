// A path naming no resource (/api/unicorns) is 404 in the flavor's error shape whatever the
// token: none, a good one without the scope, one with it, a forged one. Before, the guard asked
// for read:unicorns (403 "the token lacks scope read:unicorns") or a token (401) first.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"

using namespace swapi;
using namespace swapi::test;
using nlohmann::json;

namespace {

// Every token a client might send, and none.
std::vector<std::pair<std::string, httplib::Headers>> every_token() {
  std::string forged = good_token("read:unicorns write:unicorns");
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  return {{"no token", {}},
          {"a good token without the scope", bearer(good_token("read:films"))},
          {"a token with the scope", bearer(good_token("read:unicorns write:unicorns"))},
          {"a token with no scope at all", bearer(good_token(""))},
          {"a forged token", bearer(forged)},
          {"a Basic header", {{"Authorization", "Basic dXNlcjpwYXNz"}}}};
}

httplib::Result send(ServerProcess& server, const std::string& method, const std::string& path,
                     const httplib::Headers& headers) {
  auto client = server.client();
  if (method == "GET") return client.Get(path.c_str(), headers);
  if (method == "POST") return client.Post(path.c_str(), headers, "{}", "application/json");
  if (method == "PUT") return client.Put(path.c_str(), headers, "{}", "application/json");
  return client.Delete(path.c_str(), headers);
}

// Each method on each path with each token: 404, `expected(method, path)` as the body, and no
// challenge.
template <typename Expected>
void check_every_token(ServerProcess& server, const std::vector<std::string>& paths, Expected expected) {
  for (const auto& [what, headers] : every_token()) {
    for (const std::string method : {"GET", "POST", "PUT", "DELETE"}) {
      for (const auto& path : paths) {
        CAPTURE(what);
        CAPTURE(method);
        CAPTURE(path);
        auto res = send(server, method, path, headers);
        REQUIRE(res);
        CHECK(res->status == 404);
        CHECK(res->get_header_value("Content-Type") == "application/json");
        CHECK(json::parse(res->body) == expected(method, path));
        CHECK_FALSE(res->has_header("WWW-Authenticate"));
      }
    }
  }
}

}  // namespace

TEST_CASE("unknown resource: swapi flavor answers 404 {\"detail\":\"Not found\"} whatever the token") {
  AuthServer server;
  check_every_token(server.process(), {"/api/unicorns", "/api/unicorns/", "/api/unicorns/1/", "/api/Films/"},
                    [](const std::string&, const std::string&) { return json{{"detail", "Not found"}}; });
  CHECK(log_contains(server.process(), "auth=unknown_resource"));
  // A resource that exists still needs its token and scope.
  CHECK(server.get("/api/films/")->status == 401);
  CHECK(server.get_with_token("/api/films/", good_token("read:people"))->status == 403);
}

TEST_CASE("unknown resource: loopback flavor answers Express's 404 in LoopBack's shape whatever the token") {
  AuthServer server({rsa_key()}, {"--flavor", "loopback"});
  check_every_token(server.process(), {"/api/unicorns", "/api/unicorns/1", "/api/unicorns/count"},
                    [](const std::string& method, const std::string& path) {
                      return json{{"error", {{"statusCode", 404}, {"name", "Error"}, {"message", "Cannot " + method + " " + path}}}};
                    });
  CHECK(server.get("/api/films")->status == 401);
  CHECK(server.process().client().Post("/api/films", bearer(good_token("read:films")), "{}", "application/json")->status ==
        403);
}
