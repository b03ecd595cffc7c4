// The state dir's atomic write when the disk fails (through the fsync seam): before the rename
// the file is untouched and the write refused; after it the write has happened, so it is not
// an error, and the doubt is reported.
#include <doctest/doctest.h>

#include <filesystem>

#include "base/diagnostic.h"
#include "state/keyset_store.h"
#include "state/state_dir.h"
#include "tests/support/failing_fsync.h"
#include "tests/support/server_process.h"

using namespace swapi::server;
using swapi::test::FailingFsync;
using swapi::test::fsync_failing_on_directories;
using swapi::test::fsync_failing_on_files;
using swapi::test::read_file;
using swapi::test::TempDir;

TEST_CASE("state write: a file that cannot be flushed is refused and the old one kept") {
  TempDir temp;
  std::string path = temp.file("clients.json");
  write_private_file(path, "old", "clients");
  FailingFsync failing(fsync_failing_on_files);
  try {
    write_private_file(path, "new", "clients");
    FAIL("expected swapi::base::Diagnostic");
  } catch (const swapi::base::Diagnostic& error) {
    CHECK(error.what_failed == "clients " + path);
    CHECK(error.why == "cannot flush " + path + ".tmp to disk: Input/output error");
  }
  CHECK(read_file(path) == "old");
  CHECK(std::distance(std::filesystem::directory_iterator(temp.path()), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("state write: a directory that cannot be flushed after the rename is a warning, not an error") {
  TempDir temp;
  std::string dir = temp.file("state");
  std::vector<std::string> warnings;
  WarningSink warn = [&warnings](const std::string& line) { warnings.push_back(line); };
  std::string kid;
  {
    FailingFsync failing(fsync_failing_on_directories);
    // Before: the failure was ignored without a word.
    kid = open_keyset(dir, 0, warn).active().key.kid;
  }
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "keyset " + dir + "/keys.json was written, but it may not survive a power cut: "
                       "cannot flush directory " + dir + " to disk: Input/output error");
  // The keyset returned is the one on disk.
  auto stored = load_keyset(dir);
  REQUIRE(stored);
  CHECK(stored->active().key.kid == kid);
  // Healthy again: quiet.
  update_keyset(dir, 1, [](Keyset&) {}, warn);
  CHECK(warnings.size() == 1);
}
