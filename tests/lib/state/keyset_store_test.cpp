// The local keyset file: created once (even under concurrent first runs), private (0600 in a
// 0700 dir), refused when damaged or readable by others, and edited by gen/rotate/retire.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "base/diagnostic.h"
#include "jose/key_policy.h"
#include "jose/keygen.h"
#include "state/keyset_store.h"
#include "state/state_dir.h"
#include "tests/support/server_process.h"

using namespace swapi::server;
using swapi::test::TempDir;
namespace jose = swapi::jose;

namespace {

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

mode_t file_mode(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

swapi::base::Diagnostic startup_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const swapi::base::Diagnostic& error) {
    return error;
  }
  FAIL("no swapi::base::Diagnostic");
  return swapi::base::Diagnostic("", "");
}

KeysetError keyset_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const KeysetError& error) {
    return error;
  }
  FAIL("no KeysetError");
  return KeysetError(KeysetErrc::unknown_kid, "");
}

std::set<std::string> files_in(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("first use creates a 0600 keyset in a 0700 dir with one RS256 2048-bit key named by its thumbprint") {
  TempDir temp;
  std::string dir = temp.file("state/swapi");  // neither component exists yet
  Keyset keyset = open_keyset(dir, kNow);

  std::string path = dir + "/keys.json";
  CHECK(file_mode(path) == 0600);
  CHECK(file_mode(dir) == 0700);
  CHECK(file_mode(temp.file("state")) == 0700);
  REQUIRE(keyset.keys().size() == 1);
  const StoredKey& key = keyset.active();
  CHECK(key.status == KeyStatus::active);
  CHECK(key.created == kNow);
  CHECK(key.key.type == jose::KeyType::rsa);
  CHECK(key.key.alg == jose::Alg::RS256);
  CHECK(jose::rsa_bits(key.key) == 2048);
  CHECK(key.key.is_private);
  CHECK(key.key.kid == jose::thumbprint(key.key));
  // Nothing but the keyset and the lock file is left behind (no temp files).
  CHECK(files_in(dir) == std::set<std::string>{".lock", "keys.json"});

  // The file is a JWKS any JOSE tool reads, plus our metadata member.
  auto document = nlohmann::json::parse(swapi::test::read_file(path));
  CHECK(document["keys"].size() == 1);
  CHECK(document["keys"][0]["kid"] == key.key.kid);
  CHECK(document["keys"][0].contains("d"));
  CHECK(document["swapi"]["format"] == 1);
  CHECK(document["swapi"]["keys"][key.key.kid]["status"] == "active");
  CHECK(document["swapi"]["keys"][key.key.kid]["created"] == kNow);
}

TEST_CASE("a second open reuses the stored keyset") {
  TempDir temp;
  std::string first = open_keyset(temp.path().string(), kNow).active().key.kid;
  Keyset again = open_keyset(temp.path().string(), kNow + 60);
  CHECK(again.active().key.kid == first);
  CHECK(again.active().created == kNow);
  CHECK(again.keys().size() == 1);
}

TEST_CASE("concurrent first opens from threads and processes agree on one keyset of one key") {
  TempDir temp;
  std::string dir = temp.file("fresh");
  constexpr int kProcesses = 3;
  constexpr int kThreads = 4;

  // Processes first (fork before this process has threads of its own); each writes the kid it
  // got to a file and exits 0 on success.
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int code = 1;
      try {
        swapi::test::write_file(temp.file("kid-process-" + std::to_string(i)), open_keyset(dir, kNow).active().key.kid);
        code = 0;
      } catch (...) {
      }
      ::_exit(code);
    }
    children.push_back(pid);
  }
  std::vector<std::string> thread_kids(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] { thread_kids[static_cast<std::size_t>(i)] = open_keyset(dir, kNow).active().key.kid; });
  for (auto& thread : threads) thread.join();
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }

  std::set<std::string> kids(thread_kids.begin(), thread_kids.end());
  for (int i = 0; i < kProcesses; ++i) kids.insert(swapi::test::read_file(temp.file("kid-process-" + std::to_string(i))));
  CHECK(kids.size() == 1);
  auto stored = load_keyset(dir);
  REQUIRE(stored);
  CHECK(stored->keys().size() == 1);
  CHECK(stored->active().key.kid == *kids.begin());
  CHECK(file_mode(dir + "/keys.json") == 0600);
}

TEST_CASE("a keyset readable by group or others is refused with a chmod hint") {
  TempDir temp;
  std::string dir = temp.path().string();
  open_keyset(dir, kNow);
  std::string path = dir + "/keys.json";
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    CAPTURE(mode);
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    auto error = startup_error_of([&] { open_keyset(dir, kNow); });
    CHECK(error.what_failed == "keyset " + path);
    char expected[64];
    std::snprintf(expected, sizeof expected, "permissions %04o are too open: it holds secrets", static_cast<unsigned>(mode));
    CHECK(error.why == expected);
    CHECK(error.hint == "chmod 600 " + path);
  }
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  CHECK_NOTHROW(open_keyset(dir, kNow));
}

TEST_CASE("a corrupt keyset is refused naming the file and the damage, never replaced") {
  TempDir temp;
  std::string dir = temp.path().string();
  std::string path = dir + "/keys.json";
  struct Case {
    const char* content;
    const char* why;
  };
  const Case cases[] = {
      {"{\"keys\": [", "corrupt: "},  // JSON parser message follows
      {"[]", "corrupt: "},
      {"{\"keys\": []}", "corrupt: no active key"},
      {"{\"keys\": 3}", "corrupt: "},
      {"{\"keys\": [{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"AQAB\"}]}", "corrupt: key "},
      {"{\"keys\": [], \"swapi\": 1}", "corrupt: member \"swapi\" must be an object with a \"keys\" object"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.content);
    write_private_file(path, c.content, "test");
    auto error = startup_error_of([&] { open_keyset(dir, kNow); });
    CHECK(error.what_failed == "keyset " + path);
    CHECK(error.why.rfind(c.why, 0) == 0);
    CHECK(error.hint == "restore it from a backup, or move it away to start over with a new keyset");
    CHECK(swapi::test::read_file(path) == c.content);
  }
}

TEST_CASE("status metadata must name exactly one active key able to sign") {
  TempDir temp;
  std::string path = temp.file("keys.json");
  Keyset keyset = Keyset::generate(kNow);
  keyset.add(jose::generate_key(jose::Alg::ES256), kNow);
  auto document = keyset.to_json();
  std::string es_kid = keyset.keys()[1].key.kid;

  auto two_active = document;
  two_active["swapi"]["keys"][es_kid]["status"] = "active";
  auto error = startup_error_of([&] { Keyset::from_json(two_active.dump(), path); });
  CHECK(error.why == "corrupt: more than one active key");

  auto unknown_status = document;
  unknown_status["swapi"]["keys"][es_kid]["status"] = "primary";
  error = startup_error_of([&] { Keyset::from_json(unknown_status.dump(), path); });
  CHECK(error.why == "corrupt: key \"" + es_kid + "\" has no valid status (active, previous or published)");

  auto legacy = document;  // what swapi before the "previous" status wrote for a rotated-out key
  legacy["swapi"]["keys"][es_kid]["status"] = "retired";
  CHECK(Keyset::from_json(legacy.dump(), path).find(es_kid)->status == KeyStatus::previous);
  CHECK(Keyset::from_json(legacy.dump(), path).to_json()["swapi"]["keys"][es_kid]["status"] == "previous");

  auto newer = document;
  newer["swapi"]["format"] = 2;
  error = startup_error_of([&] { Keyset::from_json(newer.dump(), path); });
  CHECK(error.why == "corrupt: format 2 is not one this swapi understands (1)");
}

TEST_CASE("a plain private JWKS (no swapi member) makes its first signing key active") {
  Keyset source;
  source.add(jose::generate_key(jose::Alg::ES256), kNow);
  auto plain = jose::to_jwks(std::vector<jose::Jwk>{jose::generate_key(jose::Alg::HS256), source.keys()[0].key}, true);
  Keyset keyset = Keyset::from_json(plain.dump(), "plain.json");
  REQUIRE(keyset.keys().size() == 2);
  CHECK(keyset.keys()[0].status == KeyStatus::published);  // HMAC cannot be the issuer's key
  CHECK(keyset.active().key.kid == source.keys()[0].key.kid);
}

TEST_CASE("rotate makes a new active key and keeps the old one published as previous") {
  TempDir temp;
  std::string dir = temp.path().string();
  std::string old_kid = open_keyset(dir, kNow).active().key.kid;
  std::string new_kid;
  update_keyset(dir, kNow + 10, [&](Keyset& keyset) { new_kid = keyset.rotate(jose::Alg::ES256, kNow + 10).key.kid; });

  auto stored = load_keyset(dir);
  REQUIRE(stored);
  CHECK(file_mode(dir + "/keys.json") == 0600);
  REQUIRE(stored->keys().size() == 2);
  CHECK(stored->active().key.kid == new_kid);
  CHECK(stored->active().key.alg == jose::Alg::ES256);
  CHECK(stored->active().created == kNow + 10);
  REQUIRE(stored->find(old_kid));
  CHECK(stored->find(old_kid)->status == KeyStatus::previous);
  auto published = stored->public_keys();
  REQUIRE(published.size() == 2);
  for (const auto& key : published) CHECK_FALSE(key.is_private);

  auto error = keyset_error_of([&] { stored->rotate(jose::Alg::HS256, kNow); });
  CHECK(error.code() == KeysetErrc::cannot_sign);
  CHECK(error.detail() == "HS256 keys cannot be the active key: an HMAC secret cannot be published in a JWKS");
}

TEST_CASE("retire removes a key, but never the active one") {
  Keyset keyset = Keyset::generate(kNow);
  std::string first = keyset.active().key.kid;
  std::string second = keyset.rotate(jose::Alg::RS256, kNow).key.kid;

  auto error = keyset_error_of([&] { keyset.retire(second); });
  CHECK(error.code() == KeysetErrc::retire_active);
  CHECK(error.detail() == "key \"" + second + "\" is the active key");
  CHECK(error.hint() == "run `swapi keys rotate` first, then retire it");

  error = keyset_error_of([&] { keyset.retire("no-such-kid"); });
  CHECK(error.code() == KeysetErrc::unknown_kid);
  CHECK(error.detail() == "no key with kid \"no-such-kid\"");

  keyset.retire(first);
  REQUIRE(keyset.keys().size() == 1);
  CHECK(keyset.find(first) == nullptr);
  CHECK(keyset.active().key.kid == second);
}

TEST_CASE("gen adds published keys of any alg; secrets are never published; kids stay unique") {
  Keyset keyset = Keyset::generate(kNow);
  std::string active = keyset.active().key.kid;
  for (auto alg : {jose::Alg::ES384, jose::Alg::EdDSA, jose::Alg::HS256}) {
    const StoredKey& added = keyset.add(jose::generate_key(alg), kNow);
    CHECK(added.status == KeyStatus::published);
  }
  CHECK(keyset.active().key.kid == active);
  CHECK(keyset.keys().size() == 4);
  auto published = keyset.public_keys();
  CHECK(published.size() == 3);
  for (const auto& key : published) CHECK(key.type != jose::KeyType::oct);

  auto error = keyset_error_of([&] { keyset.add(keyset.keys()[1].key, kNow); });
  CHECK(error.code() == KeysetErrc::duplicate_kid);

  // A key without kid (an imported PEM) is named by its thumbprint.
  jose::Jwk unnamed = jose::generate_key(jose::Alg::ES256);
  unnamed.kid.clear();
  CHECK(keyset.add(unnamed, kNow).key.kid == jose::thumbprint(unnamed));

  // Round trip through the file format keeps kids, statuses and dates.
  Keyset copy = Keyset::from_json(keyset.to_json().dump(), "copy.json");
  REQUIRE(copy.keys().size() == keyset.keys().size());
  for (std::size_t i = 0; i < copy.keys().size(); ++i) {
    CHECK(copy.keys()[i].key.kid == keyset.keys()[i].key.kid);
    CHECK(copy.keys()[i].status == keyset.keys()[i].status);
    CHECK(copy.keys()[i].created == keyset.keys()[i].created);
  }
}

TEST_CASE("activate refuses keys that cannot sign and makes the old active key previous") {
  Keyset keyset = Keyset::generate(kNow);
  std::string first = keyset.active().key.kid;
  std::string hmac = keyset.add(jose::generate_key(jose::Alg::HS512), kNow).key.kid;
  std::string public_only = keyset.add(jose::public_part(jose::generate_key(jose::Alg::ES256)), kNow).key.kid;

  auto error = keyset_error_of([&] { keyset.activate(hmac); });
  CHECK(error.code() == KeysetErrc::cannot_sign);
  error = keyset_error_of([&] { keyset.activate(public_only); });
  CHECK(error.code() == KeysetErrc::cannot_sign);
  CHECK(error.detail() == "key \"" + public_only + "\" cannot be the active key: it is a public key (nothing to sign with)");

  std::string es = keyset.add(jose::generate_key(jose::Alg::ES512), kNow).key.kid;
  keyset.activate(es);
  CHECK(keyset.active().key.kid == es);
  CHECK(keyset.find(first)->status == KeyStatus::previous);
}

TEST_CASE("every keyset mutation saves a file that loads back as the same keyset") {
  // What the store writes it must read: each edit loads the file first, so a keyset the
  // loader refuses can never be repaired by the tool (and `serve` exits 3 on it).
  TempDir temp;
  std::string dir = temp.path().string();
  std::int64_t now = kNow;
  auto mutate = [&](const std::string& what, const std::function<void(Keyset&)>& change) {
    CAPTURE(what);
    Keyset saved = update_keyset(dir, ++now, change);
    std::optional<Keyset> loaded;
    REQUIRE_NOTHROW(loaded = load_keyset(dir));
    REQUIRE(loaded);
    CHECK(loaded->to_json() == saved.to_json());
    CHECK(file_mode(dir + "/keys.json") == 0600);
  };
  for (jose::Alg alg : jose::all_algs()) {
    std::string name(jose::alg_name(alg));
    mutate("add " + name, [&](Keyset& keys) { keys.add(jose::generate_key(alg), now); });
    if (!jose::is_hmac(alg))
      mutate("add public " + name, [&](Keyset& keys) { keys.add(jose::public_part(jose::generate_key(alg)), now); });
  }
  // `keys import`: a private and a public PEM (no kid, no alg: named by their thumbprints).
  jose::Jwk imported = jose::generate_key(jose::Alg::ES384);
  mutate("import private PEM", [&](Keyset& keys) { keys.add(jose::import_pem(jose::export_pem(imported, true)), now); });
  mutate("import public PEM", [&](Keyset& keys) {
    keys.add(jose::import_pem(jose::export_pem(jose::generate_key(jose::Alg::PS256), false)), now);
  });
  std::string first_active = load_keyset(dir)->active().key.kid;
  for (jose::Alg alg : {jose::Alg::ES256, jose::Alg::EdDSA, jose::Alg::PS512, jose::Alg::RS384})
    mutate("rotate " + std::string(jose::alg_name(alg)), [&](Keyset& keys) { keys.rotate(alg, now); });
  std::string es = load_keyset(dir)->keys().back().key.kid;
  mutate("activate an added key", [&](Keyset& keys) {
    for (const auto& stored : keys.keys())
      if (stored.key.alg == jose::Alg::ES512 && stored.key.is_private) es = stored.key.kid;
    keys.activate(es);
  });
  mutate("retire the first active key", [&](Keyset& keys) { keys.retire(first_active); });
  mutate("retire an HMAC secret", [&](Keyset& keys) {
    for (const auto& stored : keys.keys())
      if (stored.key.type == jose::KeyType::oct) return keys.retire(std::string(stored.key.kid));
  });

  // The final set mixes every kind, yet publishes public halves of asymmetric keys only.
  Keyset final_set = *load_keyset(dir);
  CHECK(final_set.active().key.kid == es);
  bool has_secret = false, has_public = false;
  for (const auto& stored : final_set.keys()) {
    has_secret |= stored.key.type == jose::KeyType::oct;
    has_public |= !stored.key.is_private;
  }
  CHECK(has_secret);
  CHECK(has_public);
  auto published = jose::to_jwks(final_set.public_keys(), false);
  for (const auto& key : published["keys"]) {
    CHECK(key["kty"] != "oct");
    for (const char* member : {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}) CHECK_FALSE(key.contains(member));
  }
}

TEST_CASE("resolve_state_dir: --keys, then SWAPI_HOME, then XDG_STATE_HOME/swapi, then ~/.local/state/swapi") {
  CHECK(resolve_state_dir("/k", "/s", "/x", "/h") == "/k");
  CHECK(resolve_state_dir("", "/s", "/x", "/h") == "/s");
  CHECK(resolve_state_dir("", "", "/x", "/h") == "/x/swapi");
  CHECK(resolve_state_dir("", "", "", "/h") == "/h/.local/state/swapi");
  auto error = startup_error_of([] { resolve_state_dir("", "", "", ""); });
  CHECK(error.why == "none of --keys, $SWAPI_HOME, $XDG_STATE_HOME or $HOME is set");
}

TEST_CASE("recorded defaults round-trip and a broken record reads as none") {
  TempDir temp;
  std::string dir = temp.path().string();
  CHECK_FALSE(read_recorded_defaults(dir));
  record_defaults(dir, {"http://127.0.0.1:4242/", {"https://starwarsapi.com", "urn:other"}});
  auto recorded = read_recorded_defaults(dir);
  REQUIRE(recorded);
  CHECK(recorded->issuer == "http://127.0.0.1:4242/");
  CHECK(recorded->audiences == std::vector<std::string>{"https://starwarsapi.com", "urn:other"});
  CHECK(recorded->local_issuer());
  write_private_file(dir + "/serve.json", "{\"issuer\": 3}", "test");
  CHECK_FALSE(read_recorded_defaults(dir));
}

TEST_CASE("recorded defaults say when the local issuer was off, and which keys were trusted instead") {
  TempDir temp;
  std::string dir = temp.path().string();
  RecordedDefaults remote{"https://tenant.example/", {"https://starwarsapi.com"}, "https://tenant.example/jwks.json", {}};
  record_defaults(dir, remote);
  auto document = nlohmann::json::parse(swapi::test::read_file(dir + "/serve.json"));
  CHECK(document["local_issuer"] == false);
  CHECK(document["jwks_uri"] == "https://tenant.example/jwks.json");
  CHECK_FALSE(document.contains("jwks_file"));
  auto recorded = read_recorded_defaults(dir);
  REQUIRE(recorded);
  CHECK_FALSE(recorded->local_issuer());
  CHECK(recorded->jwks_uri == "https://tenant.example/jwks.json");

  record_defaults(dir, {"https://issuer.test/", {"https://starwarsapi.com"}, {}, "/abs/trusted.json"});
  recorded = read_recorded_defaults(dir);
  REQUIRE(recorded);
  CHECK(recorded->jwks_file == "/abs/trusted.json");
  CHECK_FALSE(recorded->local_issuer());

  // A record from before this field reads as the local issuer; one that says "off" without
  // saying what replaced it reads as none.
  write_private_file(dir + "/serve.json", R"({"issuer": "http://127.0.0.1:8080/", "audiences": []})", "test");
  REQUIRE(read_recorded_defaults(dir));
  CHECK(read_recorded_defaults(dir)->local_issuer());
  write_private_file(dir + "/serve.json", R"({"issuer": "x", "audiences": [], "local_issuer": false})", "test");
  CHECK_FALSE(read_recorded_defaults(dir));
}
