// Record ids of the loopback flavor against the real binary: no client choice uses them up, and
// --persist keeps the high-water mark, so a deleted id is never handed out again, also after a
// kill -9.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/server_process.h"

using nlohmann::json;
using swapi::test::ServerProcess;
using swapi::test::TempDir;

namespace {

std::vector<std::string> loopback(std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--flavor", "loopback", "--no-auth"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// POST /api/people; the answer's status and body.
std::pair<int, json> create(const ServerProcess& server, const std::string& body) {
  auto res = server.client().Post("/api/people", body, "application/json");
  REQUIRE(res);
  return {res->status, json::parse(res->body)};
}

}  // namespace

TEST_CASE("loopback ids: a client taking id 2147483647 leaves automatic ids running, across a restart") {
  TempDir dir;
  auto file = dir.file("state.json");
  {
    ServerProcess server(loopback({"--persist", file}));
    auto [status, body] = create(server, R"({"id": 2147483647, "name": "Max"})");
    REQUIRE(status == 200);
    CHECK(body["id"] == 2147483647);
    // Before: 409 "no free id left" here and for every later create.
    auto [next_status, next] = create(server, R"({"name": "Next"})");
    CHECK(next_status == 200);
    CHECK(next["id"] == 2147483648);
    auto read = server.client().Get("/api/people/2147483648");
    REQUIRE(read);
    CHECK(read->status == 200);
    CHECK(json::parse(read->body)["name"] == "Next");

    auto [refused_status, refused] = create(server, R"({"id": 2147483648, "name": "Too far"})");
    CHECK(refused_status == 400);
    CHECK(refused["error"]["code"] == "INVALID_BODY");
    CHECK(refused["error"]["message"] ==
          "id 2147483648 is above 2147483647, the largest id a client may choose (larger ones are handed out automatically)");
    CHECK(server.stop(SIGKILL) == 128 + SIGKILL);
  }
  ServerProcess again(loopback({"--persist", file}));
  auto [status, body] = create(again, R"({"name": "After restart"})");
  CHECK(status == 200);
  CHECK(body["id"] == 2147483649);
}

TEST_CASE("loopback ids: a deleted highest id is not handed out again after a kill -9") {
  TempDir dir;
  auto file = dir.file("state.json");
  {
    ServerProcess server(loopback({"--persist", file}));
    auto [status, body] = create(server, R"({"name": "Rey"})");
    REQUIRE(status == 200);
    REQUIRE(body["id"] == 84);  // the dataset's highest person is 83
    auto deleted = server.client().Delete("/api/people/84");
    REQUIRE(deleted);
    REQUIRE(json::parse(deleted->body) == json{{"count", 1}});
    CHECK(server.stop(SIGKILL) == 128 + SIGKILL);  // right after the answer: no clean shutdown
  }
  ServerProcess again(loopback({"--persist", file}));
  // Before: 84 again (the highest remaining id + 1), so a client holding "person 84" saw
  // another record under it.
  auto [status, body] = create(again, R"({"name": "Finn"})");
  CHECK(status == 200);
  CHECK(body["id"] == 85);
  auto gone = again.client().Get("/api/people/84/exists");
  REQUIRE(gone);
  CHECK(json::parse(gone->body) == json{{"exists", false}});
}
