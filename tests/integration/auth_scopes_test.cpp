// Scopes and the route policy over HTTP: 403 insufficient_scope with the needed scope, the
// three claim forms, the API root, --public, --policy and their start-up errors.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"

using namespace swapi;
using namespace swapi::test;

namespace {

std::string token_with(const std::string& name, const nlohmann::json& value) {
  auto claims = good_claims(kIssuer, unix_now());
  claims.erase("scope");
  claims[name] = value;
  return mint(rsa_key(), claims);
}

int status_of(AuthServer& server, const std::string& method, const std::string& path, const std::string& token) {
  auto client = server.process().client();
  httplib::Headers headers = token.empty() ? httplib::Headers{} : bearer(token);
  httplib::Result res = method == "GET"    ? client.Get(path.c_str(), headers)
                        : method == "POST" ? client.Post(path.c_str(), headers, "{}", "application/json")
                                           : client.Delete(path.c_str(), headers);
  return res ? res->status : -1;
}

}  // namespace

TEST_CASE("auth scopes: a missing scope is 403 insufficient_scope naming the needed scope") {
  AuthServer server;
  auto res = server.get_with_token("/api/planets/1/", good_token("read:films"));
  REQUIRE(res);
  CHECK(res->status == 403);
  CHECK(res->get_header_value("WWW-Authenticate") ==
        R"x(Bearer realm="swapi", error="insufficient_scope", error_description="the token lacks scope read:planets (from scope, scp or permissions)", scope="read:planets")x");
  auto body = nlohmann::json::parse(res->body);
  CHECK(body["error"] == "insufficient_scope");
  CHECK(body["scope"] == "read:planets");
  CHECK(log_contains(server.process(), "GET /api/planets/1/ 403"));
  CHECK(log_contains(server.process(), "auth=insufficient_scope"));
}

TEST_CASE("auth scopes: scope as a space-separated string") {
  AuthServer server;
  std::string token = token_with("scope", "read:people read:films");
  CHECK(server.get_with_token("/api/people/1/", token)->status == 200);
  CHECK(server.get_with_token("/api/films/1/", token)->status == 200);
  CHECK(server.get_with_token("/api/species/1/", token)->status == 403);
}

TEST_CASE("auth scopes: scp as a string or an array") {
  AuthServer server;
  CHECK(server.get_with_token("/api/films/1/", token_with("scp", "read:films"))->status == 200);
  CHECK(server.get_with_token("/api/films/1/", token_with("scp", {"read:people", "read:films"}))->status == 200);
  CHECK(server.get_with_token("/api/films/1/", token_with("scp", {"read:people"}))->status == 403);
}

TEST_CASE("auth scopes: permissions array (Auth0 RBAC)") {
  AuthServer server;
  CHECK(server.get_with_token("/api/films/1/", token_with("permissions", {"read:films"}))->status == 200);
  CHECK(server.get_with_token("/api/planets/1/", token_with("permissions", {"read:films"}))->status == 403);
}

TEST_CASE("auth scopes: the API root needs a valid token but no scope") {
  AuthServer server;
  CHECK(server.get_with_token("/api/", token_with("scope", ""))->status == 200);
  CHECK(server.get("/api/")->status == 401);
}

TEST_CASE("auth scopes: writes need write:{res} (loopback flavor)") {
  AuthServer server({rsa_key()}, {"--flavor", "loopback"});
  CHECK(status_of(server, "POST", "/api/films", good_token("read:films")) == 403);
  CHECK(status_of(server, "DELETE", "/api/films/1", good_token("read:films")) == 403);
  int created = status_of(server, "POST", "/api/films", good_token("write:films"));
  CHECK(created == 200);  // LoopBack 3 answers a create with 200
}

TEST_CASE("auth scopes: --public opens an exact path or a prefix ending in *") {
  AuthServer server({rsa_key()}, {"--public", "/api/films/1/", "--public", "/api/planets/*"});
  CHECK(server.get("/api/films/1/")->status == 200);
  CHECK(server.get("/api/films/2/")->status == 401);
  CHECK(server.get("/api/planets/3/")->status == 200);
  CHECK(log_contains(server.process(), "GET /api/planets/3/ 200"));
  CHECK(log_contains(server.process(), "auth=public"));
}

TEST_CASE("auth scopes: --policy rules replace the default for the routes they match") {
  TempDir dir;
  write_file(dir.file("policy.json"), R"({"rules":[
    {"method":"GET","path":"/api/films*","scopes":["films:view"]},
    {"method":"*","path":"/api/planets/*","public":true}]})");
  AuthServer server({rsa_key()}, {"--policy", dir.file("policy.json")});
  CHECK(server.get_with_token("/api/films/1/", good_token("films:view"))->status == 200);
  auto res = server.get_with_token("/api/films/1/", good_token("read:films"));
  REQUIRE(res);
  CHECK(res->status == 403);
  CHECK(res->get_header_value("WWW-Authenticate").ends_with(R"(scope="films:view")"));
  CHECK(server.get("/api/planets/1/")->status == 200);
  CHECK(server.get_with_token("/api/people/1/", good_token("read:people"))->status == 200);  // default still applies
}

TEST_CASE("auth scopes: an invalid policy file stops the start with exit 3, naming the file and problem") {
  TempDir dir;
  write_file(dir.file("policy.json"), R"({"rules":[{"method":"GET","path":"/api/films*","scope":["x"]}]})");
  auto result = run_swapi({"serve", "--port", "0", "--policy", dir.file("policy.json")});
  CHECK(result.exit_code == 3);
  CHECK(result.err.find(dir.file("policy.json") + ": rule 1: unknown member \"scope\"") != std::string::npos);
}

TEST_CASE("auth scopes: a --policy rule or --public path outside /api stops the start: it would never be enforced") {
  TempDir dir;
  write_file(dir.file("policy.json"), R"({"rules":[{"method":"GET","path":"/openapi.json","scopes":["read:docs"]}]})");
  auto result = run_swapi({"serve", "--port", "0", "--policy", dir.file("policy.json")});
  CHECK(result.exit_code == 3);
  // After "swapi serve: created a new keyset ..." of the fresh state dir.
  CHECK(result.err.ends_with("\nswapi: serve: --policy: " + dir.file("policy.json") +
                          ": rule 1: path \"/openapi.json\" is outside /api; rules govern /api routes only (the others "
                          "are public by design)\n  hint: expected {\"rules\":[{\"method\":\"GET\",\"path\":\"/api/films*\","
                          "\"scopes\":[\"read:films\"]}, ...]}\n"));
  auto open = run_swapi({"serve", "--port", "0", "--public", "/healthz"});
  CHECK(open.exit_code == 3);
  CHECK(open.err.find("\nswapi: serve: --public: '/healthz' is outside /api, where every route is public already\n") !=
        std::string::npos);
}

TEST_CASE("auth scopes: an unknown --alg stops the start with a did-you-mean hint") {
  auto result = run_swapi({"serve", "--port", "0", "--alg", "RS265"});
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("unknown algorithm \"RS265\"") != std::string::npos);
  CHECK(result.err.find("did you mean RS256?") != std::string::npos);
}
