#pragma once
// Test support for scenario control (`swapi serve --admin`): admin requests with a token the
// testkit mints as `swapi fault` does, the CLI run against one server, tokens from the
// server's own POST /oauth/token, and polling for a condition (bounded, no fixed sleeps).
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "testkit/admin_client.h"
#include "tests/server/auth/auth_test_tokens.h"
#include "tests/support/server_process.h"

namespace swapi::test {

inline std::string admin_token(const ServerProcess& server) { return testkit::mint_admin_token(server.home(), unix_now()); }

inline httplib::Result admin_call(const ServerProcess& server, const std::string& method, const std::string& path,
                                  const nlohmann::json& body = nullptr) {
  auto client = server.client();
  auto headers = bearer(admin_token(server));
  std::string text = body.is_null() ? "" : body.dump();
  if (method == "POST") return client.Post(path.c_str(), headers, text, "application/json");
  if (method == "DELETE") return client.Delete(path.c_str(), headers);
  return client.Get(path.c_str(), headers);
}

// POST /_swapi/faults; the fault's id.
inline std::uint64_t add_fault(const ServerProcess& server, const nlohmann::json& fault) {
  auto res = admin_call(server, "POST", "/_swapi/faults", fault);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 201);
  return nlohmann::json::parse(res->body)["id"].get<std::uint64_t>();
}

inline nlohmann::json admin_json(const ServerProcess& server, const std::string& method, const std::string& path) {
  auto res = admin_call(server, method, path);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return nlohmann::json::parse(res->body);
}

// `swapi <args> --base <server>` with the server's SWAPI_HOME, as a user beside it would run it.
inline CommandResult swapi_at(const ServerProcess& server, std::vector<std::string> args) {
  args.push_back("--base");
  args.push_back(server.base_url());
  return run_swapi(args, {{"SWAPI_HOME", server.home()}});
}

// `swapi stats --json` on the server.
inline nlohmann::json cli_stats(const ServerProcess& server, bool reset = false) {
  std::vector<std::string> args = {"stats", "--json"};
  if (reset) args.push_back("--reset");
  auto result = swapi_at(server, args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

// A token from the server's POST /oauth/token as its default client (the secret in clients.json).
inline std::string issued_token(const ServerProcess& server, const std::string& scope = "read:films") {
  auto clients = nlohmann::json::parse(read_file(server.home() + "/clients.json"));
  const auto& client = clients["clients"][0];
  auto res = server.client().Post("/oauth/token",
                                  "grant_type=client_credentials&client_id=" + client["client_id"].get<std::string>() +
                                      "&client_secret=" + client["client_secret"].get<std::string>() + "&scope=" + scope,
                                  "application/x-www-form-urlencoded");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return nlohmann::json::parse(res->body)["access_token"].get<std::string>();
}

inline nlohmann::json payload_of(const std::string& token) {
  auto first = token.find('.'), second = token.find('.', first + 1);
  return nlohmann::json::parse(*jose::base64url_decode(token.substr(first + 1, second - first - 1)));
}
inline nlohmann::json header_of(const std::string& token) {
  return nlohmann::json::parse(*jose::base64url_decode(token.substr(0, token.find('.'))));
}

// Polls `condition` every 20 ms for at most `timeout`.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

inline bool log_has(const ServerProcess& server, const std::string& needle) {
  return eventually([&] { return server.log().find(needle) != std::string::npos; }, std::chrono::seconds(5));
}

}  // namespace swapi::test
