// The counters of GET /_swapi/stats (server/admin/admin_stats.h) and the access rule of the
// /_swapi/ routes (server/admin/admin_access.h), without HTTP.
#include <doctest/doctest.h>

#include "server/admin/admin_access.h"
#include "server/admin/admin_stats.h"
#include "tests/server/auth/auth_test_tokens.h"

using namespace swapi;
using namespace swapi::server;

TEST_CASE("route keys: one counter per route whatever the id, trailing slash or not") {
  CHECK(route_key("GET", "/api/films/3/") == "GET /api/films/{id}");
  CHECK(route_key("GET", "/api/films/3") == "GET /api/films/{id}");
  CHECK(route_key("GET", "/api/films/") == "GET /api/films");
  CHECK(route_key("GET", "/api/people/1/exists") == "GET /api/people/{id}/exists");
  CHECK(route_key("GET", "/.well-known/jwks.json") == "GET /.well-known/jwks.json");
  CHECK(route_key("POST", "/oauth/token") == "POST /oauth/token");
  CHECK(route_key("GET", "/") == "GET /");
  CHECK(route_key("OPTIONS", "*") == "OPTIONS *");
}

TEST_CASE("stats count JWKS fetches, discovery, token requests, routes, auth outcomes and statuses; reset starts again") {
  AdminStats stats(1000);
  stats.record("GET", "/.well-known/jwks.json", 200, "");
  stats.record("GET", "/.well-known/jwks.json", 503, "");
  stats.record("GET", "/.well-known/openid-configuration", 200, "");
  stats.record("POST", "/oauth/token", 200, "");
  stats.record("GET", "/api/films/1/", 200, "ok");
  stats.record("GET", "/api/films/2/", 401, "expired");
  stats.record("GET", "/api/films/", 401, "no_token");
  auto s = stats.snapshot();
  CHECK(s.jwks_fetches == 2);
  CHECK(s.discovery_requests == 1);
  CHECK(s.token_requests == 1);
  CHECK(s.requests == 7);
  CHECK(s.routes == std::map<std::string, std::uint64_t>{{"GET /.well-known/jwks.json", 2},
                                                         {"GET /.well-known/openid-configuration", 1},
                                                         {"POST /oauth/token", 1},
                                                         {"GET /api/films/{id}", 2},
                                                         {"GET /api/films", 1}});
  CHECK(s.auth == std::map<std::string, std::uint64_t>{{"ok", 1}, {"expired", 1}, {"no_token", 1}});
  CHECK(s.statuses == std::map<std::string, std::uint64_t>{{"200", 4}, {"401", 2}, {"503", 1}});
  CHECK(s.to_json()["since_unix"] == 1000);

  auto before = stats.reset(2000);
  CHECK(before.requests == 7);
  auto after = stats.snapshot();
  CHECK(after.requests == 0);
  CHECK(after.jwks_fetches == 0);
  CHECK(after.routes.empty());
  CHECK(after.since == 2000);
}

TEST_CASE("stats keep at most kMaxStatsRoutes route keys; the rest count as other") {
  AdminStats stats(0);
  for (std::size_t i = 0; i < kMaxStatsRoutes + 10; ++i) stats.record("GET", "/scan" + std::to_string(i) + "x", 404, "");
  auto s = stats.snapshot();
  CHECK(s.routes.size() == kMaxStatsRoutes + 1);
  CHECK(s.routes.at("other") == 10);
}

TEST_CASE("loopback addresses are 127.0.0.0/8 and ::1, also IPv4-mapped; nothing else") {
  for (auto address : {"127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "::ffff:127.0.0.1"})
    CHECK_MESSAGE(is_loopback_address(address), address);
  for (auto address : {"192.0.2.2", "10.0.0.1", "::ffff:10.0.0.1", "128.0.0.1", "fe80::1", "", "localhost", "127.0.0.1 "})
    CHECK_MESSAGE(!is_loopback_address(address), address);
}

TEST_CASE("admin access: a loopback client with a swapi:admin token from the trusted keys, nothing less") {
  std::int64_t now = test::unix_now();
  std::vector<jose::Jwk> keys = {jose::public_part(test::rsa_key())};
  auto claims = test::good_claims("http://anything/", now, "read:films swapi:admin");
  std::string admin = test::mint(test::rsa_key(), claims);

  CHECK_FALSE(check_admin_access({"127.0.0.1", 1, "Bearer " + admin}, keys, now));
  CHECK_FALSE(check_admin_access({"::1", 1, "bearer " + admin}, keys, now));

  auto remote = check_admin_access({"192.0.2.7", 1, "Bearer " + admin}, keys, now);
  REQUIRE(remote);
  CHECK(remote->status == 403);
  CHECK(remote->reason == "scenario control answers loopback clients only; this request came from 192.0.2.7");
  CHECK_FALSE(remote->challenge);

  auto none = check_admin_access({"127.0.0.1", 0, ""}, keys, now);
  REQUIRE(none);
  CHECK(none->status == 401);
  REQUIRE(none->challenge);
  CHECK(none->challenge->kind == Challenge::Kind::no_token);

  auto scope = check_admin_access({"127.0.0.1", 1, "Bearer " + test::mint(test::rsa_key(), test::good_claims("i", now))}, keys, now);
  REQUIRE(scope);
  CHECK(scope->status == 403);
  CHECK(scope->challenge->scope == "swapi:admin");

  auto foreign = check_admin_access({"127.0.0.1", 1, "Bearer " + test::mint(test::other_rsa_key(), claims, {{"kid", test::rsa_key().kid}})}, keys, now);
  REQUIRE(foreign);
  CHECK(foreign->status == 401);
  CHECK(foreign->challenge->code == "bad_signature");

  auto expired = check_admin_access({"127.0.0.1", 1, "Bearer " + admin}, keys, now + 3600);
  REQUIRE(expired);
  CHECK(expired->challenge->code == "expired");

  auto two = check_admin_access({"127.0.0.1", 2, "Bearer " + admin}, keys, now);
  REQUIRE(two);
  CHECK(two->status == 400);
}
