// `swapi serve --flavor loopback --persist FILE` on a disk that fills up: the test mounts a
// small tmpfs (it runs as root in CI; elsewhere it says why it cannot and stops, and
// tests/server/loopback/loopback_durability_test.cpp reaches the same 503 through the fsync
// seam). A write that does not fit is a 503 that changed nothing, the file keeps every write
// answered before, and once there is room again writing goes on without a gap in the ids.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "tests/support/server_process.h"

using nlohmann::json;
using swapi::test::ServerProcess;
using swapi::test::TempDir;

namespace {

// A tmpfs of `bytes` at `where`, lazily unmounted when the object dies.
class SmallDisk {
 public:
  static std::optional<std::string> why_not(const std::filesystem::path& where, std::size_t bytes) {
    if (::geteuid() != 0) return "not root";
    std::filesystem::create_directory(where);
    std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
    if (::mount("tmpfs", where.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
      return std::string("mount tmpfs: ") + std::strerror(errno);
    return std::nullopt;
  }
  explicit SmallDisk(std::filesystem::path where) : where_(std::move(where)) {}
  ~SmallDisk() { ::umount2(where_.c_str(), MNT_DETACH); }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  std::size_t free_bytes() const {
    struct statvfs info {};
    REQUIRE(::statvfs(where_.c_str(), &info) == 0);
    return static_cast<std::size_t>(info.f_bavail) * info.f_frsize;
  }

 private:
  std::filesystem::path where_;
};

std::pair<int, json> create(const ServerProcess& server, const std::string& name) {
  auto res = server.client().Post("/api/people", json{{"name", name}}.dump(), "application/json");
  REQUIRE(res);
  return {res->status, json::parse(res->body)};
}

int people_count(const ServerProcess& server) {
  auto res = server.client().Get("/api/people/count");
  REQUIRE(res);
  return json::parse(res->body)["count"].get<int>();
}

}  // namespace

TEST_CASE("loopback --persist: a full disk answers 503, changes nothing, loses nothing answered before") {
  TempDir dir;
  auto mount_point = dir.path() / "disk";
  if (auto why = SmallDisk::why_not(mount_point, 4 << 20)) {
    MESSAGE("skipped: cannot mount a small tmpfs (" << *why << "); the fsync seam test covers the 503");
    return;
  }
  SmallDisk disk(mount_point);
  auto file = (mount_point / "state.json").string();
  auto filler = (mount_point / "filler").string();
  std::vector<std::string> args = {"--flavor", "loopback", "--no-auth", "--persist", file};
  {
    ServerProcess server(args);
    auto [status, rey] = create(server, "Rey");
    REQUIRE(status == 200);
    REQUIRE(rey["id"] == 84);

    // Leave room for less than half a state file: the next FILE.tmp cannot be written.
    auto state_size = std::filesystem::file_size(file);
    {
      std::ofstream fill(filler, std::ios::binary);
      std::string block(4096, 'x');
      std::size_t room = disk.free_bytes();
      for (std::size_t written = 0; written + block.size() + state_size / 2 < room; written += block.size())
        fill.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
    REQUIRE(disk.free_bytes() < state_size);

    auto [full_status, full] = create(server, "Finn");
    CHECK(full_status == 503);
    CHECK(full["error"]["code"] == "PERSIST_FAILED");
    CHECK(full["error"]["message"] ==
          "the write was not saved, nothing changed: cannot write " + file + ".tmp: No space left on device");
    CHECK(people_count(server) == 83);
    CHECK_FALSE(std::filesystem::exists(file + ".tmp"));  // the half-written temp is removed
    auto kept = json::parse(swapi::test::read_file(file));
    CHECK(kept["people"].back()["name"] == "Rey");

    // Room again: the refused write used up no id.
    std::filesystem::remove(filler);
    auto [status_after, poe] = create(server, "Poe");
    CHECK(status_after == 200);
    CHECK(poe["id"] == 85);
    CHECK(server.stop(SIGKILL) == 128 + SIGKILL);
  }
  ServerProcess again(args);
  CHECK(people_count(again) == 84);
  auto finn = again.client().Get("/api/people/findOne", httplib::Params{{"filter", R"({"where":{"name":"Finn"}})"}},
                                 httplib::Headers{});
  REQUIRE(finn);
  CHECK(finn->status == 404);
  auto poe = again.client().Get("/api/people/85");
  REQUIRE(poe);
  CHECK(json::parse(poe->body)["name"] == "Poe");
}
