// The loopback routes over HTTP, in process (so the fsync seam can fail a flush): a write whose
// directory flush fails after the rename is answered as done, since it is, and logged; a write
// refused before the rename is a 503 that changed nothing.
#include <doctest/doctest.h>

#include <httplib.h>

#include <mutex>
#include <thread>

#include "server/data/dataset.h"
#include "server/data/persistence.h"
#include "server/data/store.h"
#include "server/loopback/loopback_routes.h"
#include "server/options.h"
#include "server/web/flavor_context.h"
#include "tests/support/failing_fsync.h"
#include "tests/support/server_process.h"

using nlohmann::json;

namespace {

// The loopback routes with --persist on an ephemeral loopback port, stopped and joined on exit.
class LoopbackServer {
 public:
  explicit LoopbackServer(const std::string& persist_file) : store_(swapi::server::load_embedded_dataset()) {
    swapi::server::ServeOptions options;
    options.flavor = "loopback";
    options.persist_file = persist_file;
    swapi::server::FlavorContext context{*store_, "http", "127.0.0.1", [this](const std::string& line) {
                                           std::lock_guard lock(mutex_);
                                           log_.push_back(line);
                                         }};
    swapi::server::register_loopback_routes(http_, context, options);
    port_ = http_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::yield();
  }
  ~LoopbackServer() {
    http_.stop();
    thread_.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(10, 0);
    return client;
  }
  std::vector<std::string> log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }

 private:
  std::unique_ptr<swapi::server::Store> store_;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> log_;
};

using swapi::test::FailingFsync;

int count_people(const LoopbackServer& server) {
  auto res = server.client().Get("/api/people/count");
  REQUIRE(res);
  return json::parse(res->body)["count"].get<int>();
}

}  // namespace

TEST_CASE("loopback durability: a directory flush failing after the rename answers the write, once, and logs it") {
  swapi::test::TempDir dir;
  auto file = dir.file("state.json");
  LoopbackServer server(file);
  auto created = [&] {
    FailingFsync failing(swapi::test::fsync_failing_on_directories);
    return server.client().Post("/api/people", R"({"name":"Rey"})", "application/json");
  }();
  // Before: 503 PERSIST_FAILED "nothing changed" while the file held Rey, so a client retried
  // and Rey existed twice after a restart.
  REQUIRE(created);
  CHECK(created->status == 200);
  CHECK(json::parse(created->body)["id"] == 84);
  CHECK(count_people(server) == 83);
  CHECK(json::parse(swapi::test::read_file(file))["people"].size() == 83);
  auto log = server.log();
  REQUIRE(log.size() == 1);
  CHECK(log[0] == "swapi serve: --persist: " + file + " holds the write, but it may not survive a power cut: "
                  "cannot flush directory " + dir.path().string() + " to disk: Input/output error");
}

TEST_CASE("loopback durability: a temp file that cannot be flushed is a 503 that changed nothing") {
  swapi::test::TempDir dir;
  auto file = dir.file("state.json");
  LoopbackServer server(file);
  auto refused = [&] {
    FailingFsync failing(swapi::test::fsync_failing_on_files);
    return server.client().Post("/api/people", R"({"name":"Rey"})", "application/json");
  }();
  REQUIRE(refused);
  CHECK(refused->status == 503);
  auto error = json::parse(refused->body)["error"];
  CHECK(error["code"] == "PERSIST_FAILED");
  CHECK(error["message"] == "the write was not saved, nothing changed: cannot flush " + file +
                                ".tmp to disk: Input/output error");
  CHECK(count_people(server) == 82);
  CHECK(server.log().empty());
  // The refused create did not use up its id.
  auto created = server.client().Post("/api/people", R"({"name":"Rey"})", "application/json");
  REQUIRE(created);
  CHECK(json::parse(created->body)["id"] == 84);
}
