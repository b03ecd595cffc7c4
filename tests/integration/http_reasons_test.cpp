// The generic 4xx answers a new user meets, each with a reason they can act on, against the
// real binary: the token endpoint refused before its handler (no body, too large) in OAuth's
// shape, 431 for a header line past the limit (and 400 for a bad request line), 413 naming
// the limit.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/raw_http.h"
#include "tests/support/server_process.h"

using swapi::test::RawConnection;
using swapi::test::ServerProcess;

namespace {

nlohmann::json oauth_error(const swapi::test::RawResponse& response) {
  CHECK(response.header("content-type") == "application/json");
  CHECK(response.header("cache-control") == "no-store");
  return nlohmann::json::parse(response.body);
}

swapi::test::RawResponse answer(const ServerProcess& server, const std::string& request) {
  RawConnection connection(server.port());
  connection.send(request);
  auto response = connection.read_response();
  REQUIRE(response);
  return *response;
}

}  // namespace

TEST_CASE("reasons: POST /oauth/token with no body is an RFC 6749 §5.2 error, not a bare 'Bad Request'") {
  ServerProcess server;
  // curl -X POST URL: no body, no Content-Length.
  auto none = answer(server, "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(none.status == 411);
  CHECK(oauth_error(none) == nlohmann::json{{"error", "invalid_request"},
                                            {"error_description", "a POST request needs a Content-Length header (0 for no body)"}});
  // curl -d '' URL: an empty form.
  auto empty = answer(server, "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n\r\n");
  CHECK(empty.status == 400);
  CHECK(oauth_error(empty) == nlohmann::json{{"error", "invalid_request"}, {"error_description", "missing parameter 'grant_type'"}});
  // A body over the limit, and one cpp-httplib cannot parse (multipart without a boundary).
  auto large = answer(server, "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n\r\n");
  CHECK(large.status == 413);
  CHECK(oauth_error(large) == nlohmann::json{{"error", "invalid_request"},
                                             {"error_description", "the body is 2000000 bytes, over the limit of 1048576"}});
  auto multipart = server.client().Post("/oauth/token", "grant_type=client_credentials", "multipart/form-data");
  REQUIRE(multipart);
  CHECK(multipart->status == 400);
  CHECK(nlohmann::json::parse(multipart->body)["error"] == "invalid_request");
}

TEST_CASE("reasons: a 413 states the limit, in each flavor's shape") {
  ServerProcess swapi_flavor({"--no-auth"});
  std::string head = "POST /api/people HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n\r\n";
  auto swapi_answer = answer(swapi_flavor, head);
  CHECK(swapi_answer.status == 413);
  CHECK(nlohmann::json::parse(swapi_answer.body) ==
        nlohmann::json{{"detail", "the body is 2000000 bytes, over the limit of 1048576"}});
  ServerProcess loopback({"--no-auth", "--flavor", "loopback"});
  auto loopback_answer = answer(loopback, head);
  CHECK(loopback_answer.status == 413);
  CHECK(nlohmann::json::parse(loopback_answer.body)["error"]["message"] ==
        "the body is 2000000 bytes, over the limit of 1048576");
}

TEST_CASE("reasons: a 100 KB header is 431 with the limit; a malformed request line stays 400") {
  ServerProcess server;
  auto big = answer(server, "GET /api/films/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                                std::string(100 * 1024, 'a') + "\r\n\r\n");
  CHECK(big.status == 431);
  CHECK(nlohmann::json::parse(big.body)["detail"] ==
        "a request header line is longer than 8192 bytes, the limit for each header (name, value and CRLF); a bearer "
        "token may be at most 8000 bytes");
  // The same on the token endpoint, in OAuth's shape.
  auto token = answer(server, "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " +
                                  std::string(9000, 'a') + "\r\n\r\n");
  CHECK(token.status == 431);
  CHECK(oauth_error(token)["error"] == "invalid_request");
  // Not every cpp-httplib 400 is a big header.
  auto two_queries = answer(server, "GET /api/films/?a=1?b=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(two_queries.status == 400);
  auto bad_version = answer(server, "GET /api/films/ HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(bad_version.status == 400);
  CHECK(nlohmann::json::parse(bad_version.body)["detail"] == "Bad Request");
}
