// like/nlike/ilike as LoopBack's memory connector answers them (the pattern is searched for,
// not matched whole), and regexp in LoopBack's string forms ("^Dar", "/sky/i"), over HTTP:
// exact answers and the 400 for what the engine refuses (their cost: loopback_like_cost_test).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/server_process.h"

using nlohmann::json;
using swapi::test::ServerProcess;

namespace {

using Names = std::vector<std::string>;

ServerProcess& shared_server() {
  static ServerProcess server({"--flavor", "loopback", "--no-auth"});
  return server;
}

httplib::Result get(const std::string& path, const httplib::Params& params) {
  return shared_server().client().Get(path, params, httplib::Headers{});
}

Names names(const httplib::Params& params) {
  auto res = get("/api/people", params);
  REQUIRE(res);
  CAPTURE(res->body);
  REQUIRE(res->status == 200);
  Names result;
  for (const auto& record : json::parse(res->body)) result.push_back(record.at("name").get<std::string>());
  return result;
}

Names where(const std::string& where_json) { return names({{"filter", R"({"where":)" + where_json + "}"}}); }

json refused(const std::string& where_json) {
  auto res = get("/api/people", {{"filter", R"({"where":)" + where_json + "}"}});
  REQUIRE(res);
  CHECK(res->status == 400);
  return json::parse(res->body);
}

json invalid_filter(const std::string& message) {
  return {{"error", {{"statusCode", 400}, {"name", "Error"}, {"message", message}, {"code", "INVALID_FILTER"}}}};
}

}  // namespace

TEST_CASE("loopback like: searched for anywhere in the value, as the memory connector") {
  CHECK(where(R"({"name":{"like":"Luke"}})") == Names{"Luke Skywalker"});
  CHECK(where(R"({"name":{"like":"Sky%"}})") == Names{"Luke Skywalker", "Anakin Skywalker", "Shmi Skywalker"});
  CHECK(names({{"filter[where][name][like]", "Sky%"}}) == Names{"Luke Skywalker", "Anakin Skywalker", "Shmi Skywalker"});
  CHECK(where(R"({"name":{"like":"sky"}})").empty());  // like is case-sensitive
  CHECK(where(R"({"name":{"ilike":"SKYW_LK"}})") == Names{"Luke Skywalker", "Anakin Skywalker", "Shmi Skywalker"});
  CHECK(where(R"({"name":{"like":"Dar%"}})") == Names{"Darth Vader", "Biggs Darklighter", "Darth Maul"});
  CHECK(where(R"({"name":{"nlike":"a"},"gender":"n/a"})") == Names{"C-3PO", "R2-D2", "R5-D4"});
  CHECK(where(R"({"name":{"nilike":"A"},"eye_color":"yellow"})") ==
        Names{"C-3PO", "Dud Bolt", "Poggle the Lesser", "Dexter Jettster"});

  auto first = get("/api/people/findOne", {{"filter", R"({"where":{"name":{"like":"Dar%"}},"order":"name"})"}});
  REQUIRE(first);
  CHECK(first->status == 200);
  auto biggs = json::parse(first->body);
  CHECK(biggs["id"] == 9);
  CHECK(biggs["name"] == "Biggs Darklighter");
}

TEST_CASE("loopback regexp: LoopBack's string forms and flags") {
  CHECK(where(R"({"name":{"regexp":"^Dar"}})") == Names{"Darth Vader", "Darth Maul"});
  CHECK(names({{"filter[where][name][regexp]", "^Dar"}}) == Names{"Darth Vader", "Darth Maul"});
  CHECK(where(R"({"name":{"regexp":"/sky/i"}})") == Names{"Luke Skywalker", "Anakin Skywalker", "Shmi Skywalker"});
  CHECK(where(R"({"name":{"regexp":"/sky/"}})").empty());
  CHECK(where(R"({"name":{"regexp":"^R\\d-"}})") == Names{"R2-D2", "R5-D4", "R4-P17"});
  CHECK(where(R"({"name":{"regexp":"^(Obi|Qui)-"}})") == Names{"Obi-Wan Kenobi", "Qui-Gon Jinn"});
  CHECK(where(R"({"height":{"regexp":"^2\\d\\d$"}})").size() == 11);  // numeric strings are text here
  auto count = get("/api/people/count", {{"where", R"({"name":{"regexp":"/^dar/i"}})"}});
  REQUIRE(count);
  CHECK(json::parse(count->body) == json{{"count", 2}});
}

TEST_CASE("loopback regexp: unsupported syntax and bad flags are 400 with the reason") {
  CHECK(refused(R"j({"name":{"regexp":"(a)\\1"}})j") ==
        invalid_filter("\"regexp\" for \"name\": a backreference or octal escape \\1 (at character 4) is not supported; "
                       "supported: literals, ., [...], \\d \\w \\s \\b, groups, |, * + ? {n,m}, ^ $, flags i g m"));
  CHECK(refused(R"j({"name":{"regexp":"Dar(?=th)"}})j")["error"]["message"] ==
        "\"regexp\" for \"name\": a lookahead or lookbehind assertion (at character 4) is not supported; supported: "
        "literals, ., [...], \\d \\w \\s \\b, groups, |, * + ? {n,m}, ^ $, flags i g m");
  CHECK(refused(R"({"name":{"regexp":"/sky/x"}})") ==
        invalid_filter("\"regexp\" for \"name\": Invalid regex flags: x (LoopBack allows i, g and m)"));
  CHECK(refused(R"({"name":{"regexp":"a**"}})") == invalid_filter("\"regexp\" for \"name\": nothing to repeat at character 3"));
  CHECK(refused(R"({"name":{"regexp":42}})") ==
        invalid_filter("\"regexp\" for \"name\" needs a regular expression string such as \"^Dar\" or \"/sky/i\", not 42"));
  CHECK(refused(R"j({"name":{"regexp":"((a{100}){100})"}})j") ==
        invalid_filter("\"regexp\" for \"name\": the expression compiles to more than 256 states; use a shorter "
                       "pattern or smaller {n,m} counts"));
}
