// DESIGN.md "Keys": `swapi keys` edits reach a running `swapi serve` without a restart. The
// new key signs and verifies, the old one stays published until retired, and a retired key's
// tokens are refused from then on (the token cache forgets verdicts of the old set).
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "jose/jws.h"
#include "tests/integration/auth_test_server.h"

using namespace swapi::test;

namespace {

std::string swapi_out(const ServerProcess& server, const std::vector<std::string>& args) {
  auto result = run_swapi(args, {{"SWAPI_HOME", server.home()}});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  std::string out = result.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::vector<std::string> published_kids(ServerProcess& server) {
  auto res = server.client().Get("/.well-known/jwks.json");
  REQUIRE(res);
  std::vector<std::string> kids;
  auto document = nlohmann::json::parse(res->body);  // a named object: the loop must not outlive it
  for (const auto& key : document["keys"]) kids.push_back(key["kid"]);
  return kids;
}

// The server polls the keyset file; wait (bounded) until the JWKS it publishes has `count` keys.
bool wait_for_key_count(ServerProcess& server, std::size_t count) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (published_kids(server).size() != count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

int status_with(ServerProcess& server, const std::string& token) {
  auto res = server.client().Get("/api/films/1/", bearer(token));
  REQUIRE(res);
  return res->status;
}

}  // namespace

TEST_CASE("keys: rotate and retire while serve runs; it publishes and trusts the new set without a restart") {
  ServerProcess server;
  std::string old_token = swapi_out(server, {"token", "mint", "--scope", "read:films"});
  std::string old_kid = swapi::jose::parse_compact(old_token).header["kid"];
  CHECK(status_with(server, old_token) == 200);
  CHECK(published_kids(server) == std::vector<std::string>{old_kid});

  std::string new_kid = swapi_out(server, {"keys", "rotate", "--alg", "ES256"});
  REQUIRE(wait_for_key_count(server, 2));
  CHECK(published_kids(server) == std::vector<std::string>{old_kid, new_kid});
  std::string new_token = swapi_out(server, {"token", "mint", "--scope", "read:films"});
  CHECK(swapi::jose::parse_compact(new_token).header["kid"] == new_kid);
  CHECK(status_with(server, new_token) == 200);
  CHECK(status_with(server, old_token) == 200);  // retired from signing, still published
  CHECK(log_contains(server, "swapi serve: keyset changed: 2 keys"));

  // The issuer signs with the new key too.
  auto issued = server.client().Post("/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded");
  REQUIRE(issued);

  swapi_out(server, {"keys", "retire", "--", old_kid});  // kids may start with -
  REQUIRE(wait_for_key_count(server, 1));
  auto refused = server.client().Get("/api/films/1/", bearer(old_token));
  REQUIRE(refused);
  CHECK(refused->status == 401);
  // No RSA key is left, so RS256 left the derived allow-list with it.
  CHECK(rule_of(refused) == "alg_not_allowed");
  CHECK(status_with(server, new_token) == 200);
}

TEST_CASE("keys: a keyset edit that cannot be loaded is reported once and the last good set stays") {
  ServerProcess server;
  std::string token = swapi_out(server, {"token", "mint", "--scope", "read:films"});
  std::string path = server.home() + "/keys.json";
  std::string good = read_file(path);
  write_file(path + ".new", "{\"keys\": [");
  std::filesystem::permissions(path + ".new", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::rename(path + ".new", path);
  REQUIRE(log_contains(server, "corrupt"));
  CHECK(status_with(server, token) == 200);
  CHECK(published_kids(server).size() == 1);
}
