// The PersistedModel write routes that were 404 before: PUT/PATCH /{model}, POST
// /{model}/replaceOrCreate, /upsertWithWhere, /update and /{id}/replace, against the real
// binary: status and exact body of each case, as LoopBack 3.28 + juggler answer on the memory
// connector; the write scope they need; and --persist keeping them across a kill -9.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"
#include "tests/support/server_process.h"

using namespace swapi;
using namespace swapi::test;
using nlohmann::json;

namespace {

const std::vector<std::string> kLoopback = {"--flavor", "loopback", "--no-auth"};

struct Answer {
  int status = 0;
  json body;
};

Answer answer(const httplib::Result& res) {
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  return {res->status, json::parse(res->body)};
}

Answer put(ServerProcess& server, const std::string& path, const std::string& body) {
  return answer(server.client().Put(path.c_str(), body, "application/json"));
}
Answer patch(ServerProcess& server, const std::string& path, const std::string& body) {
  return answer(server.client().Patch(path.c_str(), body, "application/json"));
}
Answer post(ServerProcess& server, const std::string& path, const std::string& body) {
  return answer(server.client().Post(path.c_str(), body, "application/json"));
}
Answer post(ServerProcess& server, const std::string& path, const httplib::Params& query, const std::string& body) {
  return answer(server.client().Post((path + "?" + httplib::detail::params_to_query_str(query)).c_str(), body,
                                     "application/json"));
}
json get(ServerProcess& server, const std::string& path) {
  auto res = server.client().Get(path.c_str());
  REQUIRE(res);
  return json::parse(res->body);
}

// LoopBack's error body (strong-error-handler, production mode): no code unless the error has one.
json error(int status, const std::string& message, const std::string& code = {}) {
  json inner = {{"statusCode", status}, {"name", "Error"}, {"message", message}};
  if (!code.empty()) inner["code"] = code;
  return {{"error", inner}};
}

json person(const ServerProcess& server, int id, json fields) {
  json record = {{"id", id}};
  record.update(fields);
  record["url"] = server.base_url() + "/api/people/" + std::to_string(id) + "/";
  return record;
}

}  // namespace

TEST_CASE("loopback writes: PUT /{model} and POST /{model}/replaceOrCreate replace the record the id names, else create") {
  ServerProcess server(kLoopback);
  auto created = put(server, "/api/people", R"({"name":"Rey"})");
  CHECK(created.status == 200);
  CHECK(created.body == person(server, 84, {{"name", "Rey"}}));

  auto replaced = put(server, "/api/people", R"({"id":84,"height":"170","saber":"yellow"})");  // not strict
  CHECK(replaced.status == 200);
  CHECK(replaced.body == person(server, 84, {{"height", "170"}, {"saber", "yellow"}}));
  CHECK(get(server, "/api/people/84") == replaced.body);

  auto luke = post(server, "/api/people/replaceOrCreate", R"({"id":"1","name":"Luke"})");  // "1": coerced
  CHECK(luke.status == 200);
  CHECK(luke.body == person(server, 1, {{"name", "Luke"}}));
  CHECK(get(server, "/api/people/1") == luke.body);

  auto chosen = post(server, "/api/people/replaceOrCreate", R"({"id":200,"name":"Finn"})");
  CHECK(chosen.status == 200);
  CHECK(chosen.body == person(server, 200, {{"name", "Finn"}}));
  CHECK(put(server, "/api/people", R"({"name":"Poe"})").body["id"] == 201);

  auto bad = put(server, "/api/people", R"({"id":"x1","name":"A"})");
  CHECK(bad.status == 400);
  CHECK(bad.body == error(400, "id must be a positive integer, not \"x1\"", "INVALID_BODY"));
  auto array = put(server, "/api/people", R"([{"name":"A"}])");
  CHECK(array.status == 400);
  CHECK(array.body == error(400, "the request body must be a JSON object, not array", "INVALID_BODY"));
  CHECK(get(server, "/api/people/count") == json{{"count", 85}});
}

TEST_CASE("loopback writes: PATCH /{model} merges into the record the id names, else creates (patchOrCreate)") {
  ServerProcess server(kLoopback);
  json luke = get(server, "/api/people/1");
  auto merged = patch(server, "/api/people", R"({"id":1,"mass":"80","rank":"Jedi"})");
  CHECK(merged.status == 200);
  luke["mass"] = "80";
  luke["rank"] = "Jedi";
  CHECK(merged.body == luke);
  CHECK(get(server, "/api/people/1") == luke);

  auto created = patch(server, "/api/people", R"({"name":"Rey"})");
  CHECK(created.status == 200);
  CHECK(created.body == person(server, 84, {{"name", "Rey"}}));
  auto with_id = patch(server, "/api/people/", R"({"id":90,"name":"Kylo"})");
  CHECK(with_id.body == person(server, 90, {{"name", "Kylo"}}));
}

TEST_CASE("loopback writes: POST /{model}/upsertWithWhere creates, merges into the one match, or refuses many") {
  ServerProcess server(kLoopback);
  json luke = get(server, "/api/people/1");
  auto merged = post(server, "/api/people/upsertWithWhere", {{"where", R"({"name":"Luke Skywalker"})"}},
                     R"({"eye_color":"green"})");
  CHECK(merged.status == 200);
  luke["eye_color"] = "green";
  CHECK(merged.body == luke);

  auto created = post(server, "/api/people/upsertWithWhere", {{"where[name]", "Rey"}}, R"({"name":"Rey"})");
  CHECK(created.status == 200);
  CHECK(created.body == person(server, 84, {{"name", "Rey"}}));
  auto again = post(server, "/api/people/upsertWithWhere", {{"where[name]", "Rey"}}, R"({"height":"170"})");
  CHECK(again.body == person(server, 84, {{"name", "Rey"}, {"height", "170"}}));

  auto many = post(server, "/api/people/upsertWithWhere", {{"where", R"({"gender":"female"})"}}, R"({"x":1})");
  CHECK(many.status == 400);
  CHECK(many.body == error(400, "There are multiple instances found.Upsert Operation will not be performed!"));
  auto empty = post(server, "/api/people/upsertWithWhere", {{"where", R"({"name":"Rey"})"}}, "{}");
  CHECK(empty.status == 400);
  CHECK(empty.body == error(400, "data object cannot be empty!"));
  auto other_id = post(server, "/api/people/upsertWithWhere", {{"where", R"({"name":"Rey"})"}}, R"({"id":2})");
  CHECK(other_id.status == 400);
  CHECK(other_id.body == error(400, "id cannot be updated from 84 to 2 when forceId is set to true"));
  auto no_where = post(server, "/api/people/upsertWithWhere", R"({"name":"A"})");
  CHECK(no_where.status == 400);
  CHECK(no_where.body == error(400, "this route needs ?where= (a JSON where object)", "INVALID_FILTER"));
  auto bad_where = post(server, "/api/people/upsertWithWhere", {{"where", R"({"name":{"foo":1}})"}}, R"({"a":1})");
  CHECK(bad_where.status == 400);
  CHECK(bad_where.body["error"]["code"] == "INVALID_FILTER");
  CHECK(get(server, "/api/people/count") == json{{"count", 83}});
}

TEST_CASE("loopback writes: POST /{model}/update merges into every match and answers {\"count\": n} (updateAll)") {
  ServerProcess server(kLoopback);
  auto naboo = post(server, "/api/people/update", {{"where", R"({"homeworld":"/api/planets/8/"})"}},
                    R"({"homeworld":"/api/planets/1/"})");
  CHECK(naboo.status == 200);
  CHECK(naboo.body == json{{"count", 11}});
  CHECK(get(server, "/api/people/count?where=" + httplib::detail::encode_query_param(R"({"homeworld":"/api/planets/8/"})")) ==
        json{{"count", 0}});
  CHECK(get(server, "/api/people/11")["homeworld"] == server.base_url() + "/api/planets/1/");

  auto all = post(server, "/api/films/update", R"({"producer":"Lucasfilm","id":99})");  // no where: all; id ignored
  CHECK(all.body == json{{"count", 6}});
  CHECK(get(server, "/api/films/6")["producer"] == "Lucasfilm");
  CHECK(get(server, "/api/films/99")["error"]["statusCode"] == 404);
  CHECK(post(server, "/api/films/update", {{"where[title]", "Nope"}}, R"({"producer":"X"})").body == json{{"count", 0}});
  auto bad = post(server, "/api/films/update", {{"where", "{"}}, R"({"producer":"X"})");
  CHECK(bad.status == 400);
  CHECK(bad.body["error"]["code"] == "INVALID_FILTER");
}

TEST_CASE("loopback writes: POST /{model}/{id}/replace and PUT /{model}/{id} replace by id (replaceById)") {
  ServerProcess server(kLoopback);
  auto replaced = post(server, "/api/people/1/replace", R"({"name":"Luke","id":1})");
  CHECK(replaced.status == 200);
  CHECK(replaced.body == person(server, 1, {{"name", "Luke"}}));
  CHECK(get(server, "/api/people/1") == replaced.body);
  auto by_put = put(server, "/api/people/2", R"({"name":"Threepio"})");
  CHECK(by_put.body == person(server, 2, {{"name", "Threepio"}}));

  for (const std::string path : {"/api/people/999/replace", "/api/people/999", "/api/people/abc/replace"}) {
    CAPTURE(path);
    auto missing = path.ends_with("replace") ? post(server, path, R"({"name":"A"})") : put(server, path, R"({"name":"A"})");
    CHECK(missing.status == 404);
    std::string id = path.substr(12, path.find('/', 12) == std::string::npos ? std::string::npos : path.find('/', 12) - 12);
    CHECK(missing.body == error(404, "Could not replace. Object with id " + id + " does not exist!"));
  }
  auto other_id = post(server, "/api/people/1/replace", R"({"id":2,"name":"A"})");
  CHECK(other_id.status == 400);
  CHECK(other_id.body == error(400, "id property (id) cannot be updated from 1 to 2"));
  auto patched_other = patch(server, "/api/people/1", R"({"id":2})");
  CHECK(patched_other.status == 400);
  CHECK(patched_other.body == error(400, "id cannot be updated from 1 to 2 when forceId is set to true"));
  CHECK(get(server, "/api/people/count") == json{{"count", 82}});
}

TEST_CASE("loopback writes: each new route needs write:{res}; read:{res} is 403") {
  AuthServer server({rsa_key()}, {"--flavor", "loopback"});
  struct Route {
    std::string method, path;
  };
  for (const auto& route : {Route{"PUT", "/api/people"}, Route{"PATCH", "/api/people"},
                            Route{"POST", "/api/people/replaceOrCreate"},
                            Route{"POST", "/api/people/upsertWithWhere?where=%7B%22name%22%3A%22Nobody%22%7D"},
                            Route{"POST", "/api/people/update?where=%7B%22name%22%3A%22Rey%22%7D"},
                            Route{"POST", "/api/people/1/replace"}}) {
    CAPTURE(route.method);
    CAPTURE(route.path);
    auto send = [&](const std::string& scope) {
      auto client = server.process().client();
      auto headers = bearer(good_token(scope));
      std::string body = R"({"name":"Rey"})";
      auto res = route.method == "PUT"     ? client.Put(route.path.c_str(), headers, body, "application/json")
                 : route.method == "PATCH" ? client.Patch(route.path.c_str(), headers, body, "application/json")
                                           : client.Post(route.path.c_str(), headers, body, "application/json");
      REQUIRE(res);
      return res->status;
    };
    CHECK(send("read:people") == 403);
    CHECK(send("write:people") == 200);
  }
}

TEST_CASE("loopback writes: --persist keeps each new write across a kill -9") {
  TempDir dir;
  auto file = dir.file("state.json");
  std::vector<std::string> args = {"--flavor", "loopback", "--no-auth", "--persist", file};
  {
    ServerProcess server(args);
    CHECK(put(server, "/api/people", R"({"name":"Rey"})").status == 200);                      // 84
    CHECK(patch(server, "/api/people", R"({"id":84,"height":"170"})").status == 200);
    CHECK(post(server, "/api/people/replaceOrCreate", R"({"id":2,"name":"Threepio"})").status == 200);
    CHECK(post(server, "/api/people/upsertWithWhere", {{"where[name]", "Finn"}}, R"({"name":"Finn"})").body["id"] == 85);
    CHECK(post(server, "/api/people/update", {{"where[name]", "Luke Skywalker"}}, R"({"mass":"80"})").body ==
          json{{"count", 1}});
    CHECK(post(server, "/api/people/3/replace", R"({"name":"Artoo"})").status == 200);
    CHECK(server.stop(SIGKILL) == 128 + SIGKILL);
  }
  ServerProcess restarted(args);
  CHECK(get(restarted, "/api/people/1")["name"] == "Luke Skywalker");
  CHECK(get(restarted, "/api/people/1")["mass"] == "80");
  CHECK(get(restarted, "/api/people/84") == person(restarted, 84, {{"name", "Rey"}, {"height", "170"}}));
  CHECK(get(restarted, "/api/people/2") == person(restarted, 2, {{"name", "Threepio"}}));
  CHECK(get(restarted, "/api/people/3") == person(restarted, 3, {{"name", "Artoo"}}));
  CHECK(get(restarted, "/api/people/85") == person(restarted, 85, {{"name", "Finn"}}));
}
