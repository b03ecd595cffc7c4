// The cost of like/ilike and regexp against the real binary: hostile patterns over a huge stored
// value are answered fast, and a like pattern past the cap is a LoopBack 400.
#include <doctest/doctest.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "tests/support/server_process.h"

using nlohmann::json;
using swapi::test::ServerProcess;

namespace {

// A server holding one extra person (id 84) whose name is 1,000,000 'a's.
void add_huge_name(httplib::Client& client) {
  std::string huge(1000000, 'a');
  auto created = client.Post("/api/people", json{{"name", huge}}.dump(), "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 200);
}

// The ids of the people matching any of `clauses` on the name, and how long the answer took.
// Linear time is seconds for a million characters; AddressSanitizer makes every step ~5x slower.
#if defined(__SANITIZE_ADDRESS__)
constexpr auto kLinearBound = std::chrono::seconds(15);
#else
constexpr auto kLinearBound = std::chrono::seconds(3);
#endif

std::pair<json, std::chrono::milliseconds> timed_or(httplib::Client& client, const std::string& op,
                                                    const std::vector<std::string>& patterns) {
  json any_of = json::array();
  for (const auto& pattern : patterns) any_of.push_back({{"name", {{op, pattern}}}});
  std::string filter = json{{"where", {{"or", any_of}}}, {"fields", {{"id", true}}}}.dump();
  auto started = std::chrono::steady_clock::now();
  auto found = client.Get("/api/people", {{"filter", filter}}, httplib::Headers{});
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  REQUIRE(found);
  CHECK(found->status == 200);
  return {json::parse(found->body), elapsed};
}

}  // namespace

TEST_CASE("loopback like: patterns over a 1,000,000-character name are answered in linear time; longer patterns are 400") {
  ServerProcess server({"--flavor", "loopback", "--no-auth"});
  auto client = server.client();
  client.set_read_timeout(std::chrono::seconds(60));  // the bound is checked below, not by a timeout
  add_huge_name(client);

  // Three of the longest patterns allowed, each the worst case of a backtracking matcher
  // ("%aaa...ab%" against "aaa...a": every start position compares ~1,000 characters before
  // the 'b' fails). Before: ~3e9 steps, 3 s and more of CPU for this one request.
  std::string worst = "%" + std::string(1021, 'a') + "b%";
  auto [found, elapsed] = timed_or(client, "like", {worst, worst, worst});
  CHECK(found == json::array());
  MESSAGE("3 worst-case like clauses over a 1,000,000-character name: " << elapsed.count() << " ms");
  CHECK(elapsed < std::chrono::seconds(1));  // linear: ~16 word operations per character and clause

  // A match still matches.
  std::string near = json{{"where", {{"name", {{"like", "%" + std::string(1000, 'a')}}}}}, {"fields", {{"id", true}}}}.dump();
  auto hit = client.Get("/api/people", {{"filter", near}}, httplib::Headers{});
  REQUIRE(hit);
  CHECK(json::parse(hit->body) == json::parse(R"([{"id":84}])"));

  // Past the cap: LoopBack's 400, naming the operator, the property and the limit.
  std::string too_long = json{{"where", {{"name", {{"ilike", "%" + std::string(2048, 'a') + "%"}}}}}}.dump();
  auto refused = client.Get("/api/people", {{"filter", too_long}}, httplib::Headers{});
  REQUIRE(refused);
  CHECK(refused->status == 400);
  auto error = json::parse(refused->body)["error"];
  CHECK(error["statusCode"] == 400);
  CHECK(error["name"] == "Error");
  CHECK(error["code"] == "INVALID_FILTER");
  CHECK(error["message"] == "\"ilike\" for \"name\" is a pattern longer than 1024 characters");
}

TEST_CASE("loopback regexp: catastrophic patterns over a 1,000,000-character name are answered in linear time") {
  ServerProcess server({"--flavor", "loopback", "--no-auth"});
  auto client = server.client();
  client.set_read_timeout(std::chrono::seconds(60));  // the bound is checked below, not by a timeout
  add_huge_name(client);
  // Exponential for a backtracking engine (std::regex, JavaScript's): one automaton pass here.
  auto [found, elapsed] = timed_or(client, "regexp", {"^(a+)+b", "^(a|aa)*c$", "^(a*)*$b"});
  CHECK(found == json::array());
  MESSAGE("3 catastrophic regexp clauses over a 1,000,000-character name: " << elapsed.count() << " ms");
  CHECK(elapsed < kLinearBound);
  auto [hit, ignored] = timed_or(client, "regexp", {"a{100}$"});
  CHECK(hit == json::parse(R"([{"id":84}])"));
}

TEST_CASE("loopback regexp: a class written with a thousand ranges costs what any state costs") {
  ServerProcess server({"--flavor", "loopback", "--no-auth"});
  auto client = server.client();
  client.set_read_timeout(std::chrono::seconds(60));  // the bound is checked below, not by a timeout
  // One more person (id 84) whose name is 100,000 'a's: every copy of the class below stays
  // alive at every character, and none finds an 'x'.
  auto created = client.Post("/api/people", json{{"name", std::string(100000, 'a')}}.dump(), "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 200);
  // [^\s\s...] is 1,200 ranges as written, repeated 100 times: 102 states, and five such
  // clauses stay within the filter's 512. Before: every state compared every range at every
  // character (three times with /i), 4.4 s of CPU per clause on this value, over a minute for
  // this one request; after: 0.06 s per clause.
  std::string negated = "/[^";
  for (int i = 0; i < 120; ++i) negated += "\\s";
  negated += "]{100}x/i";
  auto [found, elapsed] = timed_or(client, "regexp", std::vector<std::string>(5, negated));
  CHECK(found == json::array());
  MESSAGE("5 clauses of a 1,200-range class over a 100,000-character name: " << elapsed.count() << " ms");
  CHECK(elapsed < kLinearBound);
  // The class still means what it says.
  auto [hit, ignored] = timed_or(client, "regexp", {"/^[^\\s\\sB-Z]+$/i"});  // no space, no letter but a
  CHECK(hit == json::parse(R"([{"id":84}])"));
}
