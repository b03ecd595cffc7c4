// OAuth clients of the local issuer: the default client created with the state dir, the
// --client syntax, the stored file and secret comparison.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "base/diagnostic.h"
#include "jose/base64url.h"
#include "state/client_registry.h"
#include "state/state_dir.h"
#include "tests/support/server_process.h"

using namespace swapi::server;
using swapi::test::TempDir;

namespace {

swapi::base::Diagnostic startup_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const swapi::base::Diagnostic& error) {
    return error;
  }
  FAIL("no swapi::base::Diagnostic");
  return swapi::base::Diagnostic("", "");
}

const std::vector<std::string> kAllDefaultScopes = {
    "read:films",   "write:films",   "read:people",    "write:people",    "read:planets",  "write:planets",
    "read:species", "write:species", "read:starships", "write:starships", "read:vehicles", "write:vehicles"};

}  // namespace

TEST_CASE("default scopes are read and write for the six SWAPI resources") {
  CHECK(default_scopes() == kAllDefaultScopes);
}

TEST_CASE("first use creates clients.json 0600 holding swapi-cli with a random 32-byte secret") {
  TempDir temp;
  std::string dir = temp.file("state");
  ClientRegistry registry = open_clients(dir);
  std::string path = dir + "/clients.json";
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0600);

  REQUIRE(registry.clients().size() == 1);
  const Client& client = registry.clients()[0];
  CHECK(client.id == "swapi-cli");
  CHECK(client.scopes == kAllDefaultScopes);
  auto secret_bytes = swapi::jose::base64url_decode(client.secret);
  REQUIRE(secret_bytes);
  CHECK(secret_bytes->size() == 32);

  // Stored and reused; another state dir gets another secret.
  CHECK(open_clients(dir).clients()[0].secret == client.secret);
  TempDir other;
  CHECK(open_clients(other.path().string()).clients()[0].secret != client.secret);

  auto document = nlohmann::json::parse(swapi::test::read_file(path));
  CHECK(document["clients"][0]["client_id"] == "swapi-cli");
  CHECK(document["clients"][0]["client_secret"] == client.secret);
  CHECK(document["clients"][0]["scopes"].size() == 12);
}

TEST_CASE("a clients file readable by others or damaged is refused") {
  TempDir temp;
  std::string dir = temp.path().string();
  std::string path = dir + "/clients.json";
  open_clients(dir);
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  auto error = startup_error_of([&] { open_clients(dir); });
  CHECK(error.what_failed == "clients " + path);
  CHECK(error.why == "permissions 0644 are too open: it holds secrets");
  CHECK(error.hint == "chmod 600 " + path);

  struct Case {
    const char* content;
    const char* why;
  };
  const Case cases[] = {
      {"{\"clients\": {}}", "corrupt: no \"clients\" array"},
      {"{\"clients\": [{\"client_id\": \"a\", \"scopes\": []}]}", "corrupt: client 1 has no \"client_secret\" string"},
      {"{\"clients\": [{\"client_id\": \"a\", \"client_secret\": \"s\", \"scopes\": [\"read films\"]}]}",
       "corrupt: client 1 has an invalid scope \"read films\""},
      {"{\"clients\": [{\"client_id\": \"a\", \"client_secret\": \"s\", \"scopes\": []},"
       " {\"client_id\": \"a\", \"client_secret\": \"t\", \"scopes\": []}]}",
       "corrupt: client id \"a\" appears twice"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.content);
    write_private_file(path, c.content, "test");
    error = startup_error_of([&] { open_clients(dir); });
    CHECK(error.what_failed == "clients " + path);
    CHECK(error.why == c.why);
    CHECK(error.hint == "fix it, or move it away to get a new default client");
  }
}

TEST_CASE("--client ID:SECRET:SCOPES takes space- or comma-separated scopes") {
  Client client = parse_client_spec("ci:s3cret:read:films write:films,read:people");
  CHECK(client.id == "ci");
  CHECK(client.secret == "s3cret");
  CHECK(client.scopes == std::vector<std::string>{"read:films", "write:films", "read:people"});

  CHECK(parse_client_spec("bare:pw:").scopes.empty());
  CHECK(parse_client_spec("dup:pw:a a,,a b").scopes == std::vector<std::string>{"a", "b"});
}

TEST_CASE("malformed --client values are startup errors saying what is wrong") {
  struct Case {
    const char* spec;
    const char* why;
  };
  const Case cases[] = {
      {"ci", "'ci' is not ID:SECRET:SCOPES"},
      // The messages never repeat what follows the id: it may be the secret.
      {"ci:secret", "'ci:...' is not ID:SECRET:SCOPES"},
      {":secret:read:films", "':...' has an empty client id"},
      {"ci::read:films", "'ci' has an empty secret"},
      {"ci:pw:read\"films", "'ci': 'read\"films' is not a valid scope (RFC 6749 section 3.3)"},
      {"ci:env:", "'ci': env needs a variable name, as ID:env:VAR:SCOPES"},
      {"ci:env::read:films", "'ci': env needs a variable name, as ID:env:VAR:SCOPES"},
      {"ci:env:SWAPI_TEST_UNSET:read:films", "'ci': the environment variable SWAPI_TEST_UNSET is not set or empty"},
      {"ci:@:read:films", "'ci': @ needs a file name, as ID:@FILE:SCOPES"},
      {"ci:@/nonexistent/secret.txt:read:films", "'ci': cannot read the secret file /nonexistent/secret.txt"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.spec);
    auto error = startup_error_of([&] { parse_client_spec(c.spec, [](std::string_view) { return std::string(); }); });
    CHECK(error.what_failed == "--client");
    CHECK(error.why == c.why);
  }
}

TEST_CASE("--client secrets come from a file or the environment, never needing argv") {
  TempDir temp;
  swapi::test::write_file(temp.file("secret.txt"), "from a file\n");
  Client from_file = parse_client_spec("ci:@" + temp.file("secret.txt") + ":read:films");
  CHECK(from_file.secret == "from a file");  // one trailing newline dropped, as $(cat FILE)
  CHECK(from_file.scopes == std::vector<std::string>{"read:films"});
  CHECK(from_file.origin == SecretOrigin::file);
  CHECK(from_file.origin_reference == temp.file("secret.txt"));

  swapi::test::write_file(temp.file("crlf.txt"), "windows\r\n");
  CHECK(parse_client_spec("ci:@" + temp.file("crlf.txt") + ":").secret == "windows");
  swapi::test::write_file(temp.file("empty.txt"), "\n");
  CHECK(startup_error_of([&] { parse_client_spec("ci:@" + temp.file("empty.txt") + ":"); }).why ==
        "'ci': the secret file " + temp.file("empty.txt") + " is empty");

  EnvLookup env = [](std::string_view name) { return name == "CI_SECRET" ? std::string("from:the env") : std::string(); };
  Client from_env = parse_client_spec("ci:env:CI_SECRET:read:films write:films", env);
  CHECK(from_env.secret == "from:the env");
  CHECK(from_env.scopes == std::vector<std::string>{"read:films", "write:films"});
  CHECK(from_env.origin == SecretOrigin::env);
  CHECK(from_env.origin_reference == "CI_SECRET");

  Client literal = parse_client_spec("ci:s3cret:read:films");
  CHECK(literal.origin == SecretOrigin::literal);
  CHECK(literal.origin_reference.empty());
}

TEST_CASE("authenticate accepts only the exact id and secret") {
  ClientRegistry registry;
  registry.put({"ci", "correct horse", {"read:films"}});
  registry.put({"other", "battery staple", {}});
  const Client* client = registry.authenticate("ci", "correct horse");
  REQUIRE(client);
  CHECK(client->id == "ci");
  CHECK(registry.authenticate("ci", "correct hors") == nullptr);   // prefix
  CHECK(registry.authenticate("ci", "correct horse!") == nullptr); // longer
  CHECK(registry.authenticate("ci", "battery staple") == nullptr); // another client's secret
  CHECK(registry.authenticate("ci", "") == nullptr);
  CHECK(registry.authenticate("nobody", "correct horse") == nullptr);
  CHECK(registry.authenticate("CI", "correct horse") == nullptr);  // ids are case-sensitive
}

TEST_CASE("put replaces a client with the same id; all_scopes is sorted and includes the defaults") {
  ClientRegistry registry = ClientRegistry::generate();
  registry.put({"swapi-cli", "override", {"read:films"}});
  registry.put({"ci", "pw", {"admin:everything", "read:films"}});
  REQUIRE(registry.clients().size() == 2);
  CHECK(registry.find("swapi-cli")->secret == "override");
  CHECK(registry.find("swapi-cli")->scopes == std::vector<std::string>{"read:films"});
  auto scopes = registry.all_scopes();
  CHECK(scopes.size() == 13);
  CHECK(scopes.front() == "admin:everything");
  CHECK(std::is_sorted(scopes.begin(), scopes.end()));
}

TEST_CASE("scope tokens follow RFC 6749 §3.3") {
  CHECK(is_scope_token("read:films"));
  CHECK(is_scope_token("!#[]~"));
  CHECK_FALSE(is_scope_token(""));
  CHECK_FALSE(is_scope_token("read films"));
  CHECK_FALSE(is_scope_token("a\"b"));
  CHECK_FALSE(is_scope_token("a\\b"));
  CHECK_FALSE(is_scope_token("caf\xc3\xa9"));
}
