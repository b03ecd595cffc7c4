// --cors values and the CORS decisions on in-memory requests: which origins are accepted at
// start-up, and which headers each kind of request gets (the HTTP-level tests are in
// tests/integration/serve_cors_test.cpp).
#include <doctest/doctest.h>

#include <httplib.h>

#include "base/diagnostic.h"
#include "server/web/cors.h"

using swapi::base::Diagnostic;
using swapi::server::CorsPolicy;
using swapi::server::normalize_origin;

namespace {

std::string refusal(const std::string& origin) {
  try {
    normalize_origin(origin);
  } catch (const Diagnostic& e) {
    CHECK(e.what_failed == "--cors");
    return e.why + " | " + e.hint;
  }
  return "accepted";
}

httplib::Request request(std::string method, std::string path, httplib::Headers headers) {
  httplib::Request request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.headers = std::move(headers);
  return request;
}

struct Answer {
  bool answered = false;
  httplib::Response response;
};

Answer preflight(const CorsPolicy& policy, httplib::Headers headers) {
  Answer answer;
  auto req = request("OPTIONS", "/api/films/1/", std::move(headers));
  answer.answered = policy.answer_preflight(req, answer.response, [](httplib::Response& r, int status, std::string_view why) {
    r.status = status;
    r.body = std::string(why);
  });
  return answer;
}

}  // namespace

TEST_CASE("cors: origins are normalized as browsers send them") {
  CHECK(normalize_origin("http://localhost:3000") == "http://localhost:3000");
  CHECK(normalize_origin("HTTP://LocalHost:3000") == "http://localhost:3000");
  CHECK(normalize_origin("http://localhost:80") == "http://localhost");
  CHECK(normalize_origin("https://app.example:443") == "https://app.example");
  CHECK(normalize_origin("https://app.example:8443") == "https://app.example:8443");
  CHECK(normalize_origin("http://127.0.0.1:5173") == "http://127.0.0.1:5173");
  CHECK(normalize_origin("http://[::1]:5173") == "http://[::1]:5173");
  CHECK(normalize_origin("*") == "*");
}

TEST_CASE("cors: what is not an origin is refused with the reason and a hint") {
  CHECK(refusal("http://localhost:3000/") ==
        "'http://localhost:3000/' has a path, query or fragment: an origin is only scheme, host and port | "
        "use --cors http://localhost:3000");
  CHECK(refusal("http://localhost:3000/app?x=1").starts_with("'http://localhost:3000/app?x=1' has a path"));
  CHECK(refusal("localhost:3000").starts_with("'localhost:3000' is not an http or https origin"));
  CHECK(refusal("file://").starts_with("'file://' is not an http or https origin"));
  CHECK(refusal("null").starts_with("'null' is the origin every sandboxed frame and file: page shares"));
  CHECK(refusal("http://user@localhost").starts_with("'http://user@localhost' has user information"));
  CHECK(refusal("http://localhost:0").starts_with("'http://localhost:0' has a port that is not 1..65535"));
  CHECK(refusal("http://localhost:99999").starts_with("'http://localhost:99999' has a port"));
  CHECK(refusal("http://localhost:").starts_with("'http://localhost:' has a port"));
  CHECK(refusal("http://").starts_with("'http://' has no valid host"));
  CHECK(refusal("http://a b").starts_with("'http://a b' has no valid host"));
  CHECK(refusal("http://[]").starts_with("'http://[]' has no valid host"));
  CHECK(refusal("http://[]:3000").starts_with("'http://[]:3000' has no valid host"));
}

TEST_CASE("cors: '*' goes alone") {
  CHECK_THROWS_AS(CorsPolicy({"*", "http://localhost:3000"}), Diagnostic);
  CHECK(CorsPolicy({"*"}).enabled());
  CHECK_FALSE(CorsPolicy().enabled());
}

TEST_CASE("cors: a preflight is OPTIONS with Origin and Access-Control-Request-Method") {
  CorsPolicy policy({"http://localhost:3000"});
  CHECK_FALSE(preflight(policy, {{"Origin", "http://localhost:3000"}}).answered);
  CHECK_FALSE(preflight(policy, {{"Access-Control-Request-Method", "GET"}}).answered);
  auto req = request("GET", "/api/films/1/", {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "GET"}});
  CHECK_FALSE(CorsPolicy::is_preflight(req));
}

TEST_CASE("cors: an allowed preflight gets 204 with what may be sent") {
  CorsPolicy policy({"http://localhost:3000"});
  auto answer = preflight(policy, {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "PATCH"},
                                   {"Access-Control-Request-Headers", "authorization, Content-Type"}});
  REQUIRE(answer.answered);
  CHECK(answer.response.status == 204);
  CHECK(answer.response.get_header_value("Access-Control-Allow-Origin") == "http://localhost:3000");
  CHECK(answer.response.get_header_value("Access-Control-Allow-Methods") == "GET, HEAD, POST, PUT, PATCH, DELETE");
  CHECK(answer.response.get_header_value("Access-Control-Allow-Headers") == "Authorization, Content-Type");
  CHECK(answer.response.get_header_value("Access-Control-Max-Age") == "600");
  CHECK(answer.response.get_header_value("Vary") == "Origin");
  CHECK_FALSE(answer.response.has_header("Access-Control-Allow-Credentials"));
}

TEST_CASE("cors: a refused preflight is 403 with the reason and no CORS header") {
  CorsPolicy policy({"http://localhost:3000"});
  auto other = preflight(policy, {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  CHECK(other.response.status == 403);
  CHECK(other.response.body == "origin http://evil.example may not call this server: it is not one of its --cors origins");
  CHECK_FALSE(other.response.has_header("Access-Control-Allow-Origin"));
  auto method = preflight(policy, {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "TRACE"}});
  CHECK(method.response.body == "method TRACE is not served here; allowed: GET, HEAD, POST, PUT, PATCH, DELETE");
  auto header = preflight(policy, {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "GET"},
                                   {"Access-Control-Request-Headers", "authorization,x-api-key"}});
  CHECK(header.response.body == "request header x-api-key is not allowed; allowed: Authorization, Content-Type");
  CHECK_FALSE(header.response.has_header("Access-Control-Allow-Origin"));
  auto off = preflight(CorsPolicy(), {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "GET"}});
  CHECK(off.response.status == 403);
  CHECK(off.response.body == "cross-origin requests are off: start swapi serve with --cors http://localhost:3000");
  CHECK_FALSE(off.response.has_header("Vary"));
}

TEST_CASE("cors: answers to an allowed origin expose WWW-Authenticate - others get only Vary") {
  CorsPolicy policy({"http://localhost:3000"});
  httplib::Response allowed;
  allowed.status = 401;
  policy.decorate(request("GET", "/api/films/1/", {{"Origin", "http://localhost:3000"}}), allowed);
  CHECK(allowed.get_header_value("Access-Control-Allow-Origin") == "http://localhost:3000");
  CHECK(allowed.get_header_value("Access-Control-Expose-Headers") == "WWW-Authenticate");
  CHECK(allowed.get_header_value("Vary") == "Origin");

  httplib::Response other;
  policy.decorate(request("GET", "/api/films/1/", {{"Origin", "http://localhost:3001"}}), other);
  CHECK_FALSE(other.has_header("Access-Control-Allow-Origin"));
  CHECK(other.get_header_value("Vary") == "Origin");

  httplib::Response vary_accept;
  vary_accept.set_header("Vary", "Accept");
  policy.decorate(request("GET", "/", {}), vary_accept);
  CHECK(vary_accept.get_header_value("Vary") == "Accept, Origin");

  httplib::Response page;
  policy.decorate(request("GET", "/explorer/", {{"Origin", "http://localhost:3000"}}), page);
  CHECK(page.headers.empty());

  httplib::Response any;
  CorsPolicy({"*"}).decorate(request("GET", "/api/films/1/", {{"Origin", "http://whoever.example"}}), any);
  CHECK(any.get_header_value("Access-Control-Allow-Origin") == "*");

  httplib::Response off;
  CorsPolicy().decorate(request("GET", "/api/films/1/", {{"Origin", "http://localhost:3000"}}), off);
  CHECK(off.headers.empty());
}

TEST_CASE("cors: the front's own answers get the headers from the raw head that arrived") {
  CorsPolicy policy({"http://localhost:3000"});
  const std::string allowed =
      "Access-Control-Allow-Origin: http://localhost:3000\r\nAccess-Control-Expose-Headers: WWW-Authenticate\r\n"
      "Vary: Origin\r\n";
  CHECK(policy.headers_for_raw_head("GET /api/films/1/ HTTP/1.1\r\nHost: x\r\norigin:  http://localhost:3000 \r\n") ==
        allowed);
  CHECK(policy.headers_for_raw_head("POST /oauth/token?x=1 HTTP/1.1\r\nOrigin: http://localhost:3000\r\n\r\n{") == allowed);
  // A line cut short is not read: it might have gone on ("...:30001").
  CHECK(policy.headers_for_raw_head("GET / HTTP/1.1\r\nOrigin: http://localhost:3000") == "Vary: Origin\r\n");
  CHECK(policy.headers_for_raw_head("GET / HTTP/1.1\r\nOrigin: http://localhost:3001\r\n") == "Vary: Origin\r\n");
  CHECK(policy.headers_for_raw_head("GET /explorer/ HTTP/1.1\r\nOrigin: http://localhost:3000\r\n").empty());
  CHECK(policy.headers_for_raw_head("").find("Access-Control") == std::string::npos);
  CHECK(policy.headers_for_raw_head("GET").find("Access-Control") == std::string::npos);
  // Only the head: an Origin line after the blank line is body.
  CHECK(policy.headers_for_raw_head("GET / HTTP/1.1\r\n\r\nOrigin: http://localhost:3000\r\n") == "Vary: Origin\r\n");
  CHECK(CorsPolicy().headers_for_raw_head("GET / HTTP/1.1\r\nOrigin: http://localhost:3000\r\n").empty());
}
