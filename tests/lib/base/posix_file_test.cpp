#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/json_text.h"
#include "base/posix_file.h"

using namespace swapi::base;
namespace fs = std::filesystem;

namespace {

struct ScratchDir {
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "swapi-base-XXXXXX").string();
    path = ::mkdtemp(pattern.data()) ? pattern : throw std::runtime_error("mkdtemp");
  }
  ~ScratchDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (fs::path(path) / name).string(); }
  std::string path;
};

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int fsync_failing(int) {
  errno = EIO;
  return -1;
}

}  // namespace

TEST_CASE("atomic replace: writes the file with the mode asked, leaves no temp file") {
  ScratchDir dir;
  std::string path = dir.file("keys.json");
  CHECK(replace_file_atomically(path, "one\n", 0600).empty());
  CHECK(replace_file_atomically(path, "two\n", 0600).empty());
  CHECK(contents(path) == "two\n");
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK_FALSE(fs::exists(path + ".tmp"));
}

TEST_CASE("atomic replace: a temp file left by a kill -9 does not block the next write") {
  ScratchDir dir;
  std::string path = dir.file("state.json");
  std::ofstream(path + ".tmp") << "half a wri";
  CHECK(replace_file_atomically(path, "whole\n", 0644).empty());
  CHECK(contents(path) == "whole\n");
  CHECK_FALSE(fs::exists(path + ".tmp"));
}

TEST_CASE("atomic replace: a symlink planted at the temp name is not followed") {
  ScratchDir dir;
  std::string path = dir.file("keys.json");
  std::string victim = dir.file("victim");
  std::ofstream(victim) << "untouched";
  fs::create_symlink(victim, path + ".tmp");
  CHECK(replace_file_atomically(path, "secret\n", 0600).empty());
  CHECK(contents(victim) == "untouched");
  CHECK(contents(path) == "secret\n");
}

TEST_CASE("atomic replace: a failed flush throws, keeps the old file and removes the temp file") {
  ScratchDir dir;
  std::string path = dir.file("state.json");
  CHECK(replace_file_atomically(path, "old\n", 0644).empty());
  auto previous = replace_fsync_for_testing(&fsync_failing);
  CHECK_THROWS_WITH_AS(replace_file_atomically(path, "new\n", 0644),
                       ("cannot flush " + path + ".tmp to disk: Input/output error").c_str(), FileWriteError);
  replace_fsync_for_testing(previous);
  CHECK(contents(path) == "old\n");
  CHECK_FALSE(fs::exists(path + ".tmp"));
}

TEST_CASE("atomic replace: a missing directory is a FileWriteError naming the temp file") {
  ScratchDir dir;
  std::string path = dir.file("no/such/state.json");
  CHECK_THROWS_WITH_AS(replace_file_atomically(path, "x", 0644),
                       ("cannot create " + path + ".tmp: No such file or directory").c_str(), FileWriteError);
}

TEST_CASE("JSON text: nlohmann's tag is dropped, its position and reason kept") {
  try {
    // GCC's warn_unused_result (nlohmann's parse) is not silenced by a (void) cast.
    [[maybe_unused]] auto parsed = nlohmann::json::parse("{\"a\":}");
    FAIL("expected a parse error");
  } catch (const nlohmann::json::exception& error) {
    CHECK(json_error_reason(error).rfind("parse error at line 1, column 6: ", 0) == 0);
  }
}

TEST_CASE("JSON text: nesting is bounded before the structure is built") {
  CHECK(parse_json_within_depth("[[[1]]]", 3) == nlohmann::json::parse("[[[1]]]"));
  CHECK_THROWS_WITH_AS(parse_json_within_depth("[[[[1]]]]", 3), "nests deeper than 3 levels", JsonTooDeep);
  CHECK_THROWS_WITH_AS(parse_json_within_depth("{\"a\":{\"b\":{\"c\":{}}}}", 3), "nests deeper than 3 levels",
                       JsonTooDeep);
  std::string deep(1000000, '[');
  CHECK_THROWS_AS(parse_json_within_depth(deep, 64), JsonTooDeep);
  CHECK_THROWS_AS(parse_json_within_depth("1e400", 3), nlohmann::json::out_of_range);
}
