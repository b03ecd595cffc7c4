// The in-memory store: copy-on-write snapshots, id assignment, the write hook contract,
// load_json validation and the cached serialisations.
#include <doctest/doctest.h>

#include <stdexcept>
#include <thread>

#include "server/data/store.h"

using nlohmann::json;
using swapi::server::make_record;
using swapi::server::render_record;
using swapi::server::Store;

namespace {

json small_state() {
  return {
      {"films", json::array({{{"id", 1}, {"title", "A New Hope"}, {"characters", {"/api/people/1/"}}}})},
      {"people", json::array({{{"id", 1}, {"name", "Luke Skywalker"}, {"homeworld", "/api/planets/1/"}},
                              {{"id", 4}, {"name", "Darth Vader"}, {"homeworld", "/api/planets/1/"}}})},
      {"planets", json::array({{{"id", 1}, {"name", "Tatooine"}}})},
      {"species", json::array()},
      {"starships", json::array()},
      {"vehicles", json::array()},
  };
}

// The state as to_json() gives it: the records plus each collection's next automatic id.
json with_next_ids(json state, const json& next_ids) {
  state["next_ids"] = next_ids;
  return state;
}
const json kSmallNextIds = {{"films", 2}, {"people", 5}, {"planets", 2}, {"species", 1}, {"starships", 1}, {"vehicles", 1}};

std::string load_error(const json& state) {
  Store store;
  try {
    store.load_json(state);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("store: lists the six SWAPI resources in order") {
  Store store;
  CHECK(store.resources() == std::vector<std::string>{"films", "people", "planets", "species", "starships", "vehicles"});
  CHECK(store.has("people"));
  CHECK_FALSE(store.has("droids"));
  CHECK_THROWS_AS(store.snapshot("droids"), std::out_of_range);
}

TEST_CASE("store: load_json then to_json round-trips the stored form") {
  Store store;
  store.load_json(small_state());
  CHECK(store.to_json() == with_next_ids(small_state(), kSmallNextIds));
  auto people = store.snapshot("people");
  REQUIRE(people->records.size() == 2);
  CHECK(people->find(4)->fields.at("name") == "Darth Vader");
  CHECK_FALSE(people->find(4)->fields.contains("id"));
  CHECK(people->find(2) == nullptr);
  CHECK(people->next_id == 5);
}

TEST_CASE("store: a snapshot taken before a write is unchanged after it") {
  Store store;
  store.load_json(small_state());
  auto before = store.snapshot("people");
  auto luke = before->find(1);

  store.merge("people", 1, {{"name", "Luke (edited)"}});
  store.create("people", {{"name", "Leia Organa"}});
  store.remove("people", 4);

  CHECK(before->records.size() == 2);
  CHECK(before->find(1) == luke);
  CHECK(luke->fields.at("name") == "Luke Skywalker");
  CHECK(before->find(4) != nullptr);

  auto after = store.snapshot("people");
  CHECK(after->records.size() == 2);
  CHECK(after->find(1)->fields.at("name") == "Luke (edited)");
  CHECK(after->find(4) == nullptr);
  CHECK(after->find(5)->fields.at("name") == "Leia Organa");
}

TEST_CASE("store: create assigns max id + 1 and never reuses a deleted id") {
  Store store;
  store.load_json(small_state());
  CHECK(store.create("people", {{"name", "A"}})->id == 5);
  CHECK(store.remove("people", 5));
  CHECK(store.create("people", {{"name", "B"}})->id == 6);
  CHECK(store.remove("people", 6));
  CHECK(store.remove("people", 4));
  CHECK(store.create("people", {{"name", "C"}})->id == 7);
  CHECK_FALSE(store.remove("people", 6));
}

TEST_CASE("store: a client's largest id leaves automatic ids running, and ids beyond it are refused") {
  // Before: POST {"id": 2147483647} pinned next_id at INT_MAX, and every later create failed
  // with "no free id left", for good.
  Store store;
  store.load_json(small_state());
  CHECK(store.create("people", {{"id", swapi::server::kMaxChosenId}})->id == 2147483647);
  CHECK(store.create("people", {{"name", "Next"}})->id == 2147483648);
  CHECK(store.create("people", {{"name", "After"}})->id == 2147483649);
  CHECK(store.snapshot("people")->find(2147483648)->fields.at("name") == "Next");
  CHECK_THROWS_WITH_AS(store.create("people", {{"id", 2147483648}}),
                       "id 2147483648 is above 2147483647, the largest id a client may choose (larger ones are handed out "
                       "automatically)",
                       std::invalid_argument);
  // A record whose automatic id is past the chosen range is edited and removed like any other.
  CHECK(store.merge("people", 2147483648, {{"id", 2147483648}, {"height", "1"}}));
  CHECK(store.remove("people", 2147483648));
  CHECK(store.create("people", {{"name", "Later"}})->id == 2147483650);
}

TEST_CASE("store: next_ids carries the high-water mark through to_json and load_json") {
  Store store;
  store.load_json(small_state());
  CHECK(store.create("people", {{"name", "Deleted later"}})->id == 5);
  CHECK(store.remove("people", 5));
  CHECK(store.remove("people", 4));
  json saved = store.to_json();
  CHECK(saved["next_ids"]["people"] == 6);

  Store restarted;
  restarted.load_json(saved);
  CHECK(restarted.create("people", {{"name", "Fresh"}})->id == 6);  // not 2 (max id 1 + 1), not 5

  // A counter below the records' highest id + 1 (a hand-added record) is raised, never obeyed.
  json low = small_state();
  low["next_ids"] = {{"people", 2}};
  Store raised;
  raised.load_json(low);
  CHECK(raised.create("people", {{"name", "X"}})->id == 5);
  CHECK(raised.create("films", {{"title", "Y"}})->id == 2);  // resources without a counter: max id + 1

  CHECK(load_error(with_next_ids(small_state(), json::array())) == "next_ids must be an object, not array");
  CHECK(load_error(with_next_ids(small_state(), {{"droids", 3}})) == "next_ids: unknown resource \"droids\"");
  CHECK(load_error(with_next_ids(small_state(), {{"people", 0}})) == "next_ids: people must be a positive integer, not 0");
  CHECK(load_error(with_next_ids(small_state(), {{"people", "7"}})) ==
        "next_ids: people must be a positive integer, not \"7\"");
}

TEST_CASE("store: create honours a free explicit id and refuses a taken or invalid one") {
  Store store;
  store.load_json(small_state());
  auto record = store.create("people", {{"id", 17}, {"name", "Seventeen"}});
  CHECK(record->id == 17);
  CHECK_FALSE(record->fields.contains("id"));
  CHECK(store.create("people", {{"name", "Next"}})->id == 18);
  CHECK(store.create("people", {{"id", 2}, {"name", "Gap filler"}})->id == 2);
  CHECK(store.create("people", {{"id", nullptr}, {"name", "Null id"}})->id == 19);

  CHECK_THROWS_WITH_AS(store.create("people", {{"id", 4}}), "id 4 is already taken", std::invalid_argument);
  CHECK_THROWS_WITH_AS(store.create("people", {{"id", 0}}), "id must be a positive integer, not 0", std::invalid_argument);
  CHECK_THROWS_WITH_AS(store.create("people", {{"id", "5"}}), "id must be a positive integer, not \"5\"",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(store.create("people", {{"id", 1e30}}), "id must be a positive integer, not 1e+30",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(store.create("people", json::array()), "a record must be a JSON object, not array",
                       std::invalid_argument);
  CHECK_THROWS_AS(store.create("droids", json::object()), std::out_of_range);
}

TEST_CASE("store: replace swaps all fields, merge sets only the given ones") {
  Store store;
  store.load_json(small_state());
  auto replaced = store.replace("people", 4, {{"name", "Anakin Skywalker"}});
  REQUIRE(replaced);
  CHECK(replaced->fields == json{{"name", "Anakin Skywalker"}});

  auto merged = store.merge("people", 1, {{"height", "172"}, {"homeworld", nullptr}, {"id", 1}});
  REQUIRE(merged);
  CHECK(merged->fields == json{{"name", "Luke Skywalker"}, {"height", "172"}, {"homeworld", nullptr}});

  CHECK(store.replace("people", 99, json::object()) == nullptr);
  CHECK(store.merge("people", 99, json::object()) == nullptr);
  CHECK_THROWS_WITH_AS(store.replace("people", 1, {{"id", 2}}), "id 2 does not match the record's id 1",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(store.merge("people", 1, {{"id", "x"}}), "id \"x\" does not match the record's id 1",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(store.merge("people", 1, json(3)), "a record must be a JSON object, not number",
                       std::invalid_argument);
}

TEST_CASE("store: the write hook sees the complete next state before it is published") {
  Store store;
  store.load_json(small_state());
  json seen;
  store.set_write_hook([&](const json& next) {
    seen = next;
    CHECK(store.snapshot("planets")->records.size() == 1);  // not published yet
  });
  store.create("planets", {{"name", "Alderaan"}});
  json expected = small_state();
  expected["planets"].push_back({{"id", 2}, {"name", "Alderaan"}});
  json next_ids = kSmallNextIds;
  next_ids["planets"] = 3;
  expected = with_next_ids(expected, next_ids);
  CHECK(seen == expected);
  CHECK(store.to_json() == expected);
}

TEST_CASE("store: a write whose hook throws is not published and the error propagates") {
  Store store;
  store.load_json(small_state());
  store.set_write_hook([](const json&) { throw std::runtime_error("disk full"); });
  CHECK_THROWS_WITH_AS(store.create("people", {{"name", "Lost"}}), "disk full", std::runtime_error);
  CHECK_THROWS_WITH_AS(store.replace("people", 1, {{"name", "Lost"}}), "disk full", std::runtime_error);
  CHECK_THROWS_WITH_AS(store.merge("people", 1, {{"name", "Lost"}}), "disk full", std::runtime_error);
  CHECK_THROWS_WITH_AS(store.remove("people", 4), "disk full", std::runtime_error);
  CHECK(store.to_json() == with_next_ids(small_state(), kSmallNextIds));
  // The failed create did not consume its id.
  store.set_write_hook({});
  CHECK(store.create("people", {{"name", "Kept"}})->id == 5);
}

TEST_CASE("store: load_json names the resource, record and reason of a bad shape") {
  CHECK(load_error(json::array()) == "expected a JSON object of resources, not array");
  json unknown = small_state();
  unknown["droids"] = json::array();
  CHECK(load_error(unknown) == "unknown resource \"droids\"");
  json missing = small_state();
  missing.erase("vehicles");
  CHECK(load_error(missing) == "missing resource \"vehicles\"");
  json not_array = small_state();
  not_array["films"] = json::object();
  CHECK(load_error(not_array) == "films: expected a JSON array of records, not object");
  json not_object = small_state();
  not_object["people"][1] = "Vader";
  CHECK(load_error(not_object) == "people: record at index 1: expected a JSON object, not string");
  json no_id = small_state();
  no_id["people"][0].erase("id");
  CHECK(load_error(no_id) == "people: record at index 0: no \"id\"");
  json bad_id = small_state();
  bad_id["people"][1]["id"] = -4;
  CHECK(load_error(bad_id) == "people: record at index 1: \"id\" must be a positive integer, not -4");
  json duplicate = small_state();
  duplicate["people"][1]["id"] = 1;
  CHECK(load_error(duplicate) == "people: duplicate id 1");
}

TEST_CASE("store: a failed load_json leaves the previous state in place") {
  Store store;
  store.load_json(small_state());
  json bad = small_state();
  bad["vehicles"] = 3;
  CHECK_THROWS_AS(store.load_json(bad), std::invalid_argument);
  CHECK(store.to_json() == with_next_ids(small_state(), kSmallNextIds));
}

TEST_CASE("store: records render in swapi.dev order with absolute links and url") {
  auto record = make_record("people", 1,
                            {{"name", "Luke Skywalker"}, {"homeworld", "/api/planets/1/"},
                             {"films", {"/api/films/1/", "https://elsewhere.example/films/9/"}},
                             {"zz_extra", "/api/not-a-link/"}, {"height", "172"}});
  std::string base = "http://localhost:9000";
  CHECK(record->swapi_text().render(base) ==
        R"({"name":"Luke Skywalker","height":"172","homeworld":"http://localhost:9000/api/planets/1/",)"
        R"("films":["http://localhost:9000/api/films/1/","https://elsewhere.example/films/9/"],)"
        R"("zz_extra":"/api/not-a-link/","url":"http://localhost:9000/api/people/1/"})");
  CHECK(record->loopback_text().render("") ==
        R"({"id":1,"name":"Luke Skywalker","height":"172","homeworld":"/api/planets/1/",)"
        R"("films":["/api/films/1/","https://elsewhere.example/films/9/"],)"
        R"("zz_extra":"/api/not-a-link/","url":"/api/people/1/"})");

  // render_record gives the same documents as JSON values.
  CHECK(render_record("people", *record, base, false) == json::parse(record->swapi_text().render(base)));
  CHECK(render_record("people", *record, base, true) == json::parse(record->loopback_text().render(base)));
}

TEST_CASE("store: a null homeworld and an empty record render as valid JSON") {
  auto droid = make_record("species", 2, {{"name", "Droid"}, {"homeworld", nullptr}});
  CHECK(droid->swapi_text().render("http://h") ==
        R"({"name":"Droid","homeworld":null,"url":"http://h/api/species/2/"})");
  auto empty = make_record("films", 7, json::object());
  CHECK(empty->swapi_text().render("http://h") == R"({"url":"http://h/api/films/7/"})");
  CHECK(empty->loopback_text().render("http://h") == R"({"id":7,"url":"http://h/api/films/7/"})");
}

TEST_CASE("store: concurrent readers always see a complete collection while writers write") {
  Store store;
  store.load_json(small_state());
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!done) {
      auto people = store.snapshot("people");
      for (const auto& record : people->records) {
        if (!record || !record->fields.is_object()) ++bad;
      }
      if (!std::is_sorted(people->records.begin(), people->records.end(),
                          [](const auto& a, const auto& b) { return a->id < b->id; }))
        ++bad;
    }
  });
  for (int i = 0; i < 300; ++i) {
    auto record = store.create("people", {{"name", "Clone " + std::to_string(i)}});
    if (i % 2 == 0) store.remove("people", record->id);
  }
  done = true;
  reader.join();
  CHECK(bad == 0);
  CHECK(store.snapshot("people")->records.size() == 2 + 150);
}
