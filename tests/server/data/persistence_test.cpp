// The --persist file: atomic durable rewrite, loading, and corrupt files refused by name.
#include <doctest/doctest.h>

#include <filesystem>

#include "base/diagnostic.h"
#include "server/data/persistence.h"
#include "server/data/store.h"
#include "tests/support/failing_fsync.h"
#include "tests/support/server_process.h"

using nlohmann::json;
using swapi::server::attach_persistence;
using swapi::server::PersistError;
using swapi::server::PersistLock;
using swapi::server::read_state_file;
using swapi::base::Diagnostic;
using swapi::server::Store;
using swapi::server::write_state_file;
using swapi::test::read_file;
using swapi::test::TempDir;
using swapi::test::write_file;

namespace {

json small_state() {
  return {
      {"films", json::array({{{"id", 1}, {"title", "A New Hope"}}})},
      {"people", json::array({{{"id", 1}, {"name", "Luke Skywalker"}}, {{"id", 4}, {"name", "Darth Vader"}}})},
      {"planets", json::array()},
      {"species", json::array()},
      {"starships", json::array()},
      {"vehicles", json::array()},
  };
}

// The reason of the base::Diagnostic `attach_persistence` throws for a file holding `content`.
std::string attach_error(const std::string& content) {
  TempDir dir;
  auto path = dir.file("state.json");
  write_file(path, content);
  Store store;
  try {
    attach_persistence(store, path, {});
  } catch (const swapi::base::Diagnostic& e) {
    CHECK(e.what_failed == "serve: --persist");
    CHECK(e.why.rfind(path + ": ", 0) == 0);  // names the file
    CHECK(e.hint.find("never overwrites") != std::string::npos);
    CHECK(read_file(path) == content);  // left exactly as it was
    return e.why.substr(path.size() + 2);
  }
  return "(no error)";
}

using swapi::test::FailingFsync;
using swapi::test::fsync_failing_on_directories;
using swapi::test::fsync_failing_on_files;

}  // namespace

TEST_CASE("persistence: write_state_file writes the JSON and leaves no temp file") {
  TempDir dir;
  auto path = dir.file("state.json");
  CHECK(write_state_file(path, small_state()).empty());
  CHECK(json::parse(read_file(path)) == small_state());
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  CHECK(write_state_file(path, json{{"films", json::array()}}).empty());
  CHECK(json::parse(read_file(path)) == json{{"films", json::array()}});
}

TEST_CASE("persistence: a failed write leaves the old file and no temp file") {
  TempDir dir;
  auto path = dir.file("state.json");
  CHECK(write_state_file(path, small_state()).empty());
  // The temp name is taken by a directory: creating it fails, as a full or read-only disk would.
  std::filesystem::create_directory(path + ".tmp");
  try {
    (void)write_state_file(path, json::object());
    FAIL("expected PersistError");
  } catch (const PersistError& e) {
    CHECK(std::string(e.what()).rfind("cannot create " + path + ".tmp: ", 0) == 0);
  }
  CHECK(json::parse(read_file(path)) == small_state());
}

TEST_CASE("persistence: read_state_file: absent is nullopt, present is its JSON") {
  TempDir dir;
  CHECK_FALSE(read_state_file(dir.file("none.json")).has_value());
  write_file(dir.file("s.json"), R"({"a":1})");
  CHECK(read_state_file(dir.file("s.json")) == json{{"a", 1}});
}

TEST_CASE("persistence: attach loads the file and every write rewrites it before it is published") {
  TempDir dir;
  auto path = dir.file("state.json");
  write_file(path, small_state().dump());
  Store store;
  auto lock = attach_persistence(store, path, {});
  CHECK(store.snapshot("people")->records.size() == 2);
  auto created = store.create("people", json{{"name", "Han Solo"}});
  CHECK(created->id == 5);
  auto saved = json::parse(read_file(path));
  CHECK(saved["people"].size() == 3);
  CHECK(saved["people"][2] == json{{"id", 5}, {"name", "Han Solo"}});
  store.remove("people", 1);
  CHECK(json::parse(read_file(path))["people"].size() == 2);
}

TEST_CASE("persistence: a missing file starts from the store as it is and is created on the first write") {
  TempDir dir;
  auto path = dir.file("state.json");
  Store store;
  store.load_json(small_state());
  auto lock = attach_persistence(store, path, {});
  CHECK_FALSE(std::filesystem::exists(path));
  store.merge("films", 1, json{{"director", "George Lucas"}});
  CHECK(json::parse(read_file(path))["films"][0]["director"] == "George Lucas");
}

TEST_CASE("persistence: a write that cannot be saved is not published") {
  TempDir dir;
  auto path = dir.file("state.json");
  Store store;
  store.load_json(small_state());
  auto lock = attach_persistence(store, path, {});
  std::filesystem::create_directory(path + ".tmp");
  CHECK_THROWS_AS(store.create("people", json{{"name", "Han Solo"}}), PersistError);
  CHECK(store.snapshot("people")->records.size() == 2);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("persistence: corrupt files are start-up errors naming the file and the reason") {
  CHECK(attach_error("{\"films\": [") ==
        "not valid JSON: parse error at line 1, column 12: syntax error while parsing value - unexpected end of input; "
        "expected '[', '{', or a literal");
  CHECK(attach_error("") ==
        "not valid JSON: parse error at line 1, column 1: syntax error while parsing value - unexpected end of input; "
        "expected '[', '{', or a literal");
  CHECK(attach_error(R"({"films":[{"id":1e400}]})") == "not valid JSON: number overflow parsing '1e400'");
  CHECK(attach_error("[]") == "expected a JSON object of resources, not array");
  CHECK(attach_error(R"({"films":[]})") == "missing resource \"people\"");
  auto state = small_state();
  state["people"][1]["id"] = "four";
  CHECK(attach_error(state.dump()) == "people: record at index 1: \"id\" must be a positive integer, not \"four\"");
  CHECK(attach_error(std::string(100, '[') + std::string(100, ']')) == "nests deeper than 64 levels");
}

TEST_CASE("persistence: a directory is not a persist file") {
  TempDir dir;
  Store store;
  try {
    attach_persistence(store, dir.path().string(), {});
    FAIL("expected swapi::base::Diagnostic");
  } catch (const swapi::base::Diagnostic& e) {
    CHECK(e.why == dir.path().string() + " is a directory");
  }
}

TEST_CASE("persistence: a missing directory is refused at start, not at the first write") {
  TempDir dir;
  Store store;
  auto path = dir.file("no/such/dir/state.json");
  try {
    attach_persistence(store, path, {});
    FAIL("expected swapi::base::Diagnostic");
  } catch (const swapi::base::Diagnostic& e) {
    CHECK(e.why == "cannot write to the directory " + dir.file("no/such/dir") + ": No such file or directory");
  }
}

TEST_CASE("persistence: two servers cannot share one file") {
  TempDir dir;
  auto path = dir.file("state.json");
  PersistLock first(path);
  try {
    PersistLock second(path);
    FAIL("expected swapi::base::Diagnostic");
  } catch (const swapi::base::Diagnostic& e) {
    CHECK(e.why == path + " is in use by another swapi serve (" + path + ".lock is locked)");
  }
}

TEST_CASE("persistence: a temp file that cannot be flushed is refused and changes nothing") {
  TempDir dir;
  auto path = dir.file("state.json");
  Store store;
  store.load_json(small_state());
  auto lock = attach_persistence(store, path, {});
  FailingFsync failing(fsync_failing_on_files);
  CHECK_THROWS_WITH_AS(store.create("people", json{{"name", "Han Solo"}}),
                       ("cannot flush " + path + ".tmp to disk: Input/output error").c_str(), PersistError);
  CHECK(store.snapshot("people")->records.size() == 2);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_CASE("persistence: a directory that cannot be flushed after the rename publishes the write and logs the doubt") {
  TempDir dir;
  auto path = dir.file("state.json");
  Store store;
  store.load_json(small_state());
  std::vector<std::string> logged;
  auto lock = attach_persistence(store, path, [&logged](const std::string& line) { logged.push_back(line); });
  {
    FailingFsync failing(fsync_failing_on_directories);
    // Before: PersistError ("nothing changed", a 503), though the file already held Han: a
    // retried POST then created him twice.
    auto created = store.create("people", json{{"name", "Han Solo"}});
    REQUIRE(created);
    CHECK(created->id == 5);
  }
  CHECK(store.snapshot("people")->find(5)->fields.at("name") == "Han Solo");
  CHECK(json::parse(read_file(path))["people"].size() == 3);
  REQUIRE(logged.size() == 1);
  CHECK(logged[0] == "swapi serve: --persist: " + path + " holds the write, but it may not survive a power cut: "
                     "cannot flush directory " + dir.path().string() + " to disk: Input/output error");
  // Healthy again: the next write is quiet, and the id just handed out is not handed out twice.
  CHECK(store.create("people", json{{"name", "Chewbacca"}})->id == 6);
  CHECK(logged.size() == 1);
}
