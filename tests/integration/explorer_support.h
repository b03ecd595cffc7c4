#pragma once
// Integration-test support for the explorer and CORS tests: the local issuer's default
// client and a token from POST /oauth/token, as a browser page would get one.
#include <string>

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include "tests/support/server_process.h"

namespace swapi::test {

inline std::string default_client_secret(const ServerProcess& server) {
  auto document = nlohmann::json::parse(read_file(server.home() + "/clients.json"));
  for (const auto& client : document["clients"])
    if (client["client_id"] == "swapi-cli") return client["client_secret"];
  FAIL("no default client in " << server.home());
  return {};
}

// A client_credentials token for the default client with `scope` (space-separated).
inline std::string issued_token(const ServerProcess& server, const std::string& scope) {
  auto client = server.client();
  client.set_basic_auth("swapi-cli", default_client_secret(server).c_str());
  auto res = client.Post("/oauth/token", "grant_type=client_credentials&scope=" + scope,
                         "application/x-www-form-urlencoded");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return nlohmann::json::parse(res->body)["access_token"];
}

}  // namespace swapi::test
