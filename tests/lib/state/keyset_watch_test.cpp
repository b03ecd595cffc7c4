// KeysetWatch: one stat per poll, a re-read only when `swapi keys` replaced the file, a broken
// edit reported once.
#include <doctest/doctest.h>

#include "base/diagnostic.h"
#include "jose/keygen.h"
#include "state/keyset_store.h"
#include "state/keyset_watch.h"
#include "state/state_dir.h"
#include "tests/support/server_process.h"

using namespace swapi::server;
using swapi::test::TempDir;

namespace {
constexpr std::int64_t kNow = 1767225600;
}

TEST_CASE("keyset watch: quiet until the file changes, then the new keyset once") {
  TempDir dir;
  std::string home = dir.file("state");
  Keyset first = open_keyset(home, kNow);
  KeysetWatch watch(home);
  CHECK_FALSE(watch.poll().has_value());

  Keyset rotated = update_keyset(home, kNow, [](Keyset& keyset) { keyset.rotate(swapi::jose::Alg::ES256, kNow); });
  auto seen = watch.poll();
  REQUIRE(seen.has_value());
  CHECK(seen->keys().size() == 2);
  CHECK(seen->active().key.kid == rotated.active().key.kid);
  CHECK_FALSE(watch.poll().has_value());
}

TEST_CASE("keyset watch: a watch made before the keyset exists sees it appear") {
  TempDir dir;
  std::string home = dir.file("state");
  ensure_state_dir(home);
  KeysetWatch watch(home);
  CHECK_FALSE(watch.poll().has_value());
  open_keyset(home, kNow);
  CHECK(watch.poll().has_value());
}

TEST_CASE("keyset watch: a corrupt or removed file throws once, then the watch is quiet") {
  TempDir dir;
  std::string home = dir.file("state");
  open_keyset(home, kNow);
  KeysetWatch watch(home);
  write_private_file(state_file(home, kKeysetFile), "{\"keys\": [", "keyset");
  CHECK_THROWS_AS(watch.poll(), swapi::base::Diagnostic);
  CHECK_FALSE(watch.poll().has_value());
  std::filesystem::remove(state_file(home, kKeysetFile));
  CHECK_THROWS_AS(watch.poll(), swapi::base::Diagnostic);
  CHECK_FALSE(watch.poll().has_value());
}
