// Evaluating LoopBack filters over records: each operator, the numeric-string rule, arrays,
// missing properties, order/skip/limit and fields.
#include <doctest/doctest.h>

#include "server/loopback/loopback_filter.h"
#include "server/loopback/loopback_query.h"

using nlohmann::json;
using swapi::server::Collection;
using swapi::server::like_match;
using swapi::server::make_record;
using swapi::server::parse_filter;
using swapi::server::parse_where;
using swapi::server::render_records;
using swapi::server::select_records;

namespace {

// A few people as SWAPI stores them: numbers as strings, "unknown", links as relative paths.
Collection people() {
  Collection collection;
  auto add = [&](int id, json fields) { collection.records.push_back(make_record("people", id, std::move(fields))); };
  add(1, {{"name", "Luke Skywalker"}, {"height", "172"}, {"mass", "77"}, {"gender", "male"},
          {"homeworld", "/api/planets/1/"}, {"films", {"/api/films/1/", "/api/films/2/"}}});
  add(2, {{"name", "C-3PO"}, {"height", "167"}, {"mass", "75"}, {"gender", "n/a"},
          {"homeworld", "/api/planets/1/"}, {"films", {"/api/films/1/"}}});
  add(4, {{"name", "Darth Vader"}, {"height", "202"}, {"mass", "136"}, {"gender", "male"},
          {"homeworld", "/api/planets/1/"}, {"films", json::array()}});
  add(5, {{"name", "Leia Organa"}, {"height", "150"}, {"mass", "49"}, {"gender", "female"},
          {"homeworld", "/api/planets/2/"}, {"films", {"/api/films/2/"}}});
  add(11, {{"name", "Anakin Skywalker"}, {"height", "188"}, {"mass", "84"}, {"gender", "male"},
           {"homeworld", "/api/planets/1/"}});
  add(20, {{"name", "Yoda"}, {"height", "66"}, {"mass", "unknown"}, {"gender", "male"}, {"homeworld", nullptr}});
  add(30, {{"name", "Wicket"}, {"height", "unknown"}, {"mass", "20"}, {"gender", "male"}});
  collection.next_id = 31;
  return collection;
}

const Collection kPeople = people();

// The ids a where (as JSON text) selects, in id order.
std::vector<int> ids_where(const char* where) {
  auto node = parse_where(json::parse(where));
  std::vector<int> ids;
  for (const auto& record : kPeople.records) {
    if (matches(node, *record)) ids.push_back(record->id);
  }
  return ids;
}

std::vector<int> ids_of_filter(const char* filter) {
  std::vector<int> ids;
  for (const auto* record : select_records(kPeople, parse_filter(json::parse(filter)))) ids.push_back(record->id);
  return ids;
}

using Ids = std::vector<int>;

}  // namespace

TEST_CASE("query: equality, on fields and on id; numbers and numeric strings are equal") {
  CHECK(ids_where(R"({"name":"Luke Skywalker"})") == Ids{1});
  CHECK(ids_where(R"({"name":"luke skywalker"})") == Ids{});
  CHECK(ids_where(R"({"id":4})") == Ids{4});
  CHECK(ids_where(R"({"id":"4"})") == Ids{4});  // the bracket form sends strings
  CHECK(ids_where(R"({"height":172})") == Ids{1});
  CHECK(ids_where(R"({"height":"172.0"})") == Ids{1});
  CHECK(ids_where(R"({"id":{"eq":5}})") == Ids{5});
}

TEST_CASE("query: null equals null or a missing property") {
  CHECK(ids_where(R"({"homeworld":null})") == Ids{20, 30});
  CHECK(ids_where(R"({"homeworld":{"neq":null}})") == Ids{1, 2, 4, 5, 11});
}

TEST_CASE("query: neq matches a missing property") {
  CHECK(ids_where(R"({"homeworld":{"neq":"/api/planets/1/"}})") == Ids{5, 20, 30});
}

TEST_CASE("query: gt/gte/lt/lte compare numeric strings as numbers and skip the incomparable") {
  CHECK(ids_where(R"({"height":{"gt":180}})") == Ids{4, 11});
  CHECK(ids_where(R"({"height":{"gt":"180"}})") == Ids{4, 11});  // not "66" (> "180" as text) nor "unknown"
  CHECK(ids_where(R"({"height":{"gte":188}})") == Ids{4, 11});
  CHECK(ids_where(R"({"height":{"lt":100}})") == Ids{20});
  CHECK(ids_where(R"({"height":{"lte":"150"}})") == Ids{5, 20});
  CHECK(ids_where(R"({"id":{"gt":10}})") == Ids{11, 20, 30});
}

TEST_CASE("query: gt/lt compare non-numeric strings byte-wise") {
  CHECK(ids_where(R"({"name":{"gte":"W"}})") == Ids{20, 30});
  CHECK(ids_where(R"({"name":{"lt":"D"}})") == Ids{2, 11});
  CHECK(ids_where(R"({"height":{"gt":"a"}})") == Ids{30});  // two strings: "unknown" > "a" > "172"
}

TEST_CASE("query: between is inclusive at both ends") {
  CHECK(ids_where(R"({"height":{"between":[150,188]}})") == Ids{1, 2, 5, 11});
  CHECK(ids_where(R"({"name":{"between":["C","E"]}})") == Ids{2, 4});
}

TEST_CASE("query: inq and nin") {
  CHECK(ids_where(R"({"id":{"inq":[1,"4",99]}})") == Ids{1, 4});
  CHECK(ids_where(R"({"id":{"nin":[1,2,4,5]}})") == Ids{11, 20, 30});
  CHECK(ids_where(R"({"id":{"inq":[]}})") == Ids{});
  CHECK(ids_where(R"({"homeworld":{"inq":[null]}})") == Ids{20, 30});
  CHECK(ids_where(R"({"homeworld":{"nin":["/api/planets/1/"]}})") == Ids{5, 20, 30});
}

TEST_CASE("query: like, nlike, ilike, nilike patterns are searched for in the value (LoopBack's memory connector)") {
  CHECK(ids_where(R"({"name":{"like":"%Skywalker"}})") == Ids{1, 11});
  CHECK(ids_where(R"({"name":{"like":"%sky%"}})") == Ids{});
  CHECK(ids_where(R"({"name":{"ilike":"%sky%"}})") == Ids{1, 11});
  CHECK(ids_where(R"({"name":{"like":"Yod_"}})") == Ids{20});
  CHECK(ids_where(R"({"name":{"like":"Yoda"}})") == Ids{20});
  CHECK(ids_where(R"({"name":{"like":"walker"}})") == Ids{1, 11});  // no wildcard: a substring
  CHECK(ids_where(R"({"name":{"nlike":"%a%"}})") == Ids{2, 30});
  CHECK(ids_where(R"({"name":{"nilike":"%SKY%"}})") == Ids{2, 4, 5, 20, 30});
  CHECK(ids_where(R"({"height":{"like":"1%"}})") == Ids{1, 2, 5, 11});
}

TEST_CASE("query: like escapes, underscores and UTF-8") {
  CHECK(like_match("100\\%", "100%", false));
  CHECK_FALSE(like_match("100\\%", "1000", false));
  CHECK(like_match("a\\_b", "a_b", false));
  CHECK_FALSE(like_match("a\\_b", "axb", false));
  CHECK(like_match("C-3P_", "C-3PO", false));
  CHECK(like_match("Padm_ Amidala", "Padm\xC3\xA9 Amidala", false));  // one code point, two bytes
  CHECK_FALSE(like_match("Padm__ Amidala", "Padm\xC3\xA9 Amidala", false));  // not two bytes
  CHECK(like_match("%%a%%", "banana", false));
  CHECK(like_match("", "", false));
  CHECK(like_match("", "x", false));  // the empty pattern is found in every value
  CHECK(like_match("%", "", false));
  CHECK(like_match("ABC", "abc", true));
  CHECK_FALSE(like_match("ABC", "abc", false));
  CHECK(like_match("%a%b%c%", std::string(2000, 'a') + "bc", false));
}

TEST_CASE("query: a property holding an array matches when any element does; negations when none does") {
  CHECK(ids_where(R"({"films":"/api/films/2/"})") == Ids{1, 5});
  CHECK(ids_where(R"({"films":{"inq":["/api/films/1/"]}})") == Ids{1, 2});
  CHECK(ids_where(R"({"films":{"like":"%/1/"}})") == Ids{1, 2});
  CHECK(ids_where(R"({"films":{"neq":"/api/films/1/"}})") == Ids{4, 5, 11, 20, 30});
  CHECK(ids_where(R"({"films":{"nin":["/api/films/1/","/api/films/2/"]}})") == Ids{4, 11, 20, 30});
}

TEST_CASE("query: and, or and nesting") {
  CHECK(ids_where(R"({"or":[{"name":"Yoda"},{"id":1}]})") == Ids{1, 20});
  CHECK(ids_where(R"({"and":[{"gender":"male"},{"height":{"gt":180}}]})") == Ids{4, 11});
  CHECK(ids_where(R"({"gender":"male","or":[{"mass":{"lt":50}},{"id":4}]})") == Ids{4, 30});
  CHECK(ids_where(R"({"or":[]})") == Ids{});
  CHECK(ids_where(R"({"and":[]})").size() == kPeople.records.size());
  CHECK(ids_where(R"({})").size() == kPeople.records.size());
}

TEST_CASE("query: a property nobody has matches nothing, except negations") {
  CHECK(ids_where(R"({"nope":"x"})") == Ids{});
  CHECK(ids_where(R"({"nope":{"gt":1}})") == Ids{});
  CHECK(ids_where(R"({"nope":{"neq":"x"}})").size() == kPeople.records.size());
}

TEST_CASE("query: dotted paths walk into objects") {
  Collection collection;
  collection.records.push_back(make_record("people", 1, {{"name", "A"}, {"meta", {{"rank", "3"}}}}));
  collection.records.push_back(make_record("people", 2, {{"name", "B"}, {"meta", {{"rank", "12"}}}}));
  auto selected = select_records(collection, parse_filter(json::parse(R"({"where":{"meta.rank":{"gt":5}}})")));
  REQUIRE(selected.size() == 1);
  CHECK(selected[0]->id == 2);
}

TEST_CASE("query: order ascending and descending; numbers before words; ties by id") {
  CHECK(ids_of_filter(R"({"order":"height ASC"})") == Ids{20, 5, 2, 1, 11, 4, 30});
  CHECK(ids_of_filter(R"({"order":"height DESC"})") == Ids{30, 4, 11, 1, 2, 5, 20});
  CHECK(ids_of_filter(R"({"order":"name"})") == Ids{11, 2, 4, 5, 1, 30, 20});
  CHECK(ids_of_filter(R"({"order":["gender DESC","id DESC"]})") == Ids{2, 30, 20, 11, 4, 1, 5});
  CHECK(ids_of_filter(R"({"order":"homeworld"})") == Ids{20, 30, 1, 2, 4, 11, 5});  // missing/null first
  CHECK(ids_of_filter(R"({"order":"gender"})") == Ids{5, 1, 4, 11, 20, 30, 2});
}

TEST_CASE("query: skip and limit after where and order") {
  CHECK(ids_of_filter(R"({"limit":2})") == Ids{1, 2});
  CHECK(ids_of_filter(R"({"skip":5})") == Ids{20, 30});
  CHECK(ids_of_filter(R"({"offset":1,"limit":2,"order":"id DESC"})") == Ids{20, 11});
  CHECK(ids_of_filter(R"({"skip":100})") == Ids{});
  CHECK(ids_of_filter(R"({"limit":100})").size() == 7);
  CHECK(ids_of_filter(R"({"where":{"gender":"male"},"order":"height DESC","limit":2})") == Ids{30, 4});
}

TEST_CASE("query: count") {
  CHECK(count_matches(kPeople, parse_where(json::parse(R"({"gender":"male"})"))) == 5);
  CHECK(count_matches(kPeople, {}) == 7);
}

TEST_CASE("query: records render as LoopBack JSON, id first, links absolute") {
  auto body = render_records({kPeople.records[0].get()}, std::nullopt, "http://h:1");
  auto parsed = json::parse(body);
  REQUIRE(parsed.is_array());
  CHECK(parsed[0]["id"] == 1);
  CHECK(parsed[0]["homeworld"] == "http://h:1/api/planets/1/");
  CHECK(parsed[0]["url"] == "http://h:1/api/people/1/");
  CHECK(body.rfind("[{\"id\":1,", 0) == 0);
}

TEST_CASE("query: fields keep only the selected properties, in record order") {
  auto fields = parse_filter(json::parse(R"({"fields":{"name":true,"id":true}})")).fields;
  CHECK(render_records({kPeople.records[0].get()}, fields, "http://h:1") == R"([{"id":1,"name":"Luke Skywalker"}])");
  auto without = parse_filter(json::parse(R"({"fields":{"films":false,"url":false,"homeworld":false}})")).fields;
  auto record = json::parse(render_records({kPeople.records[0].get()}, without, "http://h:1"))[0];
  CHECK_FALSE(record.contains("films"));
  CHECK_FALSE(record.contains("url"));
  CHECK(record["name"] == "Luke Skywalker");
  CHECK(render_records({}, fields, "http://h:1") == "[]");
}
