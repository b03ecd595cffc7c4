// The access log on the server's stderr, against the real binary: a request whose path
// decodes to a newline (/healthz%0A...) cannot write a second, forged line, in either format.
#include <doctest/doctest.h>

#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"
#include "tests/support/raw_http.h"

using namespace swapi::test;

namespace {

// A forged "successful authenticated request" line, percent-encoded into the path, plus an
// ANSI escape (terminal colours) and a byte that is not UTF-8.
const std::string kForgery = "/healthz%0A2026-01-01T00:00:00Z%20GET%20/api/films/1/%20200%200.01ms%20auth=ok%1B[31m%FF";

void send_forgery(const ServerProcess& server) {
  RawConnection connection(server.port());
  connection.send("GET " + kForgery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 404);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("access log over HTTP, text: a path with %0A stays on its own line, control bytes as \\xHH") {
  ServerProcess server;
  send_forgery(server);
  REQUIRE(log_contains(server, " 404 "));
  std::vector<std::string> forged_lines;
  for (const auto& line : lines_of(server.log())) {
    if (line.find("/healthz") != std::string::npos) forged_lines.push_back(line);
    CHECK_FALSE(line.starts_with("2026-01-01T00:00:00Z"));
  }
  REQUIRE(forged_lines.size() == 1);
  std::string expected =
      " GET /healthz\\x0a2026-01-01T00:00:00Z\\x20GET\\x20/api/films/1/\\x20200\\x200.01ms\\x20auth=ok\\x1b[31m\\xff 404 ";
  CHECK(forged_lines[0].substr(20, expected.size()) == expected);
}

TEST_CASE("access log over HTTP, json: every line is one JSON object; the path is the decoded one") {
  ServerProcess server({"--log-format", "json"});
  send_forgery(server);
  REQUIRE(log_contains(server, "\"status\":404"));
  std::vector<nlohmann::json> entries;
  for (const auto& line : lines_of(server.log())) entries.push_back(nlohmann::json::parse(line));  // throws if not JSON
  auto forged = std::find_if(entries.begin(), entries.end(), [](const auto& entry) { return entry.contains("path"); });
  REQUIRE(forged != entries.end());
  CHECK((*forged)["path"] ==
        "/healthz\n2026-01-01T00:00:00Z GET /api/films/1/ 200 0.01ms auth=ok\x1b[31m\xef\xbf\xbd");
  CHECK((*forged)["method"] == "GET");
  CHECK((*forged)["status"] == 404);
}
