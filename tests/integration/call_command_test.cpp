// `swapi call` as a user runs it, against the real `swapi serve`: the happy path, every exit
// code, and the exact stderr lines of the common failures (golden).
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>

#include <nlohmann/json.hpp>

#include "tests/server/auth/auth_test_tokens.h"
#include "tests/support/local_server.h"
#include "tests/support/server_process.h"

using namespace swapi;
using namespace swapi::test;
using json = nlohmann::json;

namespace {

// A token for the server's own keyset and issuer, with `scope`.
std::string token_for(const ServerProcess& server, const std::string& scope = "read:films", std::int64_t exp_offset = 600) {
  auto load = jose::parse_jwks(read_file(server.home() + "/keys.json"));
  REQUIRE(load.keys.size() == 1);
  auto claims = good_claims(server.base_url() + "/", unix_now(), scope);
  claims["exp"] = unix_now() + exp_offset;
  return mint(load.keys.front(), claims);
}

// A loopback port nothing listens on (bound once, then released).
std::string closed_url(const std::string& path) {
  LocalServer gone;
  gone.start();
  return gone.url(path);
}

}  // namespace

TEST_CASE("call: with a token, 200 and the body on stdout; assertions hold, exit 0") {
  ServerProcess server;
  auto r = run_swapi({"call", "/api/films/", "--base", server.base_url(), "--token", token_for(server), "--expect", "200",
                      "--expect-json", "/count=6", "--expect-json", "/results/0/title=\"A New Hope\"",
                      "--expect-header", "Content-Type: application/json"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(json::parse(r.out)["count"] == 6);  // not a terminal: the body as sent
}

TEST_CASE("call: a path resolves against SWAPI_URL; METHOD is optional and case-insensitive") {
  ServerProcess server({"--no-auth"});
  auto r = run_swapi({"call", "get", "/api/people/1/", "--expect-json", "/name=\"Luke Skywalker\""},
                     {{"SWAPI_URL", server.base_url()}});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  auto full = run_swapi({"call", server.base_url() + "/healthz", "--expect", "200"}, {{"SWAPI_URL", "http://127.0.0.1:1"}});
  CHECK(full.exit_code == 0);
  CHECK(full.out == R"({"status":"ok"})");
}

TEST_CASE("call: without a token, expecting 200 fails with the server's reason, exit 1 (golden)") {
  ServerProcess server;
  auto r = run_swapi({"call", "/api/films/", "--base", server.base_url(), "--expect", "200"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "swapi: call " + server.base_url() +
                     "/api/films/: expected 200, got 401 (Authentication credentials were not provided.)\n");
  CHECK(json::parse(r.out)["detail"] == "Authentication credentials were not provided.");  // body still printed
}

TEST_CASE("call: an expired token names the rule after the status (golden)") {
  ServerProcess server;
  auto r = run_swapi({"call", "/api/films/", "--base", server.base_url(), "--token", token_for(server, "read:films", -3600),
                      "--expect", "200"});
  CHECK(r.exit_code == 1);
  std::string head = "swapi: call " + server.base_url() + "/api/films/: expected 200, got 401 (invalid_token: expired: ";
  CHECK(r.err.substr(0, head.size()) == head);
  CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
}

TEST_CASE("call: a missing scope is 403 and says which scope") {
  ServerProcess server;
  auto r = run_swapi({"call", "/api/people/", "--base", server.base_url(), "--token", token_for(server, "read:films"),
                      "--expect", "403", "--expect-json", "/error=\"insufficient_scope\"", "--expect-json", "/scope=\"read:people\""});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}

TEST_CASE("call: JSON and header expectations, one line each (golden)") {
  ServerProcess server({"--no-auth"});
  auto r = run_swapi({"call", "/api/films/", "--base", server.base_url(), "--expect-json", "/count=7", "--expect-json",
                      "/results/0/title=\"Attack of the Clones\"", "--expect-header", "Cache-Control: no-store"});
  CHECK(r.exit_code == 1);
  std::string at = "swapi: call " + server.base_url() + "/api/films/: ";
  CHECK(r.err == at + "expected /count=7, got 6\n" +
                     at + "expected /results/0/title=\"Attack of the Clones\", got \"A New Hope\"\n" +
                     at + "expected header Cache-Control: no-store, got no Cache-Control header\n");
}

TEST_CASE("call: bad --expect-json syntax is a usage error before anything is sent (golden)") {
  ServerProcess server({"--no-auth"});
  auto r = run_swapi({"call", "/api/films/", "--base", server.base_url(), "--expect-json", "/name=Luke"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "swapi: --expect-json '/name=Luke': the value after '=' is not JSON\n"
        "  hint: write POINTER=JSON: /count=6, /results/0/name=\"Luke Skywalker\" (strings in quotes)\n");
  CHECK(server.log().find("/api/films/") == std::string::npos);
  auto no_slash = run_swapi({"call", "/api/films/", "--base", server.base_url(), "--expect-json", "count=6"});
  CHECK(no_slash.exit_code == 2);
  CHECK(no_slash.err.rfind("swapi: --expect-json 'count=6': the pointer must start with '/' (RFC 6901)\n", 0) == 0);
}

TEST_CASE("call: other usage errors, exit 2") {
  auto header = run_swapi({"call", "/api/films/", "-H", "no colon"});
  CHECK(header.exit_code == 2);
  CHECK(header.err == "swapi: -H 'no colon': not a header line\n  hint: write it as 'Name: value', e.g. -H 'Accept: application/json'\n");
  auto method = run_swapi({"call", "GE T", "/api/"});
  CHECK(method.exit_code == 2);
  CHECK(method.err == "swapi: call: 'GE T' is not an HTTP method\n  hint: usage: swapi call [METHOD] PATH|URL\n");
  auto scheme = run_swapi({"call", "ftp://127.0.0.1/x"});
  CHECK(scheme.exit_code == 2);
  CHECK(scheme.err.rfind("swapi: call ftp://127.0.0.1/x: only http and https URLs are supported\n", 0) == 0);
  CHECK(run_swapi({"call"}).exit_code == 2);
  CHECK(run_swapi({"call", "/a", "--expect", "99"}).exit_code == 2);
  CHECK(run_swapi({"call", "/a", "-i", "--json"}).exit_code == 2);
  auto twice = run_swapi({"call", "/a", "--token", "t", "-H", "authorization: Bearer u"});
  CHECK(twice.exit_code == 2);
  CHECK(twice.err.rfind("swapi: call --token: an Authorization header is given with -H too\n", 0) == 0);
}

TEST_CASE("call: connection refused is exit 3 with one sentence and a hint (golden)") {
  std::string url = closed_url("/api/films");
  auto r = run_swapi({"call", url});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err == "swapi: call " + url + ": connection refused\n"
                 "  hint: nothing listens there: start 'swapi serve', or point --base or SWAPI_URL at your server\n");
}

TEST_CASE("call: a token is never printed, not even in a URL") {
  std::string url = closed_url("/api/films?access_token=secret.token.value");
  auto r = run_swapi({"call", url, "--token", "another.secret.token"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("secret") == std::string::npos);
  CHECK(r.err.find("access_token=REDACTED") != std::string::npos);
}

TEST_CASE("call: no answer within --timeout is exit 3 (golden)") {
  LocalServer slow;
  std::mutex mutex;
  std::condition_variable released;
  bool done = false;
  slow.server().Get("/slow", [&](const httplib::Request&, httplib::Response& response) {
    std::unique_lock lock(mutex);
    released.wait_for(lock, std::chrono::seconds(10), [&] { return done; });
    response.set_content("late", "text/plain");
  });
  slow.start();
  auto r = run_swapi({"call", slow.url("/slow"), "--timeout", "0.3"});
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  released.notify_all();
  CHECK(r.exit_code == 3);
  CHECK(r.err == "swapi: call " + slow.url("/slow") + ": no answer within 0.3 s\n"
                 "  hint: a slow server may need a longer --timeout\n");
}

TEST_CASE("call: a hostile server's deeply nested JSON is shown as text, not a crash") {
  // 1,000,000 '[' then as many ']': nlohmann parses that without recursion, but printing or
  // comparing the parsed value recurses once per level and overflowed the stack.
  LocalServer hostile;
  std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  hostile.server().Get("/deep", [&](const httplib::Request&, httplib::Response& response) {
    response.set_content(deep, "application/json");
  });
  hostile.start();
  auto printed = run_swapi({"call", hostile.url("/deep"), "--json"});
  REQUIRE_MESSAGE(printed.exit_code == 0, printed.err);
  CHECK(nlohmann::json::parse(printed.out)["body"] == deep);  // the text, as for a body that is not JSON
  auto expect = run_swapi({"call", hostile.url("/deep"), "--expect-json", "/0=1"});
  CHECK(expect.exit_code == 1);
  CHECK(expect.err == "swapi: call " + hostile.url("/deep") + ": expected /0=1, got a body that is not JSON\n");
}

TEST_CASE("call: a host that does not resolve is exit 3") {
  auto r = run_swapi({"call", "http://swapi-test.invalid/api/", "--timeout", "5"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.rfind("swapi: call http://swapi-test.invalid/api/: cannot resolve host 'swapi-test.invalid'\n", 0) == 0);
}

TEST_CASE("call: https with an untrusted certificate is exit 3; --cacert trusts it") {
  TempDir dir;
  write_self_signed_certificate(dir.file("cert.pem"), dir.file("key.pem"));
  ServerProcess server({"--no-auth", "--tls-cert", dir.file("cert.pem"), "--tls-key", dir.file("key.pem")});
  auto r = run_swapi({"call", server.base_url() + "/healthz"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.rfind("swapi: call " + server.base_url() + "/healthz: TLS handshake failed: ", 0) == 0);
  CHECK(r.err.find("  hint: for a server with a self-signed certificate, pass it with --cacert FILE\n") != std::string::npos);
  auto trusted = run_swapi({"call", server.base_url() + "/healthz", "--cacert", dir.file("cert.pem"), "--expect", "200"});
  CHECK(trusted.exit_code == 0);
  CHECK(trusted.err.empty());
}

TEST_CASE("call: -i prints the status line and headers; --json one object") {
  ServerProcess server({"--no-auth"});
  auto head = run_swapi({"call", "-i", "/healthz", "--base", server.base_url()});
  CHECK(head.exit_code == 0);
  CHECK(head.out.rfind("HTTP/1.1 200 OK\n", 0) == 0);
  CHECK(head.out.find("\nContent-Type: application/json\n") != std::string::npos);
  CHECK(head.out.ends_with("\n\n{\"status\":\"ok\"}"));
  auto shown = run_swapi({"call", "/api/films/1/", "--base", server.base_url(), "--json"});
  CHECK(shown.exit_code == 0);
  auto object = json::parse(shown.out);
  CHECK(object["status"] == 200);
  CHECK(object["headers"]["content-type"] == json::array({"application/json"}));
  CHECK(object["body"]["title"] == "A New Hope");
  CHECK(object["time"].is_number());
  CHECK(object.size() == 4);
}

TEST_CASE("call: -d sends a body (POST by default), @FILE and @- read it") {
  ServerProcess server({"--flavor", "loopback"});
  std::string token = token_for(server, "read:people write:people");
  auto r = run_swapi({"call", "/api/people", "--base", server.base_url(), "--token", token, "-d", R"({"name":"Rey"})",
                      "--expect", "200", "--expect-json", "/name=\"Rey\""});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  TempDir dir;
  write_file(dir.file("finn.json"), R"({"name":"Finn"})");
  auto from_file = run_swapi({"call", "POST", "/api/people", "--base", server.base_url(), "--token", token, "-d",
                              "@" + dir.file("finn.json"), "--expect-json", "/name=\"Finn\""});
  CHECK(from_file.exit_code == 0);
  auto from_stdin = run_swapi({"call", "/api/people", "--base", server.base_url(), "--token", token, "-d", "@-",
                               "--expect-json", "/name=\"Poe\""},
                              {}, R"({"name":"Poe"})");
  CHECK(from_stdin.exit_code == 0);
  auto missing = run_swapi({"call", "/api/people", "--base", server.base_url(), "-d", "@/nonexistent/body.json"});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err == "swapi: call -d @/nonexistent/body.json: cannot read the file\n  hint: give a readable file, or @- for stdin\n");
}

TEST_CASE("call: --scope mints a token the local swapi serve trusts; a missing scope is 403 (golden)") {
  ServerProcess server;
  auto env = std::map<std::string, std::string>{{"SWAPI_URL", server.base_url()}, {"SWAPI_HOME", server.home()}};
  auto ok = run_swapi({"call", "/api/films/", "--scope", "read:films", "--expect", "200", "--expect-json", "/count=6"}, env);
  CHECK(ok.exit_code == 0);
  CHECK(ok.err.empty());
  auto wrong = run_swapi({"call", "/api/people/", "--scope", "read:films", "--expect", "200"}, env);
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err == "swapi: call " + server.base_url() +
                         "/api/people/: expected 200, got 403 (insufficient_scope: the token lacks "
                         "scope read:people (from scope, scp or permissions))\n");
  auto both = run_swapi({"call", "/api/people/", "--scope", "read:films,read:people", "--expect", "200"}, env);
  CHECK(both.exit_code == 0);
}

TEST_CASE("call and check: options before the target, in curl's order, take one value each") {
  ServerProcess server;
  auto env = std::map<std::string, std::string>{{"SWAPI_URL", server.base_url()}, {"SWAPI_HOME", server.home()}};
  // Before: -H and --scope swallowed the target, "swapi: usage: target is required", exit 2.
  auto curl_order = run_swapi({"call", "--scope", "read:films", "-H", "Accept: application/json", "/api/films/",
                               "--expect", "200", "--expect-json", "/count=6"}, env);
  CHECK(curl_order.exit_code == 0);
  CHECK(curl_order.err.empty());
  auto with_equals = run_swapi({"call", "--scope=read:people", "/api/people/1/", "--expect", "200"}, env);
  CHECK(with_equals.exit_code == 0);
  // Before: --scope took the URL for a second scope and check ran against $SWAPI_URL's /api/films/.
  auto check = run_swapi({"check", "--scope", "read:people", server.base_url() + "/api/people/", "--only", "valid,missing-scope"}, env);
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("against " + server.base_url() + "/api/people/") != std::string::npos);
}

TEST_CASE("call: --defect sends a catalogue token with the route's scope, by defect or case name") {
  ServerProcess server;
  auto env = std::map<std::string, std::string>{{"SWAPI_URL", server.base_url()}, {"SWAPI_HOME", server.home()}};
  auto expired = run_swapi({"call", "/api/films/", "--defect", "expired", "--expect", "401", "--expect-json",
                            "/error=\"invalid_token\""}, env);
  CHECK(expired.exit_code == 0);
  CHECK(json::parse(expired.out)["error_description"].get<std::string>().rfind("expired: ", 0) == 0);
  auto none = run_swapi({"call", "/api/films/", "--defect", "alg-none-upper-kid", "--expect", "401"}, env);
  CHECK(none.exit_code == 0);
  CHECK(json::parse(none.out)["error_description"] == "alg_not_allowed: alg 'NONE' (an unsigned token) is never accepted");
  auto scope = run_swapi({"call", "/api/people/", "--defect", "missing-scope", "--expect", "403"}, env);
  CHECK(scope.exit_code == 0);
  auto valid = run_swapi({"call", "/api/people/", "--defect", "valid", "--expect", "200"}, env);
  CHECK(valid.exit_code == 0);
}

TEST_CASE("call: an unknown --defect is a usage error with did-you-mean (golden)") {
  auto r = run_swapi({"call", "/api/films/", "--defect", "alg-nonee"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "swapi: call --defect alg-nonee: no such defect or case\n  hint: did you mean 'alg-none'?\n");
  auto variant = run_swapi({"call", "/api/films/", "--defect", "alg-none-loud-kid"});
  CHECK(variant.exit_code == 2);
  // This one is judged once the keyset is open, so a fresh state dir first says it made one.
  CHECK(variant.err.find("swapi: call --defect alg-none-loud-kid: no such defect or case\n") != std::string::npos);
  CHECK(run_swapi({"call", "/api/films/", "--defect", "expired", "--token", "a.b.c"}).exit_code == 2);
}
