#pragma once
// A client of the local issuer in integration tests: the stored client's secret, form bodies
// and POST /oauth/token.
#include <string>
#include <string_view>

#include <httplib.h>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/support/raw_http.h"
#include "tests/support/server_process.h"

namespace swapi::test::issuer_client {

inline constexpr const char* kForm = "application/x-www-form-urlencoded";

// The secret of a client stored in the server's clients.json.
inline std::string client_secret(const ServerProcess& server, const std::string& id = "swapi-cli") {
  auto document = nlohmann::json::parse(read_file(server.home() + "/clients.json"));
  for (const auto& client : document["clients"])
    if (client["client_id"] == id) return client["client_secret"];
  FAIL("no client " << id);
  return {};
}

inline httplib::Result post_token(const ServerProcess& server, const std::string& body, const char* type = kForm,
                                  const httplib::Headers& headers = {}) {
  return server.client().Post("/oauth/token", headers, body, type);
}

// The default client's credentials as a form body, plus `extra` ("&scope=read:films").
inline std::string credentials_form(const ServerProcess& server, const std::string& extra = {}) {
  return "grant_type=client_credentials&client_id=swapi-cli&client_secret=" + percent_encoded(client_secret(server)) + extra;
}

}  // namespace swapi::test::issuer_client
