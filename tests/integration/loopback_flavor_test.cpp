// `swapi serve --flavor loopback` against the real binary: each filter operator in the JSON and
// bracket forms, order/limit/skip/fields, the by-id routes, each write verb, --persist across a
// kill -9, a corrupt persist file, and every bad input answered with a LoopBack 4xx.
#include <doctest/doctest.h>

#include <filesystem>

#include <set>

#include <nlohmann/json.hpp>

#include "tests/support/server_process.h"

using nlohmann::json;
using swapi::test::run_swapi;
using swapi::test::ServerProcess;
using swapi::test::TempDir;

namespace {

const std::vector<std::string> kLoopback = {"--flavor", "loopback", "--no-auth"};

std::vector<std::string> loopback_with(std::vector<std::string> more) {
  auto args = kLoopback;
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The test suite's one server without --persist: read-only tests share it.
ServerProcess& shared_server() {
  static ServerProcess server(kLoopback);
  return server;
}

json get_json(const ServerProcess& server, const std::string& path, const httplib::Params& params = {},
              int expected_status = 200) {
  auto client = server.client();
  auto res = client.Get(path, params, httplib::Headers{});
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->status == expected_status);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  return json::parse(res->body);
}

// GET /api/people with ?filter=<JSON>; the names of the records, in order.
std::vector<std::string> names(const json& records, const char* key = "name") {
  std::vector<std::string> result;
  for (const auto& record : records) result.push_back(record.at(key).get<std::string>());
  return result;
}

std::vector<std::string> people_filter(const std::string& filter) {
  return names(get_json(shared_server(), "/api/people", {{"filter", filter}}));
}

std::vector<std::string> people_params(const httplib::Params& params) {
  return names(get_json(shared_server(), "/api/people", params));
}

// The error member of a LoopBack error answer, after checking the status and shape.
json loopback_error(const httplib::Result& res, int status) {
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->status == status);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  auto body = json::parse(res->body);
  REQUIRE(body.contains("error"));
  CHECK(body["error"]["statusCode"] == status);
  CHECK(body["error"]["name"] == "Error");
  return body["error"];
}

json filter_error(const httplib::Params& params) {
  auto client = shared_server().client();
  auto error = loopback_error(client.Get("/api/people", params, httplib::Headers{}), 400);
  CHECK(error["code"] == "INVALID_FILTER");
  return error;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("loopback: a list without filter returns every record, ids included") {
  auto people = get_json(shared_server(), "/api/people");
  REQUIRE(people.is_array());
  CHECK(people.size() == 82);
  CHECK(people[0]["id"] == 1);
  CHECK(people[0]["name"] == "Luke Skywalker");
  CHECK(people[0]["homeworld"] == shared_server().base_url() + "/api/planets/1/");
  CHECK(people[0]["url"] == shared_server().base_url() + "/api/people/1/");
  for (auto [resource, count] : {std::pair{"films", 6}, {"planets", 60}, {"species", 37}, {"starships", 36}, {"vehicles", 39}}) {
    CAPTURE(resource);
    CHECK(get_json(shared_server(), std::string("/api/") + resource).size() == static_cast<std::size_t>(count));
    CHECK(get_json(shared_server(), std::string("/api/") + resource + "/count")["count"] == count);
  }
}

TEST_CASE("loopback: where equality, JSON and bracket forms") {
  CHECK(people_filter(R"({"where":{"name":"Luke Skywalker"}})") == Names{"Luke Skywalker"});
  CHECK(people_params({{"filter[where][name]", "Luke Skywalker"}}) == Names{"Luke Skywalker"});
  CHECK(people_params({{"filter[where][id]", "4"}}) == Names{"Darth Vader"});
  CHECK(people_filter(R"({"where":{"homeworld":"/api/planets/8/"}})") ==
        Names{"R2-D2", "Palpatine", "Padmé Amidala", "Jar Jar Binks", "Roos Tarpals", "Rugor Nass", "Ric Olié",
              "Quarsh Panaka", "Gregar Typho", "Cordé", "Dormé"});
}

TEST_CASE("loopback: gt, gte, lt, lte compare SWAPI's numeric strings as numbers") {
  CHECK(people_params({{"filter[where][height][gt]", "200"}}) ==
        Names{"Darth Vader", "Chewbacca", "Roos Tarpals", "Rugor Nass", "Yarael Poof", "Lama Su", "Taun We", "Grievous",
              "Tarfful", "Tion Medon"});
  CHECK(people_filter(R"({"where":{"height":{"lt":90}}})") == Names{"Yoda", "Wicket Systri Warrick", "Ratts Tyerel"});
  CHECK(people_filter(R"({"where":{"height":{"lte":88}}})") == Names{"Yoda", "Wicket Systri Warrick", "Ratts Tyerel"});
  CHECK(people_filter(R"({"where":{"height":{"gte":229}}})") == Names{"Yarael Poof", "Lama Su", "Tarfful"});
  auto films = names(get_json(shared_server(), "/api/films", {{"filter[where][episode_id][gte]", "5"}}), "title");
  CHECK(films == Names{"The Empire Strikes Back", "Return of the Jedi"});
  CHECK(names(get_json(shared_server(), "/api/films", {{"filter", R"({"where":{"release_date":{"lt":"1990-01-01"}}})"}}), "title") ==
        Names{"A New Hope", "The Empire Strikes Back", "Return of the Jedi"});
  // A numeric operand makes the comparison numeric: a date string is not a number.
  CHECK(get_json(shared_server(), "/api/films", {{"filter", R"({"where":{"release_date":{"lt":"1990"}}})"}}).empty());
}

TEST_CASE("loopback: between, inq, nin, neq") {
  CHECK(people_filter(R"({"where":{"height":{"between":[182,182]}}})") == Names{"Obi-Wan Kenobi"});
  CHECK(people_params({{"filter[where][height][between][0]", "90"}, {"filter[where][height][between][1]", "96"}}) ==
        Names{"R2-D2", "Dud Bolt", "R4-P17"});
  CHECK(people_params({{"filter[where][id][inq][0]", "1"}, {"filter[where][id][inq][1]", "20"}}) ==
        Names{"Luke Skywalker", "Yoda"});
  CHECK(people_filter(R"({"where":{"id":{"inq":[4,1,999]}}})") == Names{"Luke Skywalker", "Darth Vader"});
  auto not_first = people_filter(R"({"where":{"id":{"nin":[1,2,3]}}})");
  CHECK(not_first.size() == 79);
  CHECK(not_first.front() == "Darth Vader");
  auto not_male = people_filter(R"({"where":{"gender":{"neq":"male"}},"fields":["name"]})");
  CHECK(not_male.size() == 82 - 60);
  CHECK(not_male.front() == "C-3PO");
}

TEST_CASE("loopback: like, nlike, ilike, nilike") {
  CHECK(people_params({{"filter[where][name][like]", "%Skywalker"}}) ==
        Names{"Luke Skywalker", "Anakin Skywalker", "Shmi Skywalker"});
  CHECK(people_filter(R"({"where":{"name":{"like":"%sky%"}}})").empty());
  CHECK(people_filter(R"({"where":{"name":{"ilike":"%sky%"}}})") ==
        Names{"Luke Skywalker", "Anakin Skywalker", "Shmi Skywalker"});
  CHECK(people_filter(R"({"where":{"name":{"like":"R_-%"}}})") == Names{"R2-D2", "R5-D4", "R4-P17"});
  CHECK(people_filter(R"({"where":{"name":{"nlike":"%a%"},"gender":"n/a"}})") == Names{"C-3PO", "R2-D2", "R5-D4"});
  CHECK(people_filter(R"({"where":{"name":{"nilike":"%A%"},"eye_color":"yellow"}})") == Names{"C-3PO", "Dud Bolt", "Poggle the Lesser", "Dexter Jettster"});
}

TEST_CASE("loopback: and, or, and array properties") {
  CHECK(people_filter(R"({"where":{"or":[{"name":"Yoda"},{"name":"Chewbacca"}]}})") == Names{"Chewbacca", "Yoda"});
  CHECK(people_params({{"filter[where][and][0][gender]", "female"}, {"filter[where][and][1][height][gt]", "170"}}) ==
        Names{"Padmé Amidala", "Ayla Secura", "Adi Gallia", "Taun We", "Shaak Ti", "Sly Moore"});
  // films is an array of links: a record matches when any of them does.
  auto in_phantom_menace = people_filter(R"({"where":{"films":"/api/films/4/"},"fields":["name"]})");
  CHECK(in_phantom_menace.size() == 34);
  CHECK(in_phantom_menace.front() == "C-3PO");
}

TEST_CASE("loopback: order, limit, skip, offset") {
  // Numbers (numeric strings) sort below words, so DESC puts Arvel Crynyd's "unknown" first.
  CHECK(people_filter(R"({"order":"height DESC","limit":3})") == Names{"Arvel Crynyd", "Yarael Poof", "Tarfful"});
  CHECK(people_filter(R"({"where":{"height":{"gte":0}},"order":"height DESC","limit":2})") == Names{"Yarael Poof", "Tarfful"});
  CHECK(people_params({{"filter[order]", "height ASC"}, {"filter[limit]", "2"}}) == Names{"Yoda", "Ratts Tyerel"});
  CHECK(people_params({{"filter[order][0]", "gender DESC"}, {"filter[order][1]", "name ASC"}, {"filter[limit]", "3"}}) ==
        Names{"IG-88", "C-3PO", "R2-D2"});  // "none" > "n/a"
  CHECK(people_filter(R"({"skip":80})") == Names{"Sly Moore", "Tion Medon"});
  CHECK(people_params({{"filter[offset]", "1"}, {"filter[limit]", "2"}}) == Names{"C-3PO", "R2-D2"});
  CHECK(people_filter(R"({"where":{"name":{"like":"Darth%"}},"order":"name DESC"})") == Names{"Darth Vader", "Darth Maul"});
}

TEST_CASE("loopback: fields as an object, a bracket object, or an array") {
  auto picked = get_json(shared_server(), "/api/people", {{"filter", R"({"fields":{"name":true,"height":true},"limit":1})"}});
  CHECK(picked == json::parse(R"([{"name":"Luke Skywalker","height":"172"}])"));
  auto bracket = get_json(shared_server(), "/api/people",
                          {{"filter[fields][name]", "true"}, {"filter[fields][id]", "true"}, {"filter[limit]", "1"}});
  CHECK(bracket == json::parse(R"([{"id":1,"name":"Luke Skywalker"}])"));
  auto dropped = get_json(shared_server(), "/api/people", {{"filter", R"({"fields":{"films":false},"limit":1})"}});
  CHECK_FALSE(dropped[0].contains("films"));
  CHECK(dropped[0]["mass"] == "77");
}

TEST_CASE("loopback: findById, exists, count, findOne") {
  auto luke = get_json(shared_server(), "/api/people/1");
  CHECK(luke["name"] == "Luke Skywalker");
  CHECK(get_json(shared_server(), "/api/people/1/") == luke);  // trailing slash
  CHECK(get_json(shared_server(), "/api/people/1/exists") == json{{"exists", true}});
  CHECK(get_json(shared_server(), "/api/people/17/exists") == json{{"exists", false}});
  CHECK(get_json(shared_server(), "/api/people/count", {{"where", R"({"gender":"female"})"}}) == json{{"count", 17}});
  CHECK(get_json(shared_server(), "/api/people/count", {{"where[gender]", "n/a"}}) == json{{"count", 3}});
  CHECK(get_json(shared_server(), "/api/people/findOne", {{"filter", R"({"where":{"height":{"gt":250}}})"}})["name"] ==
        "Yarael Poof");
  CHECK(get_json(shared_server(), "/api/people/findOne", {{"filter[order]", "name DESC"}})["name"] == "Zam Wesell");
  auto client = shared_server().client();
  auto none = loopback_error(client.Get("/api/people/findOne?filter=%7B%22where%22%3A%7B%22name%22%3A%22Nobody%22%7D%7D"), 404);
  CHECK(none["code"] == "MODEL_NOT_FOUND");
  CHECK(none["message"] == "No \"Person\" matches the filter.");
}

TEST_CASE("loopback: unknown and non-numeric ids are 404 MODEL_NOT_FOUND") {
  auto client = shared_server().client();
  for (const char* id : {"17", "999", "abc", "0", "-1", "1.5", "1000000000000000000000000000000"}) {
    CAPTURE(id);
    auto error = loopback_error(client.Get(std::string("/api/people/") + id), 404);
    CHECK(error["code"] == "MODEL_NOT_FOUND");
    CHECK(error["message"] == std::string("Unknown \"Person\" id \"") + id + "\".");
  }
  CHECK(get_json(shared_server(), "/api/films/abc/exists") == json{{"exists", false}});
  auto film = loopback_error(client.Get("/api/films/7"), 404);
  CHECK(film["message"] == "Unknown \"Film\" id \"7\".");
  auto unknown = loopback_error(client.Get("/api/droids"), 404);
  CHECK(unknown["message"] == "Cannot GET /api/droids");
}

TEST_CASE("loopback: bad filters are 400 INVALID_FILTER with the reason") {
  CHECK(filter_error({{"filter", "{\"where\":"}})["message"].get<std::string>().rfind("filter is not valid JSON: parse error at line 1, column 10", 0) == 0);
  CHECK(filter_error({{"filter", R"({"where":{"name":{"foo":1}}})"}})["message"] ==
        "unknown operator \"foo\" for \"name\" (expected one of gt, gte, lt, lte, between, inq, nin, neq, like, nlike, "
        "ilike, nilike, regexp)");
  CHECK(filter_error({{"filter[where][location][near]", "1,2"}})["message"] == "the operator \"near\" is not supported by this server");
  CHECK(filter_error({{"filter", R"({"limit":-1})"}})["message"] == "limit must be a non-negative integer, not -1");
  CHECK(filter_error({{"filter[limit]", "-5"}})["message"] == "limit must be a non-negative integer, not \"-5\"");
  CHECK(filter_error({{"filter[skip]", "2.5"}})["message"] == "skip must be a non-negative integer, not \"2.5\"");
  CHECK(filter_error({{"filter[order]", "name SIDEWAYS"}})["message"] ==
        "order \"name SIDEWAYS\" has an invalid direction \"SIDEWAYS\" (expected ASC or DESC)");
  CHECK(filter_error({{"filter", "[]"}})["message"] == "filter must be a JSON object, not []");
  CHECK(filter_error({{"filter", R"({"limt":1})"}})["message"] ==
        "unknown filter key \"limt\" (expected where, order, limit, skip, offset or fields)");
  CHECK(filter_error({{"filter", std::string(20, '[') + std::string(20, ']')}})["message"] ==
        "the filter nests deeper than 16 levels");
  std::string big = R"({"where":{"name":")" + std::string(5000, 'x') + R"("}})";
  CHECK(filter_error({{"filter", big}})["message"] ==
        "filter is " + std::to_string(big.size()) + " bytes long, more than the 4096 allowed");

  auto client = shared_server().client();
  auto count = loopback_error(client.Get("/api/people/count?where=%7Bnope"), 400);
  CHECK(count["code"] == "INVALID_FILTER");
  CHECK(count["message"].get<std::string>().rfind("where is not valid JSON", 0) == 0);
}

TEST_CASE("loopback: a URL past cpp-httplib's request-line limit is a LoopBack-shaped 414") {
  auto client = shared_server().client();
  auto error = loopback_error(client.Get("/api/people", {{"filter", std::string(20000, 'x')}}, httplib::Headers{}), 414);
  CHECK(error["message"] == "URI Too Long");
}

TEST_CASE("loopback: create, replace, merge and delete") {
  ServerProcess server(kLoopback);
  auto client = server.client();

  auto created = client.Post("/api/people", R"({"name":"Rey","homeworld":"/api/planets/1/"})", "application/json");
  REQUIRE(created);
  CHECK(created->status == 200);
  auto rey = json::parse(created->body);
  CHECK(rey["id"] == 84);  // after the largest id, 83
  CHECK(rey["name"] == "Rey");
  CHECK(rey["homeworld"] == server.base_url() + "/api/planets/1/");
  CHECK(rey["url"] == server.base_url() + "/api/people/84/");
  CHECK(json::parse(client.Get("/api/people/84")->body) == rey);

  auto chosen = client.Post("/api/people", R"({"id":17,"name":"Finn"})", "application/json; charset=utf-8");
  REQUIRE(chosen);
  CHECK(chosen->status == 200);
  CHECK(json::parse(chosen->body)["id"] == 17);

  // A record read and written back (absolute links, url) stays in the stored form.
  rey["height"] = "170";
  auto replaced = client.Put("/api/people/84", rey.dump(), "application/json");
  REQUIRE(replaced);
  CHECK(replaced->status == 200);
  CHECK(json::parse(replaced->body) == rey);
  auto only_name = client.Put("/api/people/84", R"({"name":"Rey Skywalker"})", "application/json");
  CHECK(json::parse(only_name->body) ==
        json{{"id", 84}, {"name", "Rey Skywalker"}, {"url", server.base_url() + "/api/people/84/"}});

  auto patched = client.Patch("/api/people/84", R"({"id":84,"mass":"54"})", "application/json");
  REQUIRE(patched);
  CHECK(patched->status == 200);
  CHECK(json::parse(patched->body)["name"] == "Rey Skywalker");
  CHECK(json::parse(patched->body)["mass"] == "54");

  CHECK(get_json(server, "/api/people/count")["count"] == 84);
  auto deleted = client.Delete("/api/people/84");
  REQUIRE(deleted);
  CHECK(deleted->status == 200);
  CHECK(json::parse(deleted->body) == json{{"count", 1}});
  CHECK(json::parse(client.Delete("/api/people/84")->body) == json{{"count", 0}});
  CHECK(json::parse(client.Delete("/api/people/abc")->body) == json{{"count", 0}});
  CHECK(loopback_error(client.Get("/api/people/84"), 404)["code"] == "MODEL_NOT_FOUND");
  // Ids are never reused, also after a delete.
  CHECK(json::parse(client.Post("/api/people", R"({"name":"Poe"})", "application/json")->body)["id"] == 85);
}

TEST_CASE("loopback: bad write bodies are 4xx with the reason") {
  ServerProcess server(kLoopback);
  auto client = server.client();
  auto invalid = loopback_error(client.Post("/api/people", "{\"name\":", "application/json"), 400);
  CHECK(invalid["code"] == "INVALID_BODY");
  CHECK(invalid["message"].get<std::string>().rfind("the request body is not valid JSON: parse error at line 1, column 9", 0) == 0);
  auto overflow = loopback_error(client.Post("/api/people", R"({"mass":1e400})", "application/json"), 400);
  CHECK(overflow["message"] == "the request body is not valid JSON: number overflow parsing '1e400'");
  auto array = loopback_error(client.Post("/api/people", "[{\"name\":\"A\"}]", "application/json"), 400);
  CHECK(array["message"] == "the request body must be a JSON object, not array");
  auto empty = loopback_error(client.Post("/api/people", "", "application/json"), 400);
  CHECK(empty["message"] == "the request body is empty; send a JSON object");
  auto text = loopback_error(client.Post("/api/people", "{}", "text/plain"), 415);
  CHECK(text["code"] == "UNSUPPORTED_MEDIA_TYPE");
  CHECK(text["message"] == "Content-Type must be application/json, not \"text/plain\"");
  auto form = loopback_error(client.Patch("/api/people/1", "name=x", "application/x-www-form-urlencoded"), 415);
  CHECK(form["code"] == "UNSUPPORTED_MEDIA_TYPE");
  auto deep = loopback_error(client.Post("/api/people", "{\"a\":" + std::string(40, '[') + std::string(40, ']') + "}",
                                         "application/json"), 400);
  CHECK(deep["message"] == "the request body nests deeper than 32 levels");
  auto bad_id = loopback_error(client.Post("/api/people", R"({"id":"x1","name":"A"})", "application/json"), 400);
  CHECK(bad_id["message"] == "id must be a positive integer, not \"x1\"");
  auto taken = loopback_error(client.Post("/api/people", R"({"id":1,"name":"A"})", "application/json"), 409);
  CHECK(taken["code"] == "DUPLICATE_ID");
  CHECK(taken["message"] == "id 1 is already taken by another Person");
  auto mismatch = loopback_error(client.Put("/api/people/1", R"({"id":2,"name":"A"})", "application/json"), 400);
  CHECK_FALSE(mismatch.contains("code"));  // juggler's replaceById error has none
  CHECK(mismatch["message"] == "id property (id) cannot be updated from 1 to 2");
  auto missing = loopback_error(client.Patch("/api/people/17", R"({"name":"A"})", "application/json"), 404);
  CHECK(missing["code"] == "MODEL_NOT_FOUND");
  auto not_a_route = loopback_error(client.Post("/api/people/1", "{}", "application/json"), 404);
  CHECK(not_a_route["message"] == "Cannot POST /api/people/1");
  // Nothing above changed the data.
  CHECK(get_json(server, "/api/people/count")["count"] == 82);
  CHECK(get_json(server, "/api/people/1")["name"] == "Luke Skywalker");
}

TEST_CASE("loopback: --persist keeps every answered write across a kill -9") {
  TempDir dir;
  auto file = dir.file("state.json");
  {
    ServerProcess server(loopback_with({"--persist", file}));
    auto client = server.client();
    auto created = client.Post("/api/people", R"({"name":"Rey"})", "application/json");
    REQUIRE(created);
    REQUIRE(created->status == 200);
    auto patched = client.Patch("/api/films/1", R"({"director":"G. Lucas"})", "application/json");
    REQUIRE(patched);
    REQUIRE(patched->status == 200);
    auto deleted = client.Delete("/api/people/4");
    REQUIRE(deleted);
    REQUIRE(json::parse(deleted->body) == json{{"count", 1}});
    CHECK(server.stop(SIGKILL) == 128 + SIGKILL);  // right after the answers: no clean shutdown
  }
  ServerProcess again(loopback_with({"--persist", file}));
  CHECK(get_json(again, "/api/people/84")["name"] == "Rey");
  CHECK(get_json(again, "/api/films/1")["director"] == "G. Lucas");
  CHECK(get_json(again, "/api/people/4/exists") == json{{"exists", false}});
  CHECK(get_json(again, "/api/people/count")["count"] == 82);
  // The next id continues after the largest one held.
  auto client = again.client();
  CHECK(json::parse(client.Post("/api/people", R"({"name":"Finn"})", "application/json")->body)["id"] == 85);
}

TEST_CASE("loopback: a corrupt --persist file stops the start with exit 3, naming the file") {
  // (found, not at the start: a fresh state dir first says it made a keyset)
  TempDir dir;
  auto file = dir.file("state.json");
  swapi::test::write_file(file, "{\"films\": [");
  auto result = run_swapi({"serve", "--port", "0", "--flavor", "loopback", "--no-auth", "--persist", file});
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("swapi: serve: --persist: " + file + ": not valid JSON: parse error at line 1, column 12") != std::string::npos);
  CHECK(result.err.find("hint: ") != std::string::npos);
  CHECK(swapi::test::read_file(file) == "{\"films\": [");  // never replaced

  swapi::test::write_file(file, R"({"films":[]})");
  auto shape = run_swapi({"serve", "--port", "0", "--flavor", "loopback", "--no-auth", "--persist", file});
  CHECK(shape.exit_code == 3);
  CHECK(shape.err.find("swapi: serve: --persist: " + file + ": missing resource \"people\"\n") != std::string::npos);
}

TEST_CASE("loopback: a corrupt --persist file refuses the start before a fresh state dir gets a keyset or client") {
  TempDir dir;
  auto file = dir.file("state.json");
  swapi::test::write_file(file, "{not json");
  std::string home = dir.file("home");
  auto result = run_swapi({"serve", "--port", "0", "--flavor", "loopback", "--persist", file}, {{"SWAPI_HOME", home}});
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("swapi: serve: --persist: " + file + ": not valid JSON") != std::string::npos);
  CHECK(result.err.find("created") == std::string::npos);
  CHECK(!std::filesystem::exists(home + "/keys.json"));
  CHECK(!std::filesystem::exists(home + "/clients.json"));
}

TEST_CASE("loopback: a second server on the same --persist file refuses to start") {
  TempDir dir;
  auto file = dir.file("state.json");
  ServerProcess first(loopback_with({"--persist", file}));
  auto second = run_swapi({"serve", "--port", "0", "--flavor", "loopback", "--no-auth", "--persist", file});
  CHECK(second.exit_code == 3);
  CHECK(second.err.find("swapi: serve: --persist: " + file + " is in use by another swapi serve") != std::string::npos);
}

TEST_CASE("loopback: a write that cannot be persisted is a 503 and changes nothing") {
  TempDir dir;
  auto file = dir.file("state.json");
  ServerProcess server(loopback_with({"--persist", file}));
  std::filesystem::create_directory(file + ".tmp");  // the temp file cannot be created
  auto client = server.client();
  auto error = loopback_error(client.Post("/api/people", R"({"name":"Rey"})", "application/json"), 503);
  CHECK(error["code"] == "PERSIST_FAILED");
  CHECK(error["message"].get<std::string>().rfind("the write was not saved, nothing changed: cannot create " + file + ".tmp: ", 0) == 0);
  CHECK(get_json(server, "/api/people/count")["count"] == 82);
  CHECK(get_json(server, "/api/people/84/exists") == json{{"exists", false}});
}

TEST_CASE("loopback: /openapi.json lists exactly the loopback routes") {
  auto doc = get_json(shared_server(), "/openapi.json");
  const auto& paths = doc["paths"];
  std::set<std::string> people;
  std::size_t api_paths = 0;
  for (const auto& [path, item] : paths.items()) {
    if (path.rfind("/api", 0) != 0) continue;
    ++api_paths;
    if (path.rfind("/api/people", 0) != 0) continue;
    for (const auto& [method, operation] : item.items()) people.insert(method + " " + path);
  }
  CHECK(people == std::set<std::string>{"get /api/people", "post /api/people", "put /api/people", "patch /api/people",
                                        "post /api/people/replaceOrCreate", "post /api/people/upsertWithWhere",
                                        "post /api/people/update", "get /api/people/count", "get /api/people/findOne",
                                        "get /api/people/{id}", "put /api/people/{id}", "patch /api/people/{id}",
                                        "delete /api/people/{id}", "post /api/people/{id}/replace",
                                        "get /api/people/{id}/exists"});
  CHECK(paths["/api/people/upsertWithWhere"]["post"]["parameters"][0]["required"] == true);
  CHECK(paths["/api/people/update"]["post"]["operationId"] == "people.updateAll");
  CHECK_FALSE(paths.contains("/api/"));
  CHECK(api_paths == 6 * 9);  // nine paths per resource
}
