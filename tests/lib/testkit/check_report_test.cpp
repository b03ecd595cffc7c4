// The four shapes of a check run: the table, DESIGN.md's JSON, JUnit XML that parses, TAP 13.
#include <doctest/doctest.h>

#include <sstream>

#include "testkit/check_report.h"
#include "tests/support/xml_check.h"

using namespace swapi::testkit;
using json = nlohmann::json;

namespace {

CaseResult result(std::string name, std::string defect, std::vector<int> expected, std::optional<int> status, bool ok,
                  std::string detail) {
  CaseResult r;
  r.attack.name = std::move(name);
  r.attack.defect = std::move(defect);
  r.attack.description = "what <it> & \"is\"";
  r.attack.expected = std::move(expected);
  r.status = status;
  r.ok = ok;
  r.detail = std::move(detail);
  r.seconds = 0.0015;
  return r;
}

CheckRun sample() {
  CheckRun run;
  run.target = "http://127.0.0.1:8080/api/films/";
  run.seconds = 0.4213;
  run.results = {result("valid", "valid", {200}, 200, true, ""),
                 result("alg-none-upper-kid", "alg-none", {401}, 200, false, "expected 401, got 200: the token was accepted"),
                 result("two-authorization-headers", "two-authorization-headers", {400, 401}, 400, true,
                        "invalid_request: multiple_authorization_headers: <two> & 'more'"),
                 result("oversize", "oversize", {400, 401, 413, 431}, std::nullopt, false, "no answer: connection reset")};
  return run;
}

}  // namespace

TEST_CASE("report_json: exactly DESIGN.md's shape, status null without an answer") {
  json report = report_json(sample());
  CHECK(report.size() == 4);
  CHECK(report["target"] == "http://127.0.0.1:8080/api/films/");
  CHECK(report["passed"] == 2);
  CHECK(report["failed"] == 2);
  REQUIRE(report["cases"].size() == 4);
  json expected_case = {{"name", "alg-none-upper-kid"}, {"defect", "alg-none"}, {"expected", {401}},
                        {"status", 200}, {"ok", false}, {"detail", "expected 401, got 200: the token was accepted"}};
  CHECK(report["cases"][1] == expected_case);
  CHECK(report["cases"][3]["status"].is_null());
  CHECK(report["cases"][3]["expected"] == json({400, 401, 413, 431}));
}

TEST_CASE("junit_xml: well-formed, one testcase per case, failures name expected and got") {
  std::string xml = junit_xml(sample());
  auto root = swapi::test::parse_xml(xml);
  CHECK(root.name == "testsuites");
  CHECK(root.attributes.at("tests") == "4");
  CHECK(root.attributes.at("failures") == "2");
  auto cases = root.all("testcase");
  REQUIRE(cases.size() == 4);
  CHECK(cases[1]->attributes.at("name") == "alg-none-upper-kid");
  CHECK(cases[1]->attributes.at("classname") == "swapi.check.alg-none");
  auto failures = root.all("failure");
  REQUIRE(failures.size() == 2);
  CHECK(failures[0]->attributes.at("message") == "expected 401, got 200");
  CHECK(failures[0]->text == "what <it> & \"is\"\nexpected 401, got 200: the token was accepted");
  CHECK(failures[1]->attributes.at("message") == "expected 400|401|413|431, got no answer");
  CHECK(cases[0]->children.empty());
}

TEST_CASE("parse_xml refuses what is not well-formed (the checker itself)") {
  CHECK_THROWS(swapi::test::parse_xml("<a><b></a>"));
  CHECK_THROWS(swapi::test::parse_xml("<a x=\"1\" x=\"2\"/>"));
  CHECK_THROWS(swapi::test::parse_xml("<a>&nbsp;</a>"));
  CHECK_THROWS(swapi::test::parse_xml("<a>1 & 2</a>"));
  CHECK_THROWS(swapi::test::parse_xml("<a x=1/>"));
  CHECK_THROWS(swapi::test::parse_xml("<a/><b/>"));
  CHECK(swapi::test::parse_xml("<?xml version=\"1.0\"?>\n<a x='&lt;'>t<b/></a>\n").attributes.at("x") == "<");
}

TEST_CASE("tap_text: TAP 13 plan, ok / not ok lines, a YAML block for failures") {
  std::string tap = tap_text(sample());
  CHECK(tap ==
        "TAP version 13\n"
        "1..4\n"
        "ok 1 - valid\n"
        "not ok 2 - alg-none-upper-kid\n"
        "  ---\n"
        "  defect: \"alg-none\"\n"
        "  expected: [401]\n"
        "  got: 200\n"
        "  detail: \"expected 401, got 200: the token was accepted\"\n"
        "  ...\n"
        "ok 3 - two-authorization-headers\n"
        "not ok 4 - oversize\n"
        "  ---\n"
        "  defect: \"oversize\"\n"
        "  expected: [400,401,413,431]\n"
        "  got: null\n"
        "  detail: \"no answer: connection reset\"\n"
        "  ...\n"
        "# 2 passed, 2 failed\n");
}

TEST_CASE("write_table: aligned columns, a summary, colour only when asked") {
  std::ostringstream plain;
  write_table(plain, sample(), false);
  std::string text = plain.str();
  CHECK(text.find("\033[") == std::string::npos);
  std::string head = "CASE                       EXPECTED         GOT        VERDICT  DETAIL\n"
                     "valid                      200              200        ok\n"
                     "alg-none-upper-kid         401              200        FAIL     expected 401, got 200: the token was accepted\n";
  CHECK(text.substr(0, head.size()) == head);
  CHECK(text.ends_with("2 passed, 2 failed (4 cases) against http://127.0.0.1:8080/api/films/ in 0.42 s\n"));
  std::ostringstream painted;
  write_table(painted, sample(), true);
  CHECK(painted.str().find("\033[32mok\033[0m") != std::string::npos);
  CHECK(painted.str().find("\033[1;31mFAIL\033[0m") != std::string::npos);
}
