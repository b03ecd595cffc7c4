// Each fault of scenario control over HTTP against the real `swapi serve --admin`: what a
// client of the JWKS, discovery, the token endpoint and /api sees, that each change is logged,
// and the CLI that makes them (swapi fault ..., swapi stats, swapi keys rotate --now).
#include <doctest/doctest.h>

#include "tests/integration/admin_test_support.h"
#include "tests/support/raw_http.h"

using namespace swapi;
using namespace swapi::test;

namespace {

constexpr const char* kJwks = "/.well-known/jwks.json";

std::vector<std::string> kids_of(const std::string& jwks) {
  std::vector<std::string> kids;
  auto document = nlohmann::json::parse(jwks);
  for (const auto& key : document["keys"]) kids.push_back(key["kid"].get<std::string>());
  return kids;
}

double seconds_for(const std::function<void()>& request) {
  auto start = std::chrono::steady_clock::now();
  request();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("fault jwks --status 503 --count 2: two 503s, then the set again; logged, counted, listed") {
  ServerProcess server({"--admin"});
  auto added = swapi_at(server, {"fault", "jwks", "--status", "503", "--count", "2"});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(added.out == "1\n");
  CHECK(added.err == "swapi fault: #1 jwks: status 503, for the next 2 requests\n");
  CHECK(log_has(server, "swapi serve: admin: fault #1 added: jwks: status 503, for the next 2 requests"));

  auto listed = swapi_at(server, {"fault", "list"});
  CHECK(listed.out == "#1    jwks: status 503, for the next 2 requests (2 left, 0 applied)\n");

  auto client = server.client();
  for (int i = 0; i < 2; ++i) {
    auto res = client.Get(kJwks);
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(nlohmann::json::parse(res->body)["detail"] == "injected by swapi fault #1");
  }
  auto healed = client.Get(kJwks);
  REQUIRE(healed);
  CHECK(healed->status == 200);
  CHECK(healed->get_header_value("Cache-Control") == "public, max-age=300");
  CHECK(log_has(server, "swapi serve: admin: fault #1 ended (jwks: status 503, for the next 2 requests): used up after 2 requests"));
  CHECK(swapi_at(server, {"fault", "list"}).out == "no faults\n");
  CHECK(cli_stats(server)["jwks_fetches"] == 3);
}

TEST_CASE("fault jwks --body garbage / empty-set / truncated, --drop-kid, --cache-control") {
  ServerProcess server({"--admin"});
  auto rotated = swapi_at(server, {"keys", "rotate", "--now"});  // two published keys
  REQUIRE(rotated.exit_code == 0);
  auto client = server.client();
  std::string published = client.Get(kJwks)->body;
  auto kids = kids_of(published);
  REQUIRE(kids.size() == 2);

  REQUIRE(swapi_at(server, {"fault", "jwks", "--body", "garbage", "--count", "1"}).exit_code == 0);
  auto garbage = client.Get(kJwks);
  CHECK(garbage->status == 200);
  CHECK(garbage->get_header_value("Content-Type") == "application/json");
  CHECK(garbage->body == "<html><body><h1>502 Bad Gateway</h1></body></html>\n");

  REQUIRE(swapi_at(server, {"fault", "jwks", "--body", "empty-set", "--count", "1"}).exit_code == 0);
  CHECK(client.Get(kJwks)->body == R"({"keys":[]})");

  REQUIRE(swapi_at(server, {"fault", "jwks", "--body", "truncated", "--count", "1"}).exit_code == 0);
  auto truncated = client.Get(kJwks);
  CHECK(truncated->body == published.substr(0, published.size() / 2));
  CHECK(nlohmann::json::parse(truncated->body, nullptr, false).is_discarded());

  REQUIRE(swapi_at(server, {"fault", "jwks", "--drop-kid", kids[0], "--count", "1"}).exit_code == 0);
  auto dropped = client.Get(kJwks);
  CHECK(kids_of(dropped->body) == std::vector<std::string>{kids[1]});
  CHECK(dropped->get_header_value("Cache-Control") == "public, max-age=300");

  REQUIRE(swapi_at(server, {"fault", "jwks", "--cache-control", "no-store", "--count", "1"}).exit_code == 0);
  auto no_store = client.Get(kJwks);
  CHECK(no_store->get_header_value("Cache-Control") == "no-store");
  CHECK(no_store->body == published);
  REQUIRE(swapi_at(server, {"fault", "jwks", "--cache-control", "none", "--count", "1"}).exit_code == 0);
  auto none = client.Get(kJwks);
  CHECK_FALSE(none->has_header("Cache-Control"));

  CHECK(client.Get(kJwks)->body == published);  // every fault was for one request
}

TEST_CASE("fault discovery, token and api: status (in each route's error shape) and path patterns") {
  ServerProcess server({"--admin"});
  auto client = server.client();
  REQUIRE(swapi_at(server, {"fault", "discovery", "--status", "500", "--count", "1"}).exit_code == 0);
  CHECK(client.Get("/.well-known/openid-configuration")->status == 500);
  CHECK(client.Get("/.well-known/openid-configuration")->status == 200);

  REQUIRE(swapi_at(server, {"fault", "token", "--status", "503", "--count", "1"}).exit_code == 0);
  auto refused = client.Post("/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded");
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(nlohmann::json::parse(refused->body) ==
        nlohmann::json{{"error", "temporarily_unavailable"}, {"error_description", "injected by swapi fault #2"}});
  std::string token = issued_token(server, "read:films read:people");  // the next one works

  REQUIRE(swapi_at(server, {"fault", "api", "--path", "/api/films*", "--status", "502"}).exit_code == 0);
  CHECK(client.Get("/api/films/1/", bearer(token))->status == 502);
  CHECK(client.Get("/api/films/", bearer(token))->status == 502);
  CHECK(client.Get("/api/people/1/", bearer(token))->status == 200);
  // Before the guard: the API is down whatever the token.
  CHECK(client.Get("/api/films/1/")->status == 502);
  REQUIRE(swapi_at(server, {"fault", "clear"}).err == "swapi fault: cleared 1 fault\n");
  CHECK(client.Get("/api/films/1/", bearer(token))->status == 200);
  CHECK(log_has(server, "swapi serve: admin: cleared 1 fault and any pending extra claims"));
}

TEST_CASE("fault ... --delay: the answer comes that much later; --for ends a fault by time") {
  ServerProcess server({"--admin"});
  auto client = server.client();
  REQUIRE(swapi_at(server, {"fault", "jwks", "--delay", "700ms", "--count", "1"}).exit_code == 0);
  double slow = seconds_for([&] { CHECK(client.Get(kJwks)->status == 200); });
  CHECK(slow >= 0.7);
  CHECK(slow < 5);
  double fast = seconds_for([&] { CHECK(client.Get(kJwks)->status == 200); });
  CHECK(fast < 0.5);

  REQUIRE(swapi_at(server, {"fault", "token", "--status", "500", "--for", "1s"}).exit_code == 0);
  CHECK(client.Post("/oauth/token", "", "application/x-www-form-urlencoded")->status == 500);
  // Then the endpoint's own answer again (no grant_type: 400).
  CHECK(eventually([&] { return client.Post("/oauth/token", "", "application/x-www-form-urlencoded")->status == 400; }));
  CHECK(log_has(server, "swapi serve: admin: fault #2 ended (token: status 500, for 1 s): time is over after"));
}

TEST_CASE("fault clock --skew: the issuer stamps iat/exp with it and the guard checks against it") {
  ServerProcess server({"--admin"});
  auto client = server.client();
  std::string before = issued_token(server);
  REQUIRE(swapi_at(server, {"fault", "clock", "--skew", "2d"}).exit_code == 0);
  CHECK(log_has(server, "swapi serve: admin: fault #1 added: clock: skew +172800 s, until cleared"));
  std::string skewed = issued_token(server);
  CHECK(payload_of(skewed)["iat"].get<std::int64_t>() - payload_of(before)["iat"].get<std::int64_t>() >= 172800);
  // The guard's now is two days ahead: the token issued before has expired (24 h lifetime).
  auto res = client.Get("/api/films/1/", bearer(before));
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(res->get_header_value("WWW-Authenticate").find("error_description=\"expired: ") != std::string::npos);
  CHECK(client.Get("/api/films/1/", bearer(skewed))->status == 200);
  // Admin tokens are checked on the real clock, so the operator is never locked out.
  CHECK(swapi_at(server, {"fault", "list"}).out == "#1    clock: skew +172800 s, until cleared (0 applied)\nclock skew in force: 172800 s\n");
  REQUIRE(swapi_at(server, {"fault", "clear"}).exit_code == 0);
  // The clock went back: the "expired" verdict the guard remembered is not kept.
  CHECK(client.Get("/api/films/1/", bearer(before))->status == 200);
  CHECK(client.Get("/api/films/1/", bearer(skewed))->status == 401);  // issued in the future now
}

TEST_CASE("keys rotate --now and fault claims: a new signing key at once; extra claims for the next N tokens") {
  ServerProcess server({"--admin"});
  auto client = server.client();
  std::string old_kid = header_of(issued_token(server))["kid"];
  auto rotated = swapi_at(server, {"keys", "rotate", "--now"});
  INFO(rotated.err);
  REQUIRE(rotated.exit_code == 0);
  std::string new_kid = rotated.out.substr(0, rotated.out.size() - 1);
  CHECK(rotated.err == "swapi keys: the server rotated: " + new_kid + " is now the active key; " + old_kid +
                           " stays published until `swapi keys retire " + old_kid + "`\n");
  CHECK(header_of(issued_token(server))["kid"] == new_kid);  // no poll to wait for
  CHECK(kids_of(client.Get(kJwks)->body) == std::vector<std::string>{old_kid, new_kid});
  CHECK(log_has(server, "swapi serve: admin: rotated the signing key: " + new_kid + " is active, " + old_kid + " stays published"));

  auto claims = swapi_at(server, {"fault", "claims", "--claim", "tenant=acme", "--claim", "jti=null", "--count", "2"});
  REQUIRE(claims.exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    auto payload = payload_of(issued_token(server));
    CHECK(payload["tenant"] == "acme");
    CHECK_FALSE(payload.contains("jti"));
  }
  auto plain = payload_of(issued_token(server));
  CHECK_FALSE(plain.contains("tenant"));
  CHECK(plain.contains("jti"));
  CHECK(log_has(server, R"(swapi serve: admin: extra claims for the next 2 tokens: {"jti":null,"tenant":"acme"})"));
}

TEST_CASE("swapi stats: per route, per auth outcome (the guard's rule names), since start or the last reset") {
  ServerProcess server({"--admin"});
  auto client = server.client();
  std::string token = issued_token(server);
  client.Get(kJwks);
  client.Get("/api/films/1/", bearer(token));
  client.Get("/api/films/2/", bearer(token));
  client.Get("/api/films/");
  client.Get("/api/people/1/", bearer(token));
  auto stats = cli_stats(server, /*reset=*/true);
  CHECK(stats["jwks_fetches"] == 1);
  CHECK(stats["token_requests"] == 1);
  CHECK(stats["discovery_requests"] == 0);
  CHECK(stats["requests"] == 6);
  CHECK(stats["routes"] == nlohmann::json{{"GET /.well-known/jwks.json", 1}, {"POST /oauth/token", 1},
                                          {"GET /api/films/{id}", 2}, {"GET /api/films", 1}, {"GET /api/people/{id}", 1}});
  CHECK(stats["auth"] == nlohmann::json{{"ok", 2}, {"no_token", 1}, {"insufficient_scope", 1}});
  CHECK(stats["statuses"] == nlohmann::json{{"200", 4}, {"401", 1}, {"403", 1}});
  CHECK(log_has(server, "swapi serve: admin: stats reset (6 requests counted before)"));

  auto after = cli_stats(server);
  CHECK(after["requests"] == 0);
  CHECK(after["routes"].empty());
  client.Get("/healthz");
  auto text = swapi_at(server, {"stats"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("  jwks fetches        0\n  discovery requests  0\n  token requests      0\n  requests            1\n"
                      "routes:\n  GET /healthz  1\nauth: none\nstatuses:\n  200  1\n") != std::string::npos);
}

TEST_CASE("swapi fault: what the server refuses comes back as a usage error with its reason") {
  ServerProcess server({"--admin"});
  auto nothing = swapi_at(server, {"fault", "token"});
  CHECK(nothing.exit_code == 2);
  CHECK(nothing.err == "swapi: fault token: the fault does nothing\n  hint: give --status or --delay\n");
  auto bad_path = swapi_at(server, {"fault", "api", "--path", "/films", "--status", "500"});
  CHECK(bad_path.exit_code == 2);
  CHECK(bad_path.err == "swapi: fault api: 'path' must be an /api path, or a prefix ending in '*' (/api/films*)\n");
  auto raw = server.client().Post("/_swapi/faults", bearer(admin_token(server)), R"({"route": )", "application/json");
  REQUIRE(raw);
  CHECK(raw->status == 400);
  CHECK(nlohmann::json::parse(raw->body)["detail"].get<std::string>().starts_with("the body is not JSON: parse error at line 1"));
  auto deep = server.client().Post("/_swapi/faults", bearer(admin_token(server)), std::string(100, '[') + std::string(100, ']'),
                                   "application/json");
  REQUIRE(deep);
  CHECK(deep->status == 400);
  CHECK(nlohmann::json::parse(deep->body)["detail"] == "the body nests deeper than 16 levels");
  // Checked by the CLI, in the option's own words (the server would name its JSON member).
  for (const char* delay : {"11m", "600001ms", "2h"}) {
    auto too_long = swapi_at(server, {"fault", "jwks", "--delay", delay});
    CHECK(too_long.exit_code == 2);
    CHECK(too_long.err == "swapi: fault --delay: '" + std::string(delay) +
                              "' is longer than 10m, the longest delay\n  hint: use 500ms, 2s, 1m (at most 10m)\n");
  }
  CHECK(swapi_at(server, {"fault", "jwks", "--delay", "10m", "--count", "1"}).exit_code == 0);
  auto clear_missing = swapi_at(server, {"fault", "clear", "7"});
  CHECK(clear_missing.exit_code == 3);
  CHECK(clear_missing.err == "swapi: fault clear: no active fault #7\n");
}

// A status fault answers what HTTP lets that status be: no 1xx (an interim answer, after which
// the client waits for the real one), and 204 and 304 without a body (a body there is read as
// the start of the next response on the connection).
TEST_CASE("fault --status: 1xx is refused; 204 and 304 come without a body, the connection stays usable") {
  ServerProcess server({"--admin"});
  auto interim = swapi_at(server, {"fault", "jwks", "--status", "100"});
  CHECK(interim.exit_code == 2);
  CHECK(interim.err.find("--status: Value 100 not in range 200 to 599") != std::string::npos);
  auto raw = admin_call(server, "POST", "/_swapi/faults", {{"route", "api"}, {"status", 101}});
  REQUIRE(raw);
  CHECK(raw->status == 400);
  CHECK(nlohmann::json::parse(raw->body)["detail"] == "'status' must be between 200 and 599");
  auto with_body = admin_call(server, "POST", "/_swapi/faults", {{"route", "jwks"}, {"status", 204}, {"body", "garbage"}});
  REQUIRE(with_body);
  CHECK(with_body->status == 400);
  CHECK(nlohmann::json::parse(with_body->body)["detail"] ==
        "a 204 or 304 answer has no body: 'body' and 'drop_kid' cannot go with it");

  add_fault(server, {{"route", "api"}, {"status", 304}, {"count", 1}});
  add_fault(server, {{"route", "jwks"}, {"status", 204}, {"cache_control", "no-store"}, {"count", 1}});
  RawConnection connection(server.port());
  REQUIRE(connection.send("GET /api/films/1/ HTTP/1.1\r\nHost: x\r\n\r\n"
                          "GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\n\r\n"
                          "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto not_modified = connection.read_response();
  REQUIRE(not_modified);
  CHECK(not_modified->status == 304);
  CHECK(not_modified->header("content-length").empty());
  auto no_content = connection.read_response();
  REQUIRE(no_content);
  CHECK(no_content->status == 204);
  CHECK(no_content->header("content-length").empty());
  CHECK(no_content->header("cache-control") == "no-store");
  auto health = connection.read_response();
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == R"({"status":"ok"})");
}

TEST_CASE("fault claims: at most 4 KiB of extra claims, so an issued token stays one the guard takes") {
  ServerProcess server({"--admin"});
  auto big = admin_call(server, "POST", "/_swapi/actions/claims", {{"claims", {{"pad", std::string(5000, 'x')}}}, {"count", 3}});
  REQUIRE(big);
  CHECK(big->status == 400);
  CHECK(nlohmann::json::parse(big->body)["detail"] == "the extra claims are at most 4096 bytes as JSON (a token is at most 8 KiB)");
  CHECK(admin_json(server, "GET", "/_swapi/faults")["extra_claims"].is_null());
  auto fits = admin_call(server, "POST", "/_swapi/actions/claims", {{"claims", {{"pad", std::string(4000, 'x')}}}});
  REQUIRE(fits);
  CHECK(fits->status == 200);
  auto token = issued_token(server);
  CHECK(payload_of(token)["pad"] == std::string(4000, 'x'));
  CHECK(server.client().Get("/api/films/1/", bearer(token))->status == 200);
}
