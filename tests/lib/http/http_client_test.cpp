// The libcurl client layer (http/) against an in-process cpp-httplib server on an ephemeral
// port: status and headers, typed errors, body cap, timeouts, redirects not followed, schemes
// refused; plus the URL and Cache-Control helpers the JWKS source relies on.
#include <doctest/doctest.h>

#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "http/cache_control.h"
#include "http/client.h"
#include "http/url.h"
#include "tests/support/recording_proxy.h"

using namespace std::chrono_literals;
using swapi::http::Errc;

namespace {

// A cpp-httplib server on a free port, stopped and joined when the scope ends.
class LocalServer {
 public:
  LocalServer() {
    port_ = server.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server.listen_after_bind(); });
    // bind_to_any_port already listens, so a connection made now would queue; waiting for
    // is_running() also makes stop() in the destructor safe.
    while (!server.is_running()) std::this_thread::yield();
  }
  ~LocalServer() {
    server.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  httplib::Server server;

 private:
  int port_ = 0;
  std::thread thread_;
};

Errc error_code(const swapi::http::Request& request, const swapi::http::Options& options = {}) {
  try {
    swapi::http::fetch(request, options);
  } catch (const swapi::http::Error& error) {
    return error.code();
  }
  FAIL("expected an http::Error");
  return Errc::transfer_failed;
}

// GET /slow answers only once the test sets `release`: it waits for the test to finish with it
// (bounded, so a broken test cannot hang the run).
void answer_slowly(LocalServer& local, std::atomic<bool>& release) {
  local.server.Get("/slow", [&release](const httplib::Request&, httplib::Response& response) {
    for (int i = 0; i < 500 && !release; ++i) std::this_thread::sleep_for(10ms);
    response.set_content("late", "text/plain");
  });
}

}  // namespace

TEST_CASE("http client: GET returns status, headers and body; request headers are sent") {
  LocalServer local;
  local.server.Get("/jwks", [](const httplib::Request& request, httplib::Response& response) {
    response.set_header("Cache-Control", "max-age=60");
    response.set_content("{\"keys\":[]} for " + request.get_header_value("X-Test"), "application/json");
  });
  swapi::http::Request request;
  request.url = local.url("/jwks");
  request.headers.push_back({"X-Test", "hello"});
  auto response = swapi::http::fetch(request);
  CHECK(response.status == 200);
  CHECK(response.body == "{\"keys\":[]} for hello");
  CHECK(response.header("cache-control") == std::optional<std::string_view>("max-age=60"));
  CHECK(response.header("Content-Type") == std::optional<std::string_view>("application/json"));
  CHECK_FALSE(response.header("X-Absent"));
}

TEST_CASE("http client: an HTTP error status is a response, not an exception") {
  LocalServer local;
  local.server.Get("/down", [](const httplib::Request&, httplib::Response& response) { response.status = 503; });
  swapi::http::Request request;
  request.url = local.url("/down");
  CHECK(swapi::http::fetch(request).status == 503);
}

TEST_CASE("http client: POST sends the body and the method") {
  LocalServer local;
  local.server.Post("/echo", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content(request.method + ":" + request.body, "text/plain");
  });
  local.server.Delete("/echo", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content(request.method + ":" + request.body, "text/plain");
  });
  swapi::http::Client client;  // one handle, reused
  swapi::http::Request post{"POST", local.url("/echo"), {{"Content-Type", "text/plain"}}, "a=1"};
  CHECK(client.send(post).body == "POST:a=1");
  swapi::http::Request del{"DELETE", local.url("/echo"), {}, ""};
  CHECK(client.send(del).body == "DELETE:");
}

TEST_CASE("http client: redirects are not followed unless asked") {
  LocalServer local;
  local.server.Get("/moved", [](const httplib::Request&, httplib::Response& response) { response.set_redirect("/final"); });
  local.server.Get("/final", [](const httplib::Request&, httplib::Response& response) { response.set_content("final", "text/plain"); });
  swapi::http::Request request;
  request.url = local.url("/moved");
  CHECK(swapi::http::fetch(request).status == 302);
  swapi::http::Options follow;
  follow.follow_redirects = true;
  auto response = swapi::http::fetch(request, follow);
  CHECK(response.status == 200);
  CHECK(response.body == "final");
  CHECK(response.effective_url == local.url("/final"));
}

TEST_CASE("http client: a body over the limit is too_large") {
  LocalServer local;
  local.server.Get("/big", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(100000, 'x'), "text/plain");
  });
  swapi::http::Request request;
  request.url = local.url("/big");
  swapi::http::Options options;
  options.max_response_bytes = 1000;
  CHECK(error_code(request, options) == Errc::too_large);
}

TEST_CASE("http client: a server that does not answer in time is a timeout") {
  LocalServer local;
  std::atomic<bool> release{false};
  answer_slowly(local, release);
  swapi::http::Request request;
  request.url = local.url("/slow");
  swapi::http::Options options;
  options.total_timeout = 200ms;
  CHECK(error_code(request, options) == Errc::timeout);
  release = true;
}

TEST_CASE("http client: nothing listening is connect_failed; other schemes are refused") {
  int port = 0;
  {
    LocalServer closed;  // a port that was free a moment ago and is closed again
    port = std::stoi(closed.url("").substr(17));
  }
  swapi::http::Request request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  CHECK(error_code(request) == Errc::connect_failed);
  request.url = "file:///etc/passwd";
  CHECK(error_code(request) == Errc::unsupported_scheme);
}

// Sets the proxy variables libcurl reads for the scope of one test (the test process only).
class ProxyEnvironment {
 public:
  explicit ProxyEnvironment(const std::string& url) {
    for (const char* name : kNames) setenv(name, url.c_str(), 1);
  }
  ~ProxyEnvironment() {
    for (const char* name : kNames) unsetenv(name);
  }

 private:
  static constexpr const char* kNames[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"};
};

TEST_CASE("http client: the proxy environment variables are never used") {
  LocalServer local;
  local.server.Get("/jwks", [](const httplib::Request&, httplib::Response& response) { response.set_content("direct", "text/plain"); });
  swapi::test::RecordingProxy proxy("proxied");
  ProxyEnvironment environment(proxy.url());
  swapi::http::Request request;
  request.url = local.url("/jwks");
  CHECK(swapi::http::fetch(request).body == "direct");
  CHECK(proxy.requests().empty());
}

TEST_CASE("http client: Options::proxy is used when given, but never for a loopback host") {
  LocalServer local;
  local.server.Get("/jwks", [](const httplib::Request&, httplib::Response& response) { response.set_content("direct", "text/plain"); });
  swapi::test::RecordingProxy proxy("proxied");
  swapi::http::Options options;
  options.proxy = proxy.url();
  swapi::http::Request request;
  request.url = "http://issuer.invalid/jwks";  // resolved by the proxy, not here
  CHECK(swapi::http::fetch(request, options).body == "proxied");
  REQUIRE(proxy.requests().size() == 1);
  CHECK(proxy.requests()[0] == "GET http://issuer.invalid/jwks");

  request.url = local.url("/jwks");
  CHECK(swapi::http::fetch(request, options).body == "direct");
  CHECK(proxy.requests().size() == 1);
}

TEST_CASE("http client: Options::cancel aborts a transfer in progress") {
  LocalServer local;
  std::atomic<bool> release{false};
  answer_slowly(local, release);
  swapi::http::Request request;
  request.url = local.url("/slow");
  swapi::http::Options options;
  options.total_timeout = 10s;
  auto start = std::chrono::steady_clock::now();
  options.cancel = [&] { return std::chrono::steady_clock::now() - start > 100ms; };
  CHECK(error_code(request, options) == Errc::cancelled);
  CHECK(std::chrono::steady_clock::now() - start < 3s);  // libcurl polls at least about once a second
  release = true;
}

TEST_CASE("http url: parse_url and loopback hosts") {
  auto parts = swapi::http::parse_url("HTTPS://Tenant.example:8443/.well-known/jwks.json?x=1");
  CHECK(parts.scheme == "https");
  CHECK(parts.host == "Tenant.example");
  CHECK(parts.port == 8443);
  CHECK(parts.path == "/.well-known/jwks.json");
  CHECK(swapi::http::parse_url("http://[::1]/").host == "::1");
  CHECK(swapi::http::parse_url("https://example.com").port == 443);
  CHECK_THROWS_AS(swapi::http::parse_url("not a url"), swapi::http::Error);
  CHECK_THROWS_AS(swapi::http::parse_url("example.com/jwks"), swapi::http::Error);

  for (const char* host : {"localhost", "LOCALHOST", "api.localhost", "127.0.0.1", "127.255.0.9", "::1", "localhost."})
    CHECK(swapi::http::is_loopback_host(host));
  for (const char* host : {"localhost.example", "128.0.0.1", "10.0.0.1", "::2", "example.com", "127.0.0.1.nip.io", ""})
    CHECK_FALSE(swapi::http::is_loopback_host(host));
}

TEST_CASE("http cache-control: max-age and the directives that forbid reuse") {
  using swapi::http::cache_max_age;
  CHECK(cache_max_age("max-age=600") == 600s);
  CHECK(cache_max_age("public, Max-Age=60, must-revalidate") == 60s);
  CHECK(cache_max_age("max-age=\"30\"") == 30s);
  CHECK(cache_max_age("no-cache") == 0s);
  CHECK(cache_max_age("max-age=600, no-store") == 0s);
  CHECK_FALSE(cache_max_age("public"));
  CHECK_FALSE(cache_max_age("max-age=abc"));
  CHECK_FALSE(cache_max_age("max-age=-5"));
  CHECK_FALSE(cache_max_age(""));
  CHECK(cache_max_age("max-age=99999999999999999999") == 2147483648s);
}
