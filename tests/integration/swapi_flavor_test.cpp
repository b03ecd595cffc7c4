// The swapi.dev flavor over HTTP against the real binary: counts, paging, search, schema,
// links, trailing slashes and every 404/405 case. --no-auth keeps these tests about data.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/server_process.h"

using nlohmann::json;
using swapi::test::ServerProcess;

namespace {

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
  json body_json() const { return json::parse(body); }
};

Reply get(const ServerProcess& server, const std::string& path, const httplib::Headers& headers = {}) {
  auto client = server.client();
  auto result = client.Get(path, headers);
  REQUIRE_MESSAGE(result, "GET ", path, " failed: ", httplib::to_string(result.error()));
  return {result->status, result->get_header_value("Content-Type"), result->body};
}

json get_json(const ServerProcess& server, const std::string& path) {
  auto reply = get(server, path);
  INFO("GET ", path, " -> ", reply.body);
  REQUIRE(reply.status == 200);
  CHECK(reply.content_type == "application/json");
  return reply.body_json();
}

std::vector<std::string> names(const json& page, const char* field = "name") {
  std::vector<std::string> result;
  for (const auto& record : page.at("results")) result.push_back(record.at(field));
  return result;
}

}  // namespace

TEST_CASE("swapi flavor: counts per resource as swapi.dev") {
  ServerProcess server({"--no-auth"});
  CHECK(get_json(server, "/api/films/").at("count") == 6);
  CHECK(get_json(server, "/api/people/").at("count") == 82);
  CHECK(get_json(server, "/api/planets/").at("count") == 60);
  CHECK(get_json(server, "/api/species/").at("count") == 37);
  CHECK(get_json(server, "/api/starships/").at("count") == 36);
  CHECK(get_json(server, "/api/vehicles/").at("count") == 39);
}

TEST_CASE("swapi flavor: the root links every resource list") {
  ServerProcess server({"--no-auth"});
  const auto& base = server.base_url();
  CHECK(get_json(server, "/api/") == json{{"people", base + "/api/people/"}, {"planets", base + "/api/planets/"},
                                          {"films", base + "/api/films/"}, {"species", base + "/api/species/"},
                                          {"vehicles", base + "/api/vehicles/"},
                                          {"starships", base + "/api/starships/"}});
  CHECK(get(server, "/api").body == get(server, "/api/").body);
}

TEST_CASE("swapi flavor: people come in pages of 10 with absolute next/previous links") {
  ServerProcess server({"--no-auth"});
  const auto& base = server.base_url();
  auto first = get_json(server, "/api/people/");
  CHECK(first.at("next") == base + "/api/people/?page=2");
  CHECK(first.at("previous").is_null());
  CHECK(first.at("results").size() == 10);
  CHECK(first.at("results")[0].at("name") == "Luke Skywalker");
  CHECK(get_json(server, "/api/people/?page=1") == first);

  auto second = get_json(server, "/api/people/?page=2");
  CHECK(second.at("next") == base + "/api/people/?page=3");
  CHECK(second.at("previous") == base + "/api/people/?page=1");
  // Page 2 starts at the 11th record: id 11 (Anakin), then 12, 13, 14, 15, 16, 18 (no 17).
  CHECK(second.at("results")[0].at("url") == base + "/api/people/11/");
  CHECK(second.at("results")[6].at("url") == base + "/api/people/18/");

  auto last = get_json(server, "/api/people/?page=9");
  CHECK(last.at("count") == 82);
  CHECK(last.at("next").is_null());
  CHECK(last.at("previous") == base + "/api/people/?page=8");
  CHECK(last.at("results").size() == 2);
  CHECK(get_json(server, "/api/people/?page=last") == last);

  auto films = get_json(server, "/api/films/");
  CHECK(films.at("next").is_null());
  CHECK(films.at("results").size() == 6);
}

TEST_CASE("swapi flavor: search is a case-insensitive substring of swapi.dev's fields") {
  ServerProcess server({"--no-auth"});
  auto sky = get_json(server, "/api/people/?search=sky");
  CHECK(sky.at("count") == 3);
  CHECK(names(sky) == std::vector<std::string>{"Luke Skywalker", "Anakin Skywalker", "Shmi Skywalker"});
  CHECK(get_json(server, "/api/people/?search=SKY") == sky);

  // Starships and vehicles match the model too: no name contains "YT-1300".
  auto yt = get_json(server, "/api/starships/?search=yt-1300");
  CHECK(names(yt) == std::vector<std::string>{"Millennium Falcon"});
  auto t47 = get_json(server, "/api/vehicles/?search=t-47");
  CHECK(names(t47) == std::vector<std::string>{"Snowspeeder"});

  CHECK(names(get_json(server, "/api/films/?search=jedi"), "title") ==
        std::vector<std::string>{"Return of the Jedi"});
  CHECK(names(get_json(server, "/api/planets/?search=tatoo")) == std::vector<std::string>{"Tatooine"});
  CHECK(names(get_json(server, "/api/species/?search=wook")) == std::vector<std::string>{"Wookie"});

  auto none = get_json(server, "/api/people/?search=zzzz");
  CHECK(none == json{{"count", 0}, {"next", nullptr}, {"previous", nullptr}, {"results", json::array()}});
}

TEST_CASE("swapi flavor: paging links of a search keep the search") {
  ServerProcess server({"--no-auth"});
  const auto& base = server.base_url();
  auto page = get_json(server, "/api/people/?search=a%20s&page=2");
  CHECK(page.at("previous") == base + "/api/people/?page=1&search=a+s");
  auto first = get_json(server, "/api/people/?search=a%20s");
  CHECK(first.at("count") == page.at("count"));
  CHECK(first.at("next") == base + "/api/people/?page=2&search=a+s");
}

TEST_CASE("swapi flavor: one record, with or without the trailing slash") {
  ServerProcess server({"--no-auth"});
  const auto& base = server.base_url();
  auto film = get_json(server, "/api/films/1/");
  CHECK(film.at("title") == "A New Hope");
  CHECK(film.at("episode_id") == 4);
  CHECK(film.at("url") == base + "/api/films/1/");
  CHECK(film.at("characters")[0] == base + "/api/people/1/");
  CHECK(film.at("planets").size() == 3);
  CHECK_FALSE(film.contains("id"));
  CHECK(get(server, "/api/films/1").body == get(server, "/api/films/1/").body);
  CHECK(get(server, "/api/films").body == get(server, "/api/films/").body);
  CHECK(get(server, "/api/films/schema/").body == get(server, "/api/films/schema").body);

  auto luke = get_json(server, "/api/people/1");
  CHECK(luke.at("homeworld") == base + "/api/planets/1/");
  CHECK(luke.at("species") == json::array());
  auto droid = get_json(server, "/api/species/2/");
  CHECK(droid.at("name") == "Droid");
  CHECK(droid.at("homeworld").is_null());
  CHECK(get_json(server, "/api/starships/9/").at("name") == "Death Star");
}

TEST_CASE("swapi flavor: links follow the request's Host header") {
  ServerProcess server({"--no-auth"});
  auto reply = get(server, "/api/people/1/", {{"Host", "swapi.test:8443"}});
  REQUIRE(reply.status == 200);
  auto luke = reply.body_json();
  CHECK(luke.at("url") == "http://swapi.test:8443/api/people/1/");
  CHECK(luke.at("homeworld") == "http://swapi.test:8443/api/planets/1/");
  auto list = get(server, "/api/people/", {{"Host", "localhost:1"}}).body_json();
  CHECK(list.at("next") == "http://localhost:1/api/people/?page=2");
  CHECK(list.at("results")[0].at("url") == "http://localhost:1/api/people/1/");
}

TEST_CASE("swapi flavor: the schema describes a record") {
  ServerProcess server({"--no-auth"});
  auto schema = get_json(server, "/api/people/schema");
  CHECK(schema.at("type") == "object");
  CHECK(schema.at("title") == "People");
  CHECK(schema.at("properties").at("name").at("type") == "string");
  CHECK(schema.at("properties").at("films").at("type") == "array");
  CHECK_FALSE(schema.at("properties").at("height").at("description").get<std::string>().empty());
  CHECK(schema.at("required").size() == 16);  // 15 fields + url
  auto luke = get_json(server, "/api/people/1/");
  for (const auto& field : schema.at("required")) CHECK_MESSAGE(luke.contains(field), field);
  CHECK(get_json(server, "/api/films/schema").at("properties").at("episode_id").at("type") == "integer");
}

TEST_CASE("swapi flavor: unknown resources, ids and pages are 404 Not found") {
  ServerProcess server({"--no-auth"});
  for (const char* path : {"/api/people/17/", "/api/people/17", "/api/people/abc/", "/api/people/0/",
                           "/api/people/-1/", "/api/people/99999999999999999999999999999/",
                           "/api/people/?page=0", "/api/people/?page=10",
                           "/api/people/?page=99999999999999999999999999999", "/api/people/?page=abc",
                           "/api/people/?page=", "/api/people/?search=zzzz&page=2", "/api/nope/", "/api/nope/1/",
                           "/api/films/1/extra/", "/api//films/", "/api/films//", "/apis"}) {
    auto reply = get(server, path);
    INFO(path);
    CHECK(reply.status == 404);
    CHECK(reply.content_type == "application/json");
    if (std::string_view(path) != "/apis") CHECK(reply.body == R"({"detail":"Not found"})");
  }
}

TEST_CASE("swapi flavor: the API is read-only, other methods are 405") {
  ServerProcess server({"--no-auth"});
  auto client = server.client();
  auto post = client.Post("/api/films/", R"({"title":"x"})", "application/json");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->body == R"({"detail":"Method \"POST\" not allowed."})");
  CHECK(post->get_header_value("Allow") == "GET, HEAD, OPTIONS");
  auto del = client.Delete("/api/films/1/");
  REQUIRE(del);
  CHECK(del->status == 405);
  CHECK(del->body == R"({"detail":"Method \"DELETE\" not allowed."})");
  auto head = client.Head("/api/films/1/");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
}

TEST_CASE("swapi flavor: /openapi.json lists exactly the swapi routes") {
  ServerProcess server({"--no-auth"});
  auto paths = get_json(server, "/openapi.json").at("paths");
  CHECK(paths.contains("/api/"));
  for (const char* res : {"films", "people", "planets", "species", "starships", "vehicles"}) {
    std::string name(res);
    CHECK(paths.contains("/api/" + name + "/"));
    CHECK(paths.contains("/api/" + name + "/{id}/"));
    CHECK(paths.contains("/api/" + name + "/schema"));
    CHECK(paths.at("/api/" + name + "/{id}/").at("get").at("responses").contains("404"));
  }
  for (const auto& [path, item] : paths.items()) {
    if (path.starts_with("/api")) CHECK_MESSAGE(item.size() == 1, path);  // GET only
  }
}

TEST_CASE("swapi flavor: --data DIR serves another dataset; a broken one stops start-up") {
  swapi::test::TempDir dir;
  for (const char* res : {"people", "planets", "species", "starships", "vehicles"})
    swapi::test::write_file(dir.file(std::string(res) + ".json"), "[]");
  swapi::test::write_file(dir.file("films.json"), R"([{"id": 8, "title": "The Last Jedi", "characters": ["/api/people/1/"]}])");
  {
    ServerProcess server({"--no-auth", "--data", dir.path().string()});
    auto films = get_json(server, "/api/films/");
    CHECK(films.at("count") == 1);
    CHECK(films.at("results")[0].at("url") == server.base_url() + "/api/films/8/");
    CHECK(films.at("results")[0].at("characters")[0] == server.base_url() + "/api/people/1/");
    CHECK(get_json(server, "/api/people/").at("count") == 0);
  }

  swapi::test::write_file(dir.file("people.json"), "[{\"id\": 1,}]");
  auto result = swapi::test::run_swapi({"serve", "--port", "0", "--no-auth", "--data", dir.path().string()});
  CHECK(result.exit_code == 3);
  CHECK(result.err.starts_with("swapi: serve: --data: " + dir.file("people.json") +
                               ": parse error at line 1, column 11: syntax error while parsing object key"));
  CHECK(result.err.find("(byte 11)") != std::string::npos);
}
