// Who may use scenario control, over HTTP against the real binary: /_swapi/ does not exist
// without --admin; with it, only loopback clients with a swapi:admin token from the local
// keyset get in. And the CLI's sentences when the server is missing or has no --admin.
#include <doctest/doctest.h>

#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "server/admin/admin_access.h"
#include "tests/integration/admin_test_support.h"
#include "tests/support/local_server.h"

using namespace swapi;
using namespace swapi::test;

namespace {

// An IPv4 address of this machine that is not loopback, or "" (then the test that needs one
// says so and checks the rest).
std::string non_loopback_address() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  std::string found;
  for (ifaddrs* entry = list; entry && found.empty(); entry = entry->ifa_next) {
    if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(entry->ifa_addr)->sin_addr, text, sizeof text);
    if (!server::is_loopback_address(text)) found = text;
  }
  freeifaddrs(list);
  return found;
}

std::string detail_of(const httplib::Result& res) { return nlohmann::json::parse(res->body).value("detail", ""); }

}  // namespace

TEST_CASE("admin access: without --admin every /_swapi/ route is 404, saying how to turn it on") {
  ServerProcess server;
  for (auto path : {"/_swapi/faults", "/_swapi/stats"}) {
    auto res = server.client().Get(path, bearer(admin_token(server)));
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(detail_of(res) == "scenario control is off: start the server with `swapi serve --admin`");
  }
  // Every method, not only the ones scenario control uses.
  auto client = server.client();
  for (const char* method : {"PUT", "PATCH", "OPTIONS", "HEAD", "DELETE"}) {
    httplib::Request request;
    request.method = method;
    request.path = "/_swapi/faults/1";
    if (std::string_view(method).starts_with("P")) request.body = "{}";
    auto res = client.send(request);
    INFO(method);
    REQUIRE(res);
    CHECK(res->status == 404);
    if (!res->body.empty()) CHECK(detail_of(res) == "scenario control is off: start the server with `swapi serve --admin`");
  }
  auto result = swapi_at(server, {"fault", "jwks", "--status", "503"});
  CHECK(result.exit_code == 3);
  CHECK(result.err == "swapi: fault jwks: " + server.base_url() +
                          " has no scenario control (its /_swapi/ routes answer 404)\n"
                          "  hint: start the server with `swapi serve --admin`\n");
  CHECK(result.out.empty());
  auto stats = swapi_at(server, {"stats"});
  CHECK(stats.exit_code == 3);
  CHECK(stats.err.find("swapi: stats: " + server.base_url() + " has no scenario control") == 0);
}

TEST_CASE("admin access: no server there is a runtime error (exit 3) naming the URL") {
  int port = 0;
  {
    LocalServer closed;  // a port that was just free, now closed again
    closed.start();
    port = closed.port();
  }
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  TempDir home;
  auto result = run_swapi({"fault", "list", "--base", base}, {{"SWAPI_HOME", home.path().string()}});
  CHECK(result.exit_code == 3);
  CHECK(result.err == "swapi: fault list: cannot reach " + base + ": connection refused\n"
                      "  hint: is `swapi serve --admin` running there? --base URL or SWAPI_URL names the server\n");
  auto rotate = run_swapi({"keys", "rotate", "--now", "--base", base}, {{"SWAPI_HOME", home.path().string()}});
  CHECK(rotate.exit_code == 3);
  CHECK(rotate.err.find("swapi: keys rotate --now: cannot reach " + base) == 0);
}

// What answers at --base is not ours to trust: an answer that is not a JSON object, or one
// nested a million levels deep (printing it recursed until the stack overflowed: exit 139),
// is a runtime error in words.
TEST_CASE("admin access: a server answering 200 with deep JSON or a non-object is refused in words (exit 3)") {
  LocalServer other;
  std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  other.server().Get("/_swapi/stats", [&](const httplib::Request&, httplib::Response& response) {
    response.set_content(deep, "application/json");
  });
  other.server().Get("/_swapi/faults", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("[1, 2]", "application/json");
  });
  other.start();
  TempDir home;
  for (std::vector<std::string> args : {std::vector<std::string>{"stats", "--json"}, {"stats"}, {"fault", "list"}}) {
    args.insert(args.end(), {"--base", other.base_url()});
    auto result = run_swapi(args, {{"SWAPI_HOME", home.path().string()}});
    INFO(args[0] << " " << args[1]);
    CHECK(result.exit_code == 3);
    CHECK(result.out.empty());
    CHECK(result.err == "swapi: " + std::string(args[0] == "stats" ? "stats" : "fault list") + ": " + other.base_url() +
                            " answered 200 with a body that is not a JSON object\n"
                            "  hint: is that URL a swapi serve?\n");
  }
}

// The issuer signs with the keyset an admin token is checked against, so a token it hands out
// must never carry swapi:admin: else a --client allowed that scope, or extra claims adding it,
// would make anyone holding a client secret an operator of scenario control.
TEST_CASE("admin access: POST /oauth/token never issues swapi:admin, whatever the client or the extra claims") {
  ServerProcess server({"--admin", "--client", "ops:ops-secret:read:films,swapi:admin"});
  auto token_for = [&](const std::string& form) {
    return server.client().Post("/oauth/token", "grant_type=client_credentials&client_id=ops&client_secret=ops-secret" + form,
                                "application/x-www-form-urlencoded");
  };
  const std::string reserved = "scope 'swapi:admin' is reserved for scenario control: the token endpoint never issues "
                               "it (swapi fault and swapi stats mint their own)";
  for (const char* form : {"", "&scope=swapi:admin"}) {
    auto res = token_for(form);
    REQUIRE(res);
    INFO(form << ": " << res->body);
    CHECK(res->status == 400);
    CHECK(nlohmann::json::parse(res->body) == nlohmann::json{{"error", "invalid_scope"}, {"error_description", reserved}});
  }
  auto films = token_for("&scope=read:films");
  REQUIRE(films);
  REQUIRE(films->status == 200);

  // Extra claims that would grant it are refused when asked for, in scope, scp or permissions.
  for (const auto& claims : {nlohmann::json{{"scope", "read:films swapi:admin"}}, nlohmann::json{{"scp", {"swapi:admin"}}},
                             nlohmann::json{{"permissions", {"swapi:admin"}}}}) {
    auto res = admin_call(server, "POST", "/_swapi/actions/claims", {{"claims", claims}, {"count", 5}});
    REQUIRE(res);
    INFO(claims.dump());
    CHECK(res->status == 400);
    CHECK(nlohmann::json::parse(res->body)["detail"] ==
          "extra claims cannot grant swapi:admin: scenario control's scope is never in an issued token");
  }
  CHECK(admin_json(server, "GET", "/_swapi/faults")["extra_claims"].is_null());
  auto after = token_for("&scope=read:films");
  REQUIRE(after);
  REQUIRE(after->status == 200);
  auto access = nlohmann::json::parse(after->body)["access_token"].get<std::string>();
  auto refused = server.client().Get("/_swapi/faults", bearer(access));
  REQUIRE(refused);
  CHECK(refused->status == 403);
}

TEST_CASE("admin access: no token 401, wrong scope 403, a foreign key 401, the right token 200") {
  ServerProcess server({"--admin"});
  auto client = server.client();

  auto none = client.Get("/_swapi/faults");
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(none->get_header_value("WWW-Authenticate") == "Bearer realm=\"swapi\"");

  auto api_token = issued_token(server, "read:films");  // a good token, for the API only
  auto scope = client.Get("/_swapi/faults", bearer(api_token));
  REQUIRE(scope);
  CHECK(scope->status == 403);
  CHECK(scope->get_header_value("WWW-Authenticate").find("error=\"insufficient_scope\"") != std::string::npos);
  CHECK(scope->get_header_value("WWW-Authenticate").find("scope=\"swapi:admin\"") != std::string::npos);

  // swapi:admin, but signed by a key outside the server's keyset.
  auto claims = good_claims(server.base_url() + "/", unix_now(), "swapi:admin");
  auto foreign = client.Get("/_swapi/faults", bearer(mint(rsa_key(), claims)));
  REQUIRE(foreign);
  CHECK(foreign->status == 401);
  CHECK(foreign->get_header_value("WWW-Authenticate").find("error=\"invalid_token\"") != std::string::npos);

  auto good = admin_call(server, "GET", "/_swapi/faults");
  REQUIRE(good);
  CHECK(good->status == 200);
  CHECK(nlohmann::json::parse(good->body) ==
        nlohmann::json{{"faults", nlohmann::json::array()}, {"skew", 0}, {"extra_claims", nullptr}});
  CHECK(good->get_header_value("Cache-Control") == "no-store");
  CHECK(log_has(server, "swapi serve: admin: refused GET /_swapi/faults from 127.0.0.1: no_token: "));
}

TEST_CASE("admin access: another loopback address (127.0.0.2) is loopback; a non-loopback client is refused") {
  // Serve on 127.0.0.2 when the kernel lets us (Linux routes all of 127/8 to lo): the peer
  // address is then 127.0.0.2, still loopback, and admitted.
  {
    ServerProcess server({"--admin", "--host", "127.0.0.2"});
    REQUIRE(server.base_url() == "http://127.0.0.2:" + std::to_string(server.port()));
    httplib::Client client("127.0.0.2", server.port());
    auto res = client.Get("/_swapi/stats", bearer(admin_token(server)));
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  // A client whose address is not loopback: serve on this machine's own non-loopback address
  // and connect to it, so the kernel gives the connection that address as its source. The
  // token is right; the address alone refuses it.
  std::string address = non_loopback_address();
  if (address.empty()) {
    MESSAGE("no non-loopback IPv4 address on this machine: the remote-client case is covered by the unit test only");
    return;
  }
  ServerProcess server({"--admin", "--host", address});
  httplib::Client client(address, server.port());
  auto res = client.Get("/_swapi/faults", bearer(admin_token(server)));
  REQUIRE(res);
  CHECK(res->status == 403);
  CHECK(detail_of(res) == "scenario control answers loopback clients only; this request came from " + address);
  CHECK(log_has(server, "swapi serve: --admin: scenario control answers loopback clients only, whatever --host says"));
}

TEST_CASE("admin access: with --jwks-file (no local issuer) the api and clock faults and stats work; issuer faults are refused") {
  TempDir dir;
  std::string jwks = dir.file("trusted.json");
  write_file(jwks, jwks_text({rsa_key()}));
  ServerProcess server({"--admin", "--jwks-file", jwks});
  // Admin tokens are still checked against the state dir's keyset, created at start.
  auto jwks_fault = swapi_at(server, {"fault", "jwks", "--status", "503"});
  CHECK(jwks_fault.exit_code == 3);
  CHECK(jwks_fault.err == "swapi: fault jwks: " + server.base_url() + " answered 409: this server runs no local issuer "
                          "(--jwks-uri or --jwks-file): its jwks route has nothing to fault\n");
  auto api_fault = swapi_at(server, {"fault", "api", "--status", "500", "--count", "1"});
  INFO(api_fault.err);
  REQUIRE(api_fault.exit_code == 0);
  CHECK(server.client().Get("/api/films/1/")->status == 500);
  CHECK(server.client().Get("/api/films/1/")->status == 401);
  auto stats = cli_stats(server);
  CHECK(stats["auth"] == nlohmann::json{{"no_token", 1}});
  CHECK(stats["statuses"] == nlohmann::json{{"401", 1}, {"500", 1}});

  // `swapi keys rotate` on the state dir: the CLI now signs with the new key, and the server
  // follows the keyset as it does with a local issuer (it held a copy from its start: every
  // admin request was refused, 'unknown_kid', until a restart).
  auto rotated = run_swapi({"keys", "rotate"}, {{"SWAPI_HOME", server.home()}});
  REQUIRE(rotated.exit_code == 0);
  auto after = swapi_at(server, {"fault", "list"});
  CHECK(after.err.empty());
  CHECK(after.exit_code == 0);
  CHECK(after.out == "no faults\n");
}
