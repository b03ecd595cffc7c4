// `swapi serve --cors ORIGIN` over HTTP (DESIGN.md "Explorer"; the Fetch standard's CORS
// protocol): preflights answered before the auth guard, the headers on every answer to an
// allowed origin (401 and 403 included, so a front-end can read why), none for others, none
// at all by default, and the start-up errors for what is not an origin.
#include <doctest/doctest.h>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "tests/integration/explorer_support.h"
#include "tests/support/raw_http.h"
#include "tests/support/server_process.h"

using namespace swapi::test;

namespace {

const std::string kFront = "http://localhost:3000";

httplib::Headers preflight_headers(const std::string& origin, const std::string& method = "GET",
                                   const std::string& headers = "authorization") {
  return {{"Origin", origin}, {"Access-Control-Request-Method", method}, {"Access-Control-Request-Headers", headers}};
}

httplib::Result options(const ServerProcess& server, const std::string& path, const httplib::Headers& headers) {
  return server.client().Options(path.c_str(), headers);
}

void check_cors_for(const httplib::Result& res, const std::string& origin) {
  REQUIRE(res);
  CHECK(res->get_header_value("Access-Control-Allow-Origin") == origin);
  CHECK(res->get_header_value("Access-Control-Expose-Headers") == "WWW-Authenticate");
  CHECK(res->get_header_value("Vary") == "Origin");
  CHECK_FALSE(res->has_header("Access-Control-Allow-Credentials"));
}

void check_no_cors(const httplib::Result& res) {
  REQUIRE(res);
  for (const auto& [name, value] : res->headers) {
    CAPTURE(name);
    CHECK_FALSE(name.starts_with("Access-Control-"));
  }
}

}  // namespace

TEST_CASE("cors: a preflight without a token is 204 with the allowed methods and headers before the guard") {
  ServerProcess server({"--cors", kFront});
  auto res = options(server, "/api/films/1/", preflight_headers(kFront, "GET", "authorization,content-type"));
  REQUIRE(res);
  CHECK(res->status == 204);
  CHECK(res->get_header_value("Access-Control-Allow-Origin") == kFront);
  CHECK(res->get_header_value("Access-Control-Allow-Methods") == "GET, HEAD, POST, PUT, PATCH, DELETE");
  CHECK(res->get_header_value("Access-Control-Allow-Headers") == "Authorization, Content-Type");
  CHECK(res->get_header_value("Access-Control-Max-Age") == "600");
  CHECK(res->get_header_value("Vary") == "Origin");
  CHECK_FALSE(res->has_header("WWW-Authenticate"));
  CHECK(res->body.empty());
  // The token endpoint's preflight (a JSON or form POST from a front-end) too.
  CHECK(options(server, "/oauth/token", preflight_headers(kFront, "POST", "content-type"))->status == 204);
}

TEST_CASE("cors: a refused preflight is 403 with the reason in JSON and no Access-Control header") {
  ServerProcess server({"--cors", kFront});
  auto other = options(server, "/api/films/1/", preflight_headers("http://localhost:3001"));
  CHECK(other->status == 403);
  CHECK(nlohmann::json::parse(other->body)["detail"] ==
        "origin http://localhost:3001 may not call this server: it is not one of its --cors origins");
  check_no_cors(other);
  auto header = options(server, "/api/films/1/", preflight_headers(kFront, "GET", "authorization, x-requested-with"));
  CHECK(header->status == 403);
  CHECK(nlohmann::json::parse(header->body)["detail"] ==
        "request header x-requested-with is not allowed; allowed: Authorization, Content-Type");
  check_no_cors(header);
}

TEST_CASE("cors: off by default: no Access-Control header anywhere and a preflight says how to turn it on") {
  ServerProcess server({"--flavor", "loopback"});
  auto preflight = options(server, "/api/films/1", preflight_headers(kFront));
  REQUIRE(preflight);
  CHECK(preflight->status == 403);
  CHECK(nlohmann::json::parse(preflight->body)["error"]["message"] ==
        "cross-origin requests are off: start swapi serve with --cors http://localhost:3000");
  check_no_cors(preflight);
  CHECK_FALSE(preflight->has_header("Vary"));
  auto get = server.client().Get("/api/films/1", {{"Origin", kFront}});
  CHECK(get->status == 401);
  check_no_cors(get);
  check_no_cors(server.client().Get("/.well-known/jwks.json", {{"Origin", kFront}}));
}

TEST_CASE("cors: 200 401 and 403 to an allowed origin all carry the headers and expose WWW-Authenticate") {
  ServerProcess server({"--cors", kFront, "--cors", "http://127.0.0.1:5173"});
  httplib::Headers origin = {{"Origin", kFront}};

  auto none = server.client().Get("/api/films/1/", origin);
  CHECK(none->status == 401);
  CHECK(none->get_header_value("WWW-Authenticate") == "Bearer realm=\"swapi\"");
  check_cors_for(none, kFront);

  auto bad = server.client().Get("/api/films/1/", {{"Origin", kFront}, {"Authorization", "Bearer not.a.token"}});
  CHECK(bad->status == 401);
  check_cors_for(bad, kFront);

  auto people_only = issued_token(server, "read:people");
  auto scope = server.client().Get("/api/films/1/", {{"Origin", kFront}, {"Authorization", "Bearer " + people_only}});
  CHECK(scope->status == 403);
  check_cors_for(scope, kFront);

  auto films = issued_token(server, "read:films");
  auto ok = server.client().Get("/api/films/1/", {{"Origin", "http://127.0.0.1:5173"}, {"Authorization", "Bearer " + films}});
  CHECK(ok->status == 200);
  check_cors_for(ok, "http://127.0.0.1:5173");
  CHECK(nlohmann::json::parse(ok->body)["title"] == "A New Hope");

  check_cors_for(server.client().Get("/api/films/999/", {{"Origin", kFront}, {"Authorization", "Bearer " + films}}), kFront);
}

TEST_CASE("cors: the issuer's routes and the public ones carry the headers too - the explorer page never") {
  ServerProcess server({"--cors", kFront});
  httplib::Headers origin = {{"Origin", kFront}};
  check_cors_for(server.client().Get("/.well-known/jwks.json", origin), kFront);
  check_cors_for(server.client().Get("/.well-known/openid-configuration", origin), kFront);
  check_cors_for(server.client().Get("/openapi.json", origin), kFront);
  check_cors_for(server.client().Get("/healthz", origin), kFront);
  auto token = server.client().Post("/oauth/token", origin, "grant_type=client_credentials", "application/x-www-form-urlencoded");
  CHECK(token->status == 401);  // no client credentials
  check_cors_for(token, kFront);
  // The page may hold the default client's secret: no other origin may read it.
  check_no_cors(server.client().Get("/explorer/", origin));
  check_no_cors(server.client().Get("/explorer/explorer.js", origin));
}

TEST_CASE("cors: a preflight for the explorer is refused like its answers - an allowed origin gets no Access-Control header") {
  ServerProcess server({"--cors", kFront});
  for (std::string path : {"/explorer/", "/explorer/explorer.js", "/explorer"}) {
    CAPTURE(path);
    auto res = options(server, path, preflight_headers(kFront));
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(nlohmann::json::parse(res->body)["detail"] ==
          "the explorer is for this server's own origin: its answers are never shared with another (they may hold "
          "the default client's secret)");
    check_no_cors(res);
  }
}

TEST_CASE("cors: the connection front's own 431 408 and 400 carry the headers too - a front-end reads why") {
  ServerProcess server({"--cors", kFront, "--request-timeout", "1"});
  std::string head = "GET /api/films/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + kFront + "\r\n";
  auto check_front_answer = [&](const std::optional<RawResponse>& res, int status, const std::string& origin) {
    REQUIRE(res);
    CHECK(res->status == status);
    CHECK(res->header("access-control-allow-origin") == origin);
    CHECK(res->header("access-control-expose-headers") == std::string(origin.empty() ? "" : "WWW-Authenticate"));
    CHECK(res->header("vary") == "Origin");
    CHECK(res->header("connection") == "close");
  };
  {
    RawConnection big(server.port());  // a head over 64 KiB in lines under 8 KiB each
    std::string lines;
    for (int i = 0; i < 20; ++i) lines += "X-Filler-" + std::to_string(i) + ": " + std::string(4000, 'a') + "\r\n";
    big.send(head + lines);
    check_front_answer(big.read_response(), 431, kFront);
  }
  {
    RawConnection slow(server.port());  // the head never ends
    slow.send(head);
    check_front_answer(slow.read_response(std::chrono::seconds(5)), 408, kFront);
  }
  {
    RawConnection bare(server.port());  // a line ending in a bare LF
    bare.send(head + "X-Bare: 1\n\r\n");
    check_front_answer(bare.read_response(), 400, kFront);
  }
  {
    RawConnection other(server.port());  // another origin: only Vary
    other.send("GET /api/films/1/ HTTP/1.1\r\nOrigin: http://localhost:3001\r\n");
    check_front_answer(other.read_response(std::chrono::seconds(5)), 408, "");
  }
}

TEST_CASE("cors: another origin gets no Access-Control header but Vary: Origin for caches") {
  ServerProcess server({"--cors", kFront});
  auto res = server.client().Get("/api/films/1/", {{"Origin", "http://localhost:3001"}});
  CHECK(res->status == 401);
  check_no_cors(res);
  CHECK(res->get_header_value("Vary") == "Origin");
  auto plain = server.client().Get("/healthz");  // same-origin and curl send no Origin
  check_no_cors(plain);
  CHECK(plain->get_header_value("Vary") == "Origin");
}

TEST_CASE("cors: '*' answers any origin with '*' and never allows credentials") {
  ServerProcess server({"--cors", "*"});
  auto res = server.client().Get("/api/films/1/", {{"Origin", "http://whoever.example"}});
  CHECK(res->status == 401);
  check_cors_for(res, "*");
  auto preflight = options(server, "/api/films/1/", preflight_headers("http://whoever.example"));
  CHECK(preflight->status == 204);
  CHECK(preflight->get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK_FALSE(preflight->has_header("Access-Control-Allow-Credentials"));
}

TEST_CASE("cors: what is not an origin is a usage error (exit 2) naming the fix") {
  auto path = run_swapi({"serve", "--port", "0", "--cors", "http://localhost:3000/"});
  CHECK(path.exit_code == 2);
  CHECK(path.err ==
        "swapi: --cors: 'http://localhost:3000/' has a path, query or fragment: an origin is only scheme, host and port\n"
        "  hint: use --cors http://localhost:3000\n");
  auto mixed = run_swapi({"serve", "--port", "0", "--cors", "*", "--cors", kFront});
  CHECK(mixed.exit_code == 2);
  CHECK(mixed.err.starts_with("swapi: --cors: '*' already allows every origin"));
  auto null_origin = run_swapi({"serve", "--port", "0", "--cors", "null"});
  CHECK(null_origin.exit_code == 2);
}
