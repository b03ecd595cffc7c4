// --jwks-uri and proxies: the trusted keys are whatever the fetch returns, so nothing in the
// environment may route that fetch. A loopback JWKS is always fetched directly; an https JWKS
// goes through a proxy only when --jwks-proxy names one. A RecordingProxy serving an
// attacker's JWKS shows who was contacted.
#include <doctest/doctest.h>

#include "tests/integration/auth_test_server.h"
#include "tests/integration/jwks_publisher.h"
#include "tests/support/recording_proxy.h"

using namespace swapi;
using namespace swapi::test;

namespace {

// Every variable libcurl (or a shell user) might expect to route the fetch, all at the proxy.
std::map<std::string, std::string> proxy_environment(const RecordingProxy& proxy) {
  std::map<std::string, std::string> env;
  for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
    env[name] = proxy.url();
  env["no_proxy"] = "";
  env["NO_PROXY"] = "";
  return env;
}

int status_with(ServerProcess& server, const std::string& token) {
  auto res = server.client().Get("/api/films/1/", bearer(token));
  return res ? res->status : -1;
}

}  // namespace

TEST_CASE("auth remote jwks proxy: a loopback JWKS is fetched directly, whatever http_proxy and friends say") {
  KeyPublisher publisher({rsa_key()});
  RecordingProxy proxy(jwks_text({other_rsa_key()}));  // the attacker's keys
  std::string forged = good_token("read:films", other_rsa_key());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    CAPTURE(host);
    int before = publisher.fetches;
    ServerProcess server({"--jwks-uri", publisher.url(host), "--issuer", kIssuer}, proxy_environment(proxy));
    CHECK(status_with(server, good_token()) == 200);
    CHECK(status_with(server, forged) == 401);  // its unknown kid refetches: directly again
    CHECK(publisher.fetches.load() == before + 2);
  }
  CHECK(proxy.requests().empty());
}

TEST_CASE("auth remote jwks proxy: --jwks-proxy routes an https JWKS through the named proxy") {
  RecordingProxy proxy("{}");
  ServerProcess server({"--jwks-uri", "https://issuer.invalid/.well-known/jwks.json", "--jwks-proxy", proxy.url(),
                        "--issuer", kIssuer});
  REQUIRE(proxy.requests().size() == 1);
  CHECK(proxy.requests()[0] == "CONNECT issuer.invalid:443");  // a tunnel: TLS to the issuer itself
  CHECK(log_contains(server, "no keys yet"));
  CHECK(output_contains(server, "keys: JWKS https://issuer.invalid/.well-known/jwks.json through proxy " + proxy.url()));
}

TEST_CASE("auth remote jwks proxy: --jwks-proxy with a loopback --jwks-uri is refused at start") {
  KeyPublisher publisher({rsa_key()});
  auto r = run_swapi({"serve", "--port", "0", "--jwks-uri", publisher.url(), "--jwks-proxy", "http://127.0.0.1:9"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("swapi: serve: --jwks-proxy: a loopback --jwks-uri is always fetched directly, never through a proxy\n") == 0);
  CHECK(r.err.find("hint: drop --jwks-proxy") != std::string::npos);
  CHECK(publisher.fetches.load() == 0);
}

TEST_CASE("auth remote jwks proxy: a --jwks-proxy that is not a proxy URL is refused at start") {
  auto r = run_swapi({"serve", "--port", "0", "--jwks-uri", "https://issuer.invalid/jwks.json", "--jwks-proxy", "ftp://proxy.example:21"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("swapi: serve: --jwks-proxy: unsupported proxy scheme 'ftp'") == 0);
}
