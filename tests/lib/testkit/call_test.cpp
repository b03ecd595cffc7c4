// `swapi call`'s logic without the command line: URLs, header lines, POINTER=JSON, the
// one-line mismatch messages and the output shapes.
#include <doctest/doctest.h>

#include "testkit/call.h"
#include "testkit/input_error.h"

using namespace swapi::testkit;
using json = nlohmann::json;

namespace {

swapi::http::Response films_answer() {
  swapi::http::Response response;
  response.status = 200;
  response.status_line = "HTTP/1.1 200 OK";
  response.headers = {{"Content-Type", "application/json"}, {"X-Two", "a"}, {"x-two", "b"}};
  response.body = R"({"count":6,"results":[{"name":"Luke Skywalker","height":"172"}],"a=b":1})";
  return response;
}

swapi::http::Response refused(const std::string& challenge) {
  swapi::http::Response response;
  response.status = 401;
  response.headers = {{"WWW-Authenticate", challenge}, {"Content-Type", "application/json"}};
  response.body = R"({"detail":"no"})";
  return response;
}

// The InputError's what + why, as the CLI prints them.
std::string input_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& e) {
    return e.what_failed + ": " + e.why;
  }
  return "no error";
}

}  // namespace

TEST_CASE("resolve_url: paths against the base, URLs as given") {
  CHECK(resolve_url("/api/films/", "http://127.0.0.1:8080") == "http://127.0.0.1:8080/api/films/");
  CHECK(resolve_url("api/films", "http://127.0.0.1:8080/") == "http://127.0.0.1:8080/api/films");
  CHECK(resolve_url("/api", "http://h/v1/") == "http://h/v1/api");
  CHECK(resolve_url("https://other.test/x?y=1", "http://127.0.0.1:8080") == "https://other.test/x?y=1");
  CHECK(input_error([] { resolve_url("/api", "not a url"); }) == "call not a url/api: not a valid URL");
  CHECK(input_error([] { resolve_url("ftp://h/x", ""); }) == "call ftp://h/x: only http and https URLs are supported");
}

TEST_CASE("parse_header_line: 'Name: value', trimmed; refuses what is not a header") {
  auto header = parse_header_line("X-Test:  yes ", "-H");
  CHECK(header.name == "X-Test");
  CHECK(header.value == "yes");
  CHECK(parse_header_line("X-Empty:", "-H").value.empty());
  CHECK(input_error([] { parse_header_line("no colon", "-H"); }) == "-H 'no colon': not a header line");
  CHECK(input_error([] { parse_header_line(": v", "-H"); }) == "-H ': v': not a header line");
  CHECK(input_error([] { parse_header_line("Bad Name: v", "--expect-header"); }) ==
        "--expect-header 'Bad Name: v': not a header line");
  CHECK(input_error([] { parse_header_line("Authorization Bearer eyJ.secret.sig", "-H"); }) ==
        "-H 'Authorization ...': not a header line");
}

TEST_CASE("parse_json_expectation: POINTER=JSON") {
  auto count = parse_json_expectation("/count=6");
  CHECK(count.pointer == "/count");
  CHECK(count.value == 6);
  auto name = parse_json_expectation(R"(/results/0/name="Luke Skywalker")");
  CHECK(name.pointer == "/results/0/name");
  CHECK(name.value == "Luke Skywalker");
  auto with_equals = parse_json_expectation("/a=b=1");  // the pointer holds '='
  CHECK(with_equals.pointer == "/a=b");
  CHECK(with_equals.value == 1);
  CHECK(parse_json_expectation("=null").pointer.empty());  // the whole document
  CHECK(parse_json_expectation(R"(/results={"a":[1]})").value == json{{"a", {1}}});
}

TEST_CASE("parse_json_expectation: each mistake named") {
  CHECK(input_error([] { parse_json_expectation("count=6"); }) ==
        "--expect-json 'count=6': the pointer must start with '/' (RFC 6901)");
  CHECK(input_error([] { parse_json_expectation("/count"); }) ==
        "--expect-json '/count': no '=' between the pointer and the value");
  CHECK(input_error([] { parse_json_expectation("/name=Luke"); }) ==
        "--expect-json '/name=Luke': the value after '=' is not JSON");
  CHECK(input_error([] { parse_json_expectation("/a~2=1"); }) ==
        "--expect-json '/a~2=1': '/a~2' is not a JSON pointer (RFC 6901: '~' must be '~0' or '~1')");
}

TEST_CASE("unmet_expectations: nothing when all hold") {
  Expectations expectations;
  expectations.status = 200;
  expectations.json = {parse_json_expectation("/count=6"), parse_json_expectation(R"(/results/0/name="Luke Skywalker")"),
                       parse_json_expectation("/a=b=1"), parse_json_expectation("/count=6.0")};
  expectations.headers = {{"content-type", "application/json"}, {"X-Two", "b"}};
  CHECK(unmet_expectations(expectations, films_answer()).empty());
}

TEST_CASE("unmet_expectations: one line each, expected then got") {
  Expectations expectations;
  expectations.status = 201;
  expectations.json = {parse_json_expectation("/count=7"), parse_json_expectation("/results/3/name=\"x\""),
                       parse_json_expectation("/results/0=1")};
  expectations.headers = {{"Content-Type", "text/html"}, {"X-Missing", "1"}, {"X-Two", "c"}};
  auto unmet = unmet_expectations(expectations, films_answer());
  REQUIRE(unmet.size() == 7);
  CHECK(unmet[0] == "expected 201, got 200");
  CHECK(unmet[1] == "expected /count=7, got 6");
  CHECK(unmet[2] == "expected /results/3/name=\"x\", got nothing at /results/3/name");
  CHECK(unmet[3] == "expected /results/0=1, got {\"height\":\"172\",\"name\":\"Luke Skywalker\"}");
  CHECK(unmet[4] == "expected header Content-Type: text/html, got application/json");
  CHECK(unmet[5] == "expected header X-Missing: 1, got no X-Missing header");
  CHECK(unmet[6] == "expected header X-Two: c, got a and b");
}

TEST_CASE("unmet_expectations: an array index past any size is nothing there, not an error") {
  Expectations expectations;
  expectations.json = {parse_json_expectation("/results/99999999999999999999=1"),
                       parse_json_expectation("/results/-=1"), parse_json_expectation("/count/0=1")};
  auto unmet = unmet_expectations(expectations, films_answer());
  CHECK(unmet == std::vector<std::string>{
                     "expected /results/99999999999999999999=1, got nothing at /results/99999999999999999999",
                     "expected /results/-=1, got nothing at /results/-",
                     "expected /count/0=1, got nothing at /count/0"});
}

TEST_CASE("unmet_expectations: the status line carries the server's reason") {
  Expectations expectations;
  expectations.status = 200;
  auto unmet = unmet_expectations(
      expectations, refused(R"(Bearer realm="swapi", error="invalid_token", error_description="expired: token expired 2 h ago")"));
  CHECK(unmet == std::vector<std::string>{"expected 200, got 401 (invalid_token: expired: token expired 2 h ago)"});
  CHECK(unmet_expectations(expectations, refused(R"(Bearer realm="swapi")")) ==
        std::vector<std::string>{"expected 200, got 401 (no)"});
  Expectations body;
  body.json = {parse_json_expectation("/count=6")};
  swapi::http::Response html;
  html.status = 200;
  html.body = "<html>";
  CHECK(unmet_expectations(body, html) == std::vector<std::string>{"expected /count=6, got a body that is not JSON"});
}

TEST_CASE("outcome_json: status, headers as curl's header_json, body as JSON, time") {
  CallOutcome outcome;
  outcome.response = films_answer();
  outcome.seconds = 0.25;
  json shown = outcome_json(outcome);
  CHECK(shown["status"] == 200);
  CHECK(shown["headers"]["content-type"] == json::array({"application/json"}));
  CHECK(shown["headers"]["x-two"] == json::array({"a", "b"}));
  CHECK(shown["body"]["count"] == 6);
  CHECK(shown["time"] == 0.25);
  CHECK(shown.size() == 4);
  outcome.response.headers = {{"Content-Type", "text/plain"}};
  outcome.response.body = "{\"not\":\"parsed\"}";
  CHECK(outcome_json(outcome)["body"] == "{\"not\":\"parsed\"}");
}

TEST_CASE("head_text and body_text") {
  auto response = films_answer();
  CHECK(head_text(response) == "HTTP/1.1 200 OK\nContent-Type: application/json\nX-Two: a\nx-two: b\n\n");
  CHECK(body_text(response, false) == response.body);
  CHECK(body_text(response, true).starts_with("{\n  \"a=b\": 1,\n  \"count\": 6,"));
  response.body = "plain";
  CHECK(body_text(response, true) == "plain");
}

TEST_CASE("build_request: method from the body, Content-Type guessed only when not given") {
  CallSpec spec;
  spec.url = "http://h/api/films";
  CHECK(build_request(spec).method == "GET");
  spec.body = R"({"name":"x"})";
  auto post = build_request(spec);
  CHECK(post.method == "POST");
  REQUIRE(post.headers.size() == 1);
  CHECK(post.headers[0].value == "application/json");
  spec.body = "a=1";
  CHECK(build_request(spec).headers[0].value == "application/x-www-form-urlencoded");
  spec.headers = {{"content-type", "text/plain"}};
  spec.method = "PUT";
  auto put = build_request(spec);
  CHECK(put.method == "PUT");
  CHECK(put.headers.size() == 1);
  spec.credentials = {Credentials::Placement::header, "Bearer", "t"};
  CHECK(build_request(spec).headers.back().value == "Bearer t");
}
