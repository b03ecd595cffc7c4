// The access log's two formats on an in-memory stream: one line per event whatever bytes a
// request or a message carries (a path is percent-decoded by cpp-httplib, so %0A is a
// newline), and a JSON log that stays valid JSON.
#include <doctest/doctest.h>

#include <httplib.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "server/web/access_log.h"

using swapi::server::AccessLog;

namespace {

httplib::Request request(std::string method, std::string path) {
  httplib::Request request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

httplib::Response response(int status) {
  httplib::Response response;
  response.status = status;
  return response;
}

}  // namespace

TEST_CASE("access log, text: control bytes, DEL, non-ASCII, backslash and spaces in a path are \\xHH") {
  std::ostringstream out;
  AccessLog log(out, false);
  log.write(request("GET", "/healthz\n2026-01-01T00:00:00Z GET /api/films/1/ 200\r\x1b[31m\x7f\\\xff"), response(404));
  std::string line = out.str();
  CHECK(line.find('\n') == line.size() - 1);  // one line
  CHECK(line.substr(20) ==
        " GET /healthz\\x0a2026-01-01T00:00:00Z\\x20GET\\x20/api/films/1/\\x20200\\x0d\\x1b[31m\\x7f\\x5c\\xff 404 0.00ms\n");
}

TEST_CASE("access log, text: the method of a request line that failed to parse is escaped too") {
  std::ostringstream out;
  AccessLog log(out, false);
  log.write(request("G\x1b]0;x\aET", ""), response(400));
  CHECK(out.str().substr(20) == " G\\x1b]0;x\\x07ET  400 0.00ms\n");
}

TEST_CASE("access log, text: a message with outside text (a token's kid) stays one line") {
  std::ostringstream out;
  AccessLog log(out, false);
  log.message("swapi serve: unknown kid \"a\nswapi serve: keys reloaded\"");
  CHECK(out.str() == "swapi serve: unknown kid \"a\\x0aswapi serve: keys reloaded\"\n");
}

TEST_CASE("access log, JSON: every line parses, with the path and message as sent; bad UTF-8 is replaced") {
  std::ostringstream out;
  AccessLog log(out, true);
  log.write(request("GET", "/healthz\n{\"forged\":true}\x1b\xff"), response(404));
  log.message("kid \"\xc3\x28\"\nforged");  // invalid UTF-8: used to throw from dump()
  std::istringstream lines(out.str());
  std::string line;
  std::vector<nlohmann::json> entries;
  while (std::getline(lines, line)) entries.push_back(nlohmann::json::parse(line));
  REQUIRE(entries.size() == 2);
  CHECK(entries[0]["path"] == "/healthz\n{\"forged\":true}\x1b\xef\xbf\xbd");
  CHECK(entries[0]["status"] == 404);
  CHECK(entries[1]["message"] == "kid \"\xef\xbf\xbd(\"\nforged");
}
