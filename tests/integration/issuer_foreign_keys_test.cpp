// `swapi serve --jwks-uri|--jwks-file` against the real binary: the server trusts another
// issuer, so its own issuer is off. Its routes say so (404 with the trusted issuer), the banner
// says where tokens come from, serve.json records it, and no local keyset or client is made.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"

using nlohmann::json;
using namespace swapi::test;

namespace {

// The 404 the issuer's routes answer with the local issuer off.
void check_refused(const httplib::Result& res, const std::string& reason) {
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->status == 404);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(json::parse(res->body)["detail"] == reason);
}

}  // namespace

TEST_CASE("issuer off: with --jwks-file the issuer routes are 404 naming the trusted issuer, and its tokens work") {
  AuthServer server;
  auto& process = server.process();
  const std::string reason = "this server issues no tokens and publishes no keys: it trusts tokens from " + kIssuer +
                             ", signed with the keys of its --jwks-file";
  // Before: jwks.json served the local keyset, discovery claimed https://issuer.test/ beside
  // it, and /oauth/token minted tokens this same server refused (unknown_kid).
  check_refused(server.get("/.well-known/jwks.json"), reason);
  check_refused(server.get("/.well-known/openid-configuration"), reason);
  check_refused(process.client().Post("/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded"),
                reason);
  check_refused(server.get("/oauth/token"), reason);

  CHECK(server.get_with_token("/api/films/1/", good_token())->status == 200);

  // The banner offers no token command, only where tokens come from.
  CHECK(output_contains(process, "  token: from " + kIssuer + " (this server trusts its keys and issues none itself)\n"));
  CHECK(process.output().find("curl -s -u") == std::string::npos);
  CHECK(process.output().find("client:") == std::string::npos);

  // serve.json tells the CLI that local tokens are not trusted here; no keyset or clients exist.
  auto recorded = json::parse(read_file(process.home() + "/serve.json"));
  CHECK(recorded["issuer"] == kIssuer);
  CHECK(recorded["local_issuer"] == false);
  CHECK(std::filesystem::path(recorded["jwks_file"].get<std::string>()).is_absolute());
  CHECK(std::filesystem::path(recorded["jwks_file"].get<std::string>()).filename() == "trusted.json");
  CHECK_FALSE(std::filesystem::exists(process.home() + "/keys.json"));
  CHECK_FALSE(std::filesystem::exists(process.home() + "/clients.json"));
}

TEST_CASE("issuer off: with --jwks-uri the routes name the issuer and its JWKS URL; the loopback flavor shapes the 404") {
  httplib::Server publisher;
  std::string jwks = jwks_text({rsa_key()});
  publisher.Get("/jwks.json", [&](const httplib::Request&, httplib::Response& response) {
    response.set_content(jwks, "application/json");
  });
  int port = publisher.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread thread([&] { publisher.listen_after_bind(); });
  std::string uri = "http://127.0.0.1:" + std::to_string(port) + "/jwks.json";
  {
    ServerProcess server({"--jwks-uri", uri, "--issuer", kIssuer, "--flavor", "loopback"});
    auto res = server.client().Get("/.well-known/openid-configuration");
    REQUIRE(res);
    CHECK(res->status == 404);
    auto error = json::parse(res->body)["error"];
    CHECK(error["statusCode"] == 404);
    CHECK(error["code"] == "NO_LOCAL_ISSUER");
    CHECK(error["message"] == "this server issues no tokens and publishes no keys: it trusts tokens from " + kIssuer +
                                  ", whose keys are at " + uri);
    auto api = server.client().Get("/api/films/1", bearer(good_token()));
    REQUIRE(api);
    CHECK(api->status == 200);
    auto recorded = json::parse(read_file(server.home() + "/serve.json"));
    CHECK(recorded["local_issuer"] == false);
    CHECK(recorded["jwks_uri"] == uri);
  }
  publisher.stop();
  thread.join();
}

TEST_CASE("issuer off: --client with a foreign key source is a usage error") {
  TempDir dir;
  std::string keys = write_jwks(dir, {rsa_key()});
  auto result = run_swapi({"serve", "--port", "0", "--jwks-file", keys, "--client", "ci:env:CI_SECRET:read:films"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.rfind("swapi: usage: --jwks-file excludes --client\n", 0) == 0);
}
