// GET /explorer/ over HTTP (DESIGN.md "Explorer"): the page and its two files, their types,
// security and caching headers; the redirect from / for a browser only; the default client
// prefilled for a request from this machine and never for one that names another host.
#include <doctest/doctest.h>

#include <httplib.h>

#include <sys/wait.h>
#include <unistd.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"
#include "tests/integration/explorer_support.h"
#include "tests/support/server_process.h"

using namespace swapi::test;

namespace {

const std::string kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; "
    "trusted-types 'none'";

void check_security_headers(const httplib::Response& res) {
  CHECK(res.get_header_value("Content-Security-Policy") == kCsp);
  CHECK(res.get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(res.get_header_value("X-Frame-Options") == "DENY");
  CHECK(res.get_header_value("Referrer-Policy") == "no-referrer");
  CHECK(res.get_header_value("Cross-Origin-Resource-Policy") == "same-origin");
  CHECK(res.get_header_value("Cross-Origin-Opener-Policy") == "same-origin");
}

httplib::Headers accept(const std::string& value) { return {{"Accept", value}}; }

}  // namespace

TEST_CASE("explorer: GET /explorer/ is the page public with a strict CSP and never cached") {
  ServerProcess server;
  auto res = server.client().Get("/explorer/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  check_security_headers(*res);
  CHECK(res->body.find("<title>swapi explorer</title>") != std::string::npos);
  // No inline script or style: the CSP would block them, so the page must not need them.
  CHECK(res->body.find("<script type=\"module\" src=\"explorer.js\"></script>") != std::string::npos);
  CHECK(res->body.find("<script>") == std::string::npos);
  CHECK(res->body.find("<style") == std::string::npos);
  CHECK(res->body.find(" style=") == std::string::npos);
  CHECK_FALSE(std::regex_search(res->body, std::regex(R"( on[a-z]+=)")));  // no onclick= and the like
  CHECK(res->body.find("http://") == std::string::npos);  // nothing from another host
  CHECK(res->body.find("https://") == std::string::npos);
}

TEST_CASE("explorer: its script and stylesheet have their types the CSP an ETag and 304") {
  ServerProcess server;
  auto client = server.client();
  for (auto [path, type] : {std::pair{"/explorer/explorer.js", "text/javascript; charset=utf-8"},
                            // the modules it imports, one job each
                            std::pair{"/explorer/explorer_common.js", "text/javascript; charset=utf-8"},
                            std::pair{"/explorer/explorer_routes.js", "text/javascript; charset=utf-8"},
                            std::pair{"/explorer/explorer_token.js", "text/javascript; charset=utf-8"},
                            std::pair{"/explorer/explorer_try.js", "text/javascript; charset=utf-8"},
                            std::pair{"/explorer/explorer.css", "text/css; charset=utf-8"}}) {
    CAPTURE(path);
    auto res = client.Get(path);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == type);
    CHECK(res->get_header_value("Cache-Control") == "no-cache");
    check_security_headers(*res);
    std::string etag = res->get_header_value("ETag");
    REQUIRE(etag.size() == 34);
    auto again = client.Get(path, {{"If-None-Match", etag}});
    REQUIRE(again);
    CHECK(again->status == 304);
    CHECK(again->body.empty());
    CHECK(again->get_header_value("ETag") == etag);
    CHECK_FALSE(again->has_header("Content-Length"));  // not the 200's length, and never "0"
    auto stale = client.Get(path, {{"If-None-Match", "\"0\""}});
    CHECK(stale->status == 200);
    // RFC 9110 §13.1.2: a list, weak comparison, and "*" (what a cache revalidating several
    // stored answers sends).
    for (std::string list : {"\"0\", " + etag, "W/" + etag, std::string("*")}) {
      CAPTURE(list);
      CHECK(client.Get(path, {{"If-None-Match", list}})->status == 304);
    }
    CHECK(client.Get(path, {{"If-None-Match", "\"0\", W/\"1\""}})->status == 200);
  }
  // Route patterns are regular expressions in cpp-httplib: the dot is escaped.
  CHECK(client.Get("/explorer/explorerXjs")->status == 404);
  CHECK(client.Get("/explorer/index.html")->status == 404);
}

TEST_CASE("explorer: / redirects a browser to /explorer/ - curl and API clients still get a JSON 404") {
  ServerProcess server;
  auto client = server.client();
  auto browser = client.Get("/", accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
  REQUIRE(browser);
  CHECK(browser->status == 302);
  CHECK(browser->get_header_value("Location") == "/explorer/");
  CHECK(browser->get_header_value("Vary") == "Accept");
  for (const char* other : {"*/*", "application/json", "text/html;q=0"}) {
    CAPTURE(other);
    auto res = client.Get("/", accept(other));
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    CHECK(nlohmann::json::parse(res->body) == nlohmann::json{{"detail", "Not Found"}});
  }
  auto bare = client.Get("/explorer");
  CHECK(bare->status == 301);
  CHECK(bare->get_header_value("Location") == "/explorer/");
}

TEST_CASE("explorer: the loopback flavor's / keeps its LoopBack 404 for API clients") {
  ServerProcess server({"--flavor", "loopback"});
  auto res = server.client().Get("/", accept("application/json"));
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(nlohmann::json::parse(res->body)["error"]["statusCode"] == 404);
  CHECK(server.client().Get("/explorer/")->status == 200);
}

TEST_CASE("explorer: from this machine the token form holds the default client's id and secret") {
  ServerProcess server;
  auto res = server.client().Get("/explorer/");
  REQUIRE(res);
  std::string secret = default_client_secret(server);
  CHECK(res->body.find("id=\"client-id\" name=\"client_id\" value=\"swapi-cli\"") != std::string::npos);
  CHECK(res->body.find("type=\"password\" value=\"" + secret + "\"") != std::string::npos);
}

TEST_CASE("explorer: no field that holds the secret or a token lets the browser keep or restore its value") {
  ServerProcess server;
  auto res = server.client().Get("/explorer/");
  REQUIRE(res);
  // Firefox restores form fields on reload and writes them to its session file unless told not to.
  for (std::string id : {"client-id", "client-secret", "pasted-token", "token-text"}) {
    CAPTURE(id);
    std::smatch tag;
    REQUIRE(std::regex_search(res->body, tag, std::regex("<(input|textarea) id=\"" + id + "\"[^>]*>")));
    CHECK(tag.str().find(" autocomplete=\"off\"") != std::string::npos);
  }
}

TEST_CASE("explorer: a loopback peer on 127.0.0.2 gets the prefill too (all of 127.0.0.0/8 is this machine)") {
  ServerProcess server({"--host", "127.0.0.2"});
  REQUIRE(server.base_url().starts_with("http://127.0.0.2:"));
  auto res = server.client().Get("/explorer/");
  REQUIRE(res);
  CHECK(res->body.find("value=\"" + default_client_secret(server) + "\"") != std::string::npos);
}

TEST_CASE("explorer: a request naming another host gets no secret (a DNS-rebinding page reaches us from loopback)") {
  ServerProcess server;
  std::string secret = default_client_secret(server);
  for (const char* host : {"evil.example", "evil.example:8080", "127.0.0.1.nip.example"}) {
    CAPTURE(host);
    auto res = server.client().Get("/explorer/", {{"Host", host}});
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body.find(secret) == std::string::npos);
    CHECK(res->body.find("swapi-cli") == std::string::npos);
    CHECK(res->body.find("name=\"client_secret\" type=\"password\" value=\"\"") != std::string::npos);
  }
}

TEST_CASE("explorer: another account on this machine gets no secret (its peer is loopback too)") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: only root can be another user for a moment (setuid in a child)");
    return;
  }
  ServerProcess server;
  std::string secret = default_client_secret(server);
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // nobody, asking for the page over loopback as a browser on a shared box would
    ::close(pipe_fds[0]);
    std::string page = "setuid failed";
    if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
      httplib::Client client("127.0.0.1", server.port());
      auto res = client.Get("/explorer/");
      page = res ? res->body : "no answer";
    }
    (void)!::write(pipe_fds[1], page.data(), page.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string page;
  char chunk[4096];
  for (ssize_t got; (got = ::read(pipe_fds[0], chunk, sizeof chunk)) > 0;) page.append(chunk, static_cast<std::size_t>(got));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(page.find("<title>swapi explorer</title>") != std::string::npos);
  CHECK(page.find(secret) == std::string::npos);
  CHECK(page.find("name=\"client_secret\" type=\"password\" value=\"\"") != std::string::npos);
  // The user running serve still gets it.
  CHECK(server.client().Get("/explorer/")->body.find("value=\"" + secret + "\"") != std::string::npos);
}

TEST_CASE("explorer: trusting another issuer's keys there is no client to prefill") {
  AuthServer foreign;  // --jwks-file: the local issuer is off
  auto res = foreign.get("/explorer/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("name=\"client_id\" value=\"\"") != std::string::npos);
}
