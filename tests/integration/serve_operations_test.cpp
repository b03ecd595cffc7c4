// Operations of `swapi serve` against the real binary: start-up, banner, ready file, public
// endpoints, JSON errors for anything unrouted, the access log, signals, and start-up errors.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/support/server_process.h"

using swapi::test::ServerProcess;
using swapi::test::run_swapi;

TEST_CASE("serve: banner names the URL and a copy-paste example; ready file holds the URL") {
  ServerProcess server({"--no-auth"});
  CHECK(server.base_url().rfind("http://127.0.0.1:", 0) == 0);
  auto banner = server.output();
  CHECK(banner.find("listening on " + server.base_url()) != std::string::npos);
  CHECK(banner.find("curl " + server.base_url() + "/api/films/1/") != std::string::npos);
  CHECK(banner.find("--no-auth") != std::string::npos);
}

TEST_CASE("serve: /healthz answers JSON") {
  ServerProcess server;
  auto res = server.client().Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(nlohmann::json::parse(res->body) == nlohmann::json{{"status", "ok"}});
}

TEST_CASE("serve: /openapi.json is an OpenAPI 3 document of the served routes") {
  ServerProcess server;
  auto res = server.client().Get("/openapi.json");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto doc = nlohmann::json::parse(res->body);
  CHECK(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
  CHECK(doc["servers"][0]["url"] == server.base_url());
  CHECK(doc["paths"].contains("/healthz"));
  CHECK(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer");
}

TEST_CASE("serve: an unrouted path is a JSON 404, never HTML") {
  ServerProcess server({"--no-auth"});
  auto res = server.client().Get("/nowhere");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(nlohmann::json::parse(res->body)["detail"] == "Not Found");
}

TEST_CASE("serve: the loopback flavor shapes unrouted errors as LoopBack does") {
  ServerProcess server({"--no-auth", "--flavor", "loopback"});
  auto res = server.client().Get("/nowhere");
  REQUIRE(res);
  CHECK(res->status == 404);
  auto body = nlohmann::json::parse(res->body);
  CHECK(body["error"]["statusCode"] == 404);
  CHECK(body["error"]["name"] == "Error");
}

TEST_CASE("serve: an oversized body is a JSON 413") {
  ServerProcess server({"--no-auth", "--flavor", "loopback"});
  std::string huge(2 << 20, 'x');
  auto res = server.client().Post("/api/films", huge, "application/json");
  REQUIRE(res);
  CHECK(res->status == 413);
  CHECK(nlohmann::json::parse(res->body)["error"]["statusCode"] == 413);
}

TEST_CASE("serve: the access log has one line per request with method, path, status, duration") {
  ServerProcess server({"--no-auth"});
  REQUIRE(server.client().Get("/healthz"));
  REQUIRE(server.stop() == 0);
  auto log = server.log();
  CHECK(log.find(" GET /healthz 200 ") != std::string::npos);
  CHECK(log.find("ms") != std::string::npos);
}

TEST_CASE("serve: --log-format json writes one JSON object per request") {
  ServerProcess server({"--no-auth", "--log-format", "json"});
  REQUIRE(server.client().Get("/healthz"));
  REQUIRE(server.stop() == 0);
  bool found = false;
  std::istringstream lines(server.log());
  for (std::string line; std::getline(lines, line);) {
    auto entry = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(entry.is_discarded());
    if (entry.value("path", "") == "/healthz") {
      found = true;
      CHECK(entry["method"] == "GET");
      CHECK(entry["status"] == 200);
      CHECK(entry["ms"].is_number());
    }
  }
  CHECK(found);
}

TEST_CASE("serve: SIGTERM and SIGINT stop the server with exit code 0") {
  ServerProcess first;
  CHECK(first.stop(SIGTERM) == 0);
  ServerProcess second;
  CHECK(second.stop(SIGINT) == 0);
}

TEST_CASE("serve: a port in use is a runtime error, exit 3, with a hint") {
  ServerProcess server;
  auto r = run_swapi({"serve", "--port", std::to_string(server.port())});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("swapi: serve: cannot listen on 127.0.0.1:" + std::to_string(server.port())) == 0);
  CHECK(r.err.find("hint: ") != std::string::npos);
}

TEST_CASE("serve: TLS files that do not exist are a runtime error naming the file") {
  auto r = run_swapi({"serve", "--port", "0", "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("swapi: serve: TLS: cannot read /nonexistent/cert.pem") == 0);
}

TEST_CASE("serve: --tls-cert without --tls-key is a usage error") {
  auto r = run_swapi({"serve", "--port", "0", "--tls-cert", SWAPI_SOURCE_DIR "/README.md"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("swapi: usage: --tls-cert requires --tls-key") == 0);
}

TEST_CASE("serve: a certificate that is not PEM is a runtime error naming it") {
  swapi::test::TempDir dir;
  swapi::test::write_file(dir.file("cert.pem"), "not a certificate");
  swapi::test::write_file(dir.file("key.pem"), "not a key");
  auto r = run_swapi({"serve", "--port", "0", "--tls-cert", dir.file("cert.pem"), "--tls-key", dir.file("key.pem")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("swapi: serve: TLS: cannot load certificate " + dir.file("cert.pem")) == 0);
}

TEST_CASE("serve: --tls-cert/--tls-key serve HTTPS") {
  swapi::test::TempDir dir;
  swapi::test::write_self_signed_certificate(dir.file("cert.pem"), dir.file("key.pem"));
  ServerProcess server({"--no-auth", "--tls-cert", dir.file("cert.pem"), "--tls-key", dir.file("key.pem")});
  CHECK(server.base_url().rfind("https://127.0.0.1:", 0) == 0);
  httplib::Client client(server.base_url());
  client.enable_server_certificate_verification(false);
  auto res = client.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  // Plain HTTP to the TLS port gets no answer.
  httplib::Client plain("http://127.0.0.1:" + std::to_string(server.port()));
  plain.set_read_timeout(2, 0);
  auto refused = plain.Get("/healthz");
  CHECK((!refused || refused->status != 200));
}

TEST_CASE("serve: with auth on, the banner says how to get a token and how to use it") {
  ServerProcess server;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server.output().find("  stop: Ctrl-C\n") == std::string::npos && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto banner = server.output();
  // The command itself (and that it never shows the secret) is tested in serve_secrets_test.cpp.
  CHECK(banner.find("  token: TOKEN=$(curl -s -u \"swapi-cli:$(jq ") != std::string::npos);
  CHECK(banner.find(" -d grant_type=client_credentials " + server.base_url() + "/oauth/token | jq -r .access_token)\n") !=
        std::string::npos);
  CHECK(banner.find("try:  curl -H \"Authorization: Bearer $TOKEN\" " + server.base_url() + "/api/films/1/") !=
        std::string::npos);
}
