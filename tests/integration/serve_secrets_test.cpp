// Client secrets and `swapi serve` against the real binary: the banner (a terminal, a CI log)
// never holds a secret but says where it is and gives a command that reads it; --client takes
// secrets from a file or the environment; a missing one stops the start with a clear error.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/server_process.h"

using nlohmann::json;
using swapi::test::read_file;
using swapi::test::run_swapi;
using swapi::test::ServerProcess;
using swapi::test::TempDir;
using swapi::test::write_file;

namespace {

constexpr const char* kForm = "application/x-www-form-urlencoded";

std::string stored_secret(const ServerProcess& server) {
  return json::parse(read_file(server.home() + "/clients.json"))["clients"][0]["client_secret"].get<std::string>();
}

// The whole banner: it is printed after the ready file, so poll (bounded) for its last line.
std::string banner(const ServerProcess& server) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server.output().find("  stop: Ctrl-C\n") == std::string::npos && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return server.output();
}

// The text after "  <label>: " on its banner line ("" when there is none).
std::string banner_line(const ServerProcess& server, const std::string& label) {
  std::string banner = ::banner(server);
  std::string start = "  " + label + ": ";
  auto at = banner.find(start);
  if (at == std::string::npos) return {};
  at += start.size();
  return banner.substr(at, banner.find('\n', at) - at);
}

// Runs the banner's token line in sh (with `exports` before it) and returns $TOKEN.
std::string run_token_line(const std::string& line, const std::string& exports = {}) {
  std::string script = exports + line + "\nprintf '%s' \"$TOKEN\"";
  std::string quoted = "'";
  for (char c : script) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  FILE* pipe = ::popen(("sh -c " + quoted).c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buffer[4096];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, got);
  CHECK(::pclose(pipe) == 0);
  return out;
}

int films_status(const ServerProcess& server, const std::string& token) {
  auto res = server.client().Get("/api/films/1/", swapi::test::bearer(token));
  REQUIRE(res);
  return res->status;
}

// POST /oauth/token with HTTP Basic credentials; the status.
int token_status(const ServerProcess& server, const std::string& id, const std::string& secret) {
  auto client = server.client();
  client.set_basic_auth(id, secret);
  auto res = client.Post("/oauth/token", "grant_type=client_credentials", kForm);
  REQUIRE(res);
  return res->status;
}

}  // namespace

TEST_CASE("serve secrets: the banner names where the default client's secret is, never the secret, and its command works") {
  ServerProcess server;
  std::string secret = stored_secret(server);
  // Before: "token: curl -s -u swapi-cli:<the secret> ..." on every start.
  CHECK(banner(server).find(secret) == std::string::npos);
  CHECK(server.log().find(secret) == std::string::npos);
  CHECK(banner_line(server, "client") == "swapi-cli, secret in '" + server.home() + "/clients.json'");
  std::string line = banner_line(server, "token");
  CHECK(line == "TOKEN=$(curl -s -u \"swapi-cli:$(jq -r '.clients[] | select(.client_id == \"swapi-cli\") | .client_secret' '" +
                    server.home() + "/clients.json')\" -d grant_type=client_credentials " + server.base_url() +
                    "/oauth/token | jq -r .access_token)");
  std::string token = run_token_line(line);
  CHECK(films_status(server, token) == 200);
}

TEST_CASE("serve secrets: --client ID:@FILE:SCOPES reads the secret from the file") {
  TempDir dir;
  write_file(dir.file("ci-secret"), "file-held secret\n");
  ServerProcess server({"--client", "ci:@" + dir.file("ci-secret") + ":read:films"});
  CHECK(token_status(server, "ci", "file-held secret") == 200);
  CHECK(token_status(server, "ci", "file-held secret\n") == 401);
  CHECK(banner(server).find("file-held secret") == std::string::npos);
  CHECK(server.log().find("file-held secret") == std::string::npos);
}

TEST_CASE("serve secrets: --client ID:env:VAR:SCOPES reads the secret from the environment") {
  ServerProcess server({"--client", "ci:env:SWAPI_TEST_CI_SECRET:read:films"}, {{"SWAPI_TEST_CI_SECRET", "env-held secret"}});
  CHECK(token_status(server, "ci", "env-held secret") == 200);
  CHECK(token_status(server, "ci", "SWAPI_TEST_CI_SECRET") == 401);
  CHECK(banner(server).find("env-held secret") == std::string::npos);
}

TEST_CASE("serve secrets: a default client given with @FILE or env:VAR gets a banner command reading it from there") {
  TempDir dir;
  write_file(dir.file("secret"), "from-the-file\n");
  {
    ServerProcess server({"--client", "swapi-cli:@" + dir.file("secret") + ":read:films"});
    CHECK(banner_line(server, "client") == "swapi-cli, secret in '" + dir.file("secret") + "' (--client)");
    std::string line = banner_line(server, "token");
    CHECK(line.find("\"swapi-cli:$(cat '" + dir.file("secret") + "')\"") != std::string::npos);
    CHECK(films_status(server, run_token_line(line)) == 200);
  }
  {
    ServerProcess server({"--client", "swapi-cli:env:SWAPI_TEST_SECRET:read:films"}, {{"SWAPI_TEST_SECRET", "from-env"}});
    CHECK(banner_line(server, "client") == "swapi-cli, secret in $SWAPI_TEST_SECRET (--client)");
    std::string line = banner_line(server, "token");
    CHECK(line.find("\"swapi-cli:${SWAPI_TEST_SECRET}\"") != std::string::npos);
    CHECK(server.output().find("from-env") == std::string::npos);
    CHECK(films_status(server, run_token_line(line, "SWAPI_TEST_SECRET=from-env\n")) == 200);
  }
}

TEST_CASE("serve secrets: a secret typed into argv works, is not echoed, and the log says how to avoid it") {
  ServerProcess server({"--client", "swapi-cli:typed-in-argv:read:films"});
  CHECK(token_status(server, "swapi-cli", "typed-in-argv") == 200);
  CHECK(banner(server).find("typed-in-argv") == std::string::npos);
  CHECK(banner_line(server, "client") == "swapi-cli, secret given on the command line (--client)");
  CHECK(server.log().find("swapi serve: --client swapi-cli: the secret is on the command line, where ps and shell "
                          "history show it; use swapi-cli:@FILE:SCOPES or swapi-cli:env:VAR:SCOPES") != std::string::npos);
}

TEST_CASE("serve secrets: a missing secret file or variable stops the start with exit 3 and says which") {
  auto no_file = run_swapi({"serve", "--port", "0", "--client", "ci:@/nonexistent/ci-secret:read:films"});
  CHECK(no_file.exit_code == 3);
  CHECK(no_file.err.rfind("swapi: --client: 'ci': cannot read the secret file /nonexistent/ci-secret\n", 0) == 0);
  CHECK(no_file.err.find("hint: check the path and its permissions") != std::string::npos);

  auto no_env = run_swapi({"serve", "--port", "0", "--client", "ci:env:SWAPI_TEST_NOT_SET:read:films"});
  CHECK(no_env.exit_code == 3);
  CHECK(no_env.err.rfind("swapi: --client: 'ci': the environment variable SWAPI_TEST_NOT_SET is not set or empty\n", 0) == 0);
  CHECK(no_env.err.find("hint: export SWAPI_TEST_NOT_SET with the secret before starting swapi serve") != std::string::npos);
}

TEST_CASE("serve banner: every --client is shown with its scopes and where its secret is, never the secret") {
  TempDir dir;
  write_file(dir.file("ci-secret"), "file-held secret\n");
  ServerProcess server({"--client", "ci:@" + dir.file("ci-secret") + ":read:films read:people", "--client",
                        "bot:env:SWAPI_TEST_BOT:read:planets", "--client", "tmp:typed-in-argv:read:films"},
                       {{"SWAPI_TEST_BOT", "env-held secret"}});
  std::string text = banner(server);
  CHECK(text.find("  client: ci (scopes read:films read:people), secret in '" + dir.file("ci-secret") + "' (--client)\n") !=
        std::string::npos);
  CHECK(text.find("  client: bot (scopes read:planets), secret in $SWAPI_TEST_BOT (--client)\n") != std::string::npos);
  CHECK(text.find("  client: tmp (scopes read:films), secret given on the command line (--client)\n") != std::string::npos);
  for (const char* secret : {"file-held secret", "env-held secret", "typed-in-argv"}) {
    CAPTURE(secret);
    CHECK(text.find(secret) == std::string::npos);
  }
  CHECK(text.find(stored_secret(server)) == std::string::npos);
}

TEST_CASE("serve banner: --public and --policy rules are shown in the order they are matched") {
  TempDir dir;
  write_file(dir.file("policy.json"), R"({"rules": [
    {"method": "GET", "path": "/api/people*", "scopes": ["read:people", "read:extra"]},
    {"method": "*", "path": "/api/", "scopes": []}]})");
  ServerProcess server({"--public", "/api/planets*", "--policy", dir.file("policy.json")});
  std::string text = banner(server);
  CHECK(text.find("  rule: * /api/planets* -> public, no token (--public)\n"
                  "  rule: GET /api/people* -> read:people read:extra (--policy rule 1)\n"
                  "  rule: * /api/ -> any valid token (--policy rule 2)\n") != std::string::npos);
  ServerProcess plain;
  CHECK(banner(plain).find("  rule: ") == std::string::npos);
}

TEST_CASE("serve banner: with TLS every curl gets --cacert, and the token command works as printed") {
  TempDir dir;
  swapi::test::write_self_signed_certificate(dir.file("cert.pem"), dir.file("key.pem"));
  ServerProcess server({"--tls-cert", dir.file("cert.pem"), "--tls-key", dir.file("key.pem")});
  std::string cacert = "--cacert '" + dir.file("cert.pem") + "' ";
  std::string line = banner_line(server, "token");
  CHECK(line.starts_with("TOKEN=$(curl -s " + cacert + "-u \"swapi-cli:"));
  CHECK(banner_line(server, "try") ==
        " curl " + cacert + "-H \"Authorization: Bearer $TOKEN\" " + server.base_url() + "/api/films/1/");
  std::string token = run_token_line(line);
  REQUIRE(token.size() > 100);
  httplib::Client client(server.base_url());
  client.set_ca_cert_path(dir.file("cert.pem").c_str());
  auto res = client.Get("/api/films/1/", swapi::test::bearer(token));
  REQUIRE(res);
  CHECK(res->status == 200);
}
