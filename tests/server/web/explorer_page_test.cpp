// The explorer's decisions on in-memory requests: who gets the default client prefilled (a
// non-loopback peer cannot be made over loopback-only test traffic, so it is built here),
// how the values are escaped, and which Accept headers are a browser's. The page over HTTP
// is tested in tests/integration/serve_explorer_test.cpp.
#include <doctest/doctest.h>

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/web/explorer.h"
#include "server/web/explorer_assets.h"

using namespace swapi::server;

namespace {

httplib::Request from(std::string peer, std::string host) {
  httplib::Request request;
  request.method = "GET";
  request.path = "/explorer/";
  request.remote_addr = std::move(peer);
  if (!host.empty()) request.headers.emplace("Host", std::move(host));
  return request;
}

ExplorerSettings client(std::string id, std::string secret) {
  return {[id, secret] { return std::optional<ClientCredentials>(ClientCredentials{id, secret}); },
          [](const httplib::Request&) { return true; }};
}

bool prefilled(const std::string& page, const std::string& secret) {
  return page.find("value=\"" + secret + "\"") != std::string::npos;
}

httplib::Request accepting(std::string accept) {
  httplib::Request request;
  request.headers.emplace("Accept", std::move(accept));
  return request;
}

}  // namespace

TEST_CASE("explorer: requests from this machine naming it are local") {
  CHECK(is_local_request(from("127.0.0.1", "127.0.0.1:8080")));
  CHECK(is_local_request(from("127.0.0.2", "localhost:8080")));
  CHECK(is_local_request(from("::1", "[::1]:8080")));
  CHECK(is_local_request(from("::ffff:127.0.0.1", "localhost")));
}

TEST_CASE("explorer: another peer or a Host that names another machine (DNS rebinding) is not local") {
  CHECK_FALSE(is_local_request(from("192.0.2.10", "127.0.0.1:8080")));
  CHECK_FALSE(is_local_request(from("::ffff:192.0.2.10", "127.0.0.1:8080")));
  CHECK_FALSE(is_local_request(from("2001:db8::1", "[::1]:8080")));
  CHECK_FALSE(is_local_request(from("127.0.0.1", "evil.example:8080")));
  CHECK_FALSE(is_local_request(from("127.0.0.1", "127.0.0.1.evil.example")));
  CHECK_FALSE(is_local_request(from("127.0.0.1", "")));
  auto two_hosts = from("127.0.0.1", "127.0.0.1:8080");
  two_hosts.headers.emplace("Host", "evil.example");
  CHECK_FALSE(is_local_request(two_hosts));
}

TEST_CASE("explorer: the default client is prefilled only for a local request") {
  auto settings = client("swapi-cli", "s3cret");
  std::string local = explorer_page(from("127.0.0.1", "127.0.0.1:8080"), settings);
  CHECK(prefilled(local, "s3cret"));
  CHECK(local.find("value=\"swapi-cli\"") != std::string::npos);

  for (auto request : {from("192.0.2.10", "127.0.0.1:8080"), from("127.0.0.1", "evil.example:8080")}) {
    std::string page = explorer_page(request, settings);
    CHECK(page.find("s3cret") == std::string::npos);
    CHECK(page.find("swapi-cli") == std::string::npos);
    CHECK(page.find("{{") == std::string::npos);
    CHECK(page.find("value=\"\"") != std::string::npos);
  }
  CHECK(explorer_page(from("127.0.0.1", "localhost"), {}).find("{{") == std::string::npos);
}

TEST_CASE("explorer: prefilled values are HTML-escaped and never expanded again") {
  auto settings = client("a\"b", "\"><script>alert(1)</script>{{client_id}}&'");
  std::string page = explorer_page(from("127.0.0.1", "localhost:8080"), settings);
  CHECK(page.find("<script>alert") == std::string::npos);
  CHECK(page.find("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;{{client_id}}&amp;&#39;\"") != std::string::npos);
  CHECK(page.find("value=\"a&quot;b\"") != std::string::npos);
}

TEST_CASE("explorer: a browser's navigation accepts text/html - curl and API clients do not") {
  CHECK(accepts_html(accepting("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")));
  CHECK(accepts_html(accepting("TEXT/HTML;q=0.5")));
  CHECK_FALSE(accepts_html(accepting("*/*")));
  CHECK_FALSE(accepts_html(accepting("application/json")));
  CHECK_FALSE(accepts_html(accepting("text/html;q=0, application/json")));
  CHECK_FALSE(accepts_html(accepting("text/htmlx")));
  CHECK_FALSE(accepts_html(httplib::Request{}));
}

TEST_CASE("explorer: the embedded files are the ones in server/web/explorer/") {
  int count = 0;
  for (const auto& file : explorer_assets()) {
    std::ifstream in(std::filesystem::path(SWAPI_SOURCE_DIR) / "server/web/explorer" / std::string(file.name));
    std::stringstream text;
    text << in.rdbuf();
    CHECK_MESSAGE(text.str() == file.body, file.name);
    CHECK(file.etag.size() == 34);
    ++count;
  }
  // Every file there, and nothing else (the page, its stylesheet, its script modules).
  auto files = std::distance(std::filesystem::directory_iterator(std::filesystem::path(SWAPI_SOURCE_DIR) / "server/web/explorer"),
                             std::filesystem::directory_iterator());
  CHECK(count == files);
  CHECK(count == 7);
}
