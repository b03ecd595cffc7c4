// A JSON number beyond double range (1E400) in every document the server parses, against the
// real binary. nlohmann reports it as out_of_range 406, not as a parse error; it used to
// escape the JOSE parser as a foreign exception: a 500 for an unauthenticated token header.
// Each parse site answers in its own layer's words: 401 malformed, 400, or exit 3.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"

using namespace swapi::test;
using nlohmann::json;

TEST_CASE("overflow: a JOSE header number beyond double range is 401 malformed, never 500 (any signature)") {
  for (std::string flavor : {"swapi", "loopback"}) {
    CAPTURE(flavor);
    AuthServer server({rsa_key()}, {"--flavor", flavor});
    auto res = server.get_with_token("/api/films/1/", raw_token(R"({"alg":"RS256","x":1E400})", "{}", "sig"));
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(description_of(res->get_header_value("WWW-Authenticate")) ==
          "malformed: header is not valid JSON: number overflow parsing '1E400'");
    CHECK(log_contains(server.process(), "auth=malformed"));
    CHECK(server.process().log().find("internal error") == std::string::npos);
  }
}

TEST_CASE("overflow: a signed payload with a number beyond double range is 401 malformed") {
  AuthServer server;
  std::string token = swapi::jose::sign_compact({{"alg", "RS256"}, {"kid", rsa_key().kid}},
                                                R"({"iss":"https://issuer.test/","exp":1E400})", rsa_key());
  auto res = server.get_with_token("/api/films/1/", token);
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(description_of(res->get_header_value("WWW-Authenticate")) ==
        "malformed: payload is not valid JSON: number overflow parsing '1E400'");
}

TEST_CASE("overflow: a JSON token request with a number beyond double range is 400 invalid_request") {
  ServerProcess server;
  auto res = server.client().Post("/oauth/token", R"({"grant_type":"client_credentials","x":1E400})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(json::parse(res->body) ==
        json{{"error", "invalid_request"},
             {"error_description", "JSON body is not valid JSON: number overflow parsing '1E400'"}});
}

TEST_CASE("overflow: a policy file, JWKS file or --data file with 1E400 stops the start with exit 3 and the reason") {
  TempDir dir;
  write_file(dir.file("policy.json"), R"({"rules":[{"method":"GET","path":"/api/","scopes":[],"n":1E400}]})");
  auto policy = run_swapi({"serve", "--port", "0", "--policy", dir.file("policy.json")});
  CHECK(policy.exit_code == 3);
  // After "swapi serve: created a new keyset ..." of the fresh state dir.
  CHECK(policy.err.find("\nswapi: serve: --policy: " + dir.file("policy.json") +
                        ": not valid JSON: number overflow parsing '1E400'\n") != std::string::npos);

  write_file(dir.file("jwks.json"), R"({"keys":[{"kty":"oct","k":"AAAA","n":1E400}]})");
  auto jwks = run_swapi({"serve", "--port", "0", "--jwks-file", dir.file("jwks.json")});
  CHECK(jwks.exit_code == 3);
  CHECK(jwks.err.starts_with("swapi: serve: --jwks-file: " + dir.file("jwks.json") +
                             ": JWKS is not valid JSON: number overflow parsing '1E400'\n"));

  std::filesystem::create_directory(dir.file("data"));
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SWAPI_SOURCE_DIR) + "/fixtures/swapi"))
    std::filesystem::copy_file(entry.path(), dir.path() / "data" / entry.path().filename());
  write_file(dir.file("data/films.json"), R"([{"id":1,"episode_id":1E400}])");
  auto data = run_swapi({"serve", "--port", "0", "--data", dir.file("data")});
  CHECK(data.exit_code == 3);
  CHECK(data.err.starts_with("swapi: serve: --data: " + dir.file("data/films.json") +
                             ": number overflow parsing '1E400'\n"));
}
