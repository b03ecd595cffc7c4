// The dataset: the copy compiled into the binary, --data DIR, and the errors for broken files.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "server/data/dataset.h"
#include "base/diagnostic.h"
#include "server/options.h"
#include "server/data/store.h"
#include "tests/support/server_process.h"

using swapi::server::load_dataset_dir;
using swapi::server::load_embedded_dataset;

namespace {

const std::filesystem::path kFixtures = std::filesystem::path(SWAPI_SOURCE_DIR) / "fixtures" / "swapi";

// A copy of the committed fixtures in a temp dir, for tests that break one file.
void copy_fixtures(const swapi::test::TempDir& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures))
    std::filesystem::copy_file(entry.path(), dir.path() / entry.path().filename());
}

swapi::base::Diagnostic startup_error(const std::string& dir) {
  try {
    load_dataset_dir(dir);
  } catch (const swapi::base::Diagnostic& e) {
    return e;
  }
  FAIL("no swapi::base::Diagnostic");
  return swapi::base::Diagnostic("", "");
}

}  // namespace

TEST_CASE("dataset: the built-in dataset has swapi.dev's counts per resource") {
  auto store = load_embedded_dataset();
  CHECK(store->snapshot("films")->records.size() == 6);
  CHECK(store->snapshot("people")->records.size() == 82);
  CHECK(store->snapshot("planets")->records.size() == 60);
  CHECK(store->snapshot("species")->records.size() == 37);
  CHECK(store->snapshot("starships")->records.size() == 36);
  CHECK(store->snapshot("vehicles")->records.size() == 39);
}

TEST_CASE("dataset: source ids are kept, gaps included (people has no 17)") {
  auto store = load_embedded_dataset();
  auto people = store->snapshot("people");
  CHECK(people->find(16)->fields.at("name") == "Jabba Desilijic Tiure");
  CHECK(people->find(17) == nullptr);
  CHECK(people->find(18)->fields.at("name") == "Wedge Antilles");
  CHECK(people->records.back()->id == 83);
  CHECK(store->snapshot("starships")->find(1) == nullptr);
  CHECK(store->snapshot("starships")->find(9)->fields.at("name") == "Death Star");
}

TEST_CASE("dataset: records hold swapi.dev fields with relative links and original synopses") {
  auto store = load_embedded_dataset();
  auto luke = store->snapshot("people")->find(1);
  CHECK(luke->fields.at("homeworld") == "/api/planets/1/");
  CHECK(luke->fields.at("species") == nlohmann::json::array());
  CHECK(luke->fields.at("films").size() == 4);
  CHECK(store->snapshot("species")->find(2)->fields.at("homeworld").is_null());

  auto film = store->snapshot("films")->find(1);
  CHECK(film->fields.at("title") == "A New Hope");
  CHECK(film->fields.at("episode_id") == 4);
  CHECK(film->fields.at("planets").size() == 3);  // the source lists them twice
  for (const auto& record : store->snapshot("films")->records) {
    const auto& crawl = record->fields.at("opening_crawl").get_ref<const std::string&>();
    CHECK(crawl.find('\n') == std::string::npos);  // one sentence, not the crawl's lines
    CHECK(crawl.size() < 260);
  }
}

TEST_CASE("dataset: every link points at a record that exists") {
  auto store = load_embedded_dataset();
  int links = 0;
  for (const auto& resource : store->resources()) {
    for (const auto& record : store->snapshot(resource)->records) {
      for (const auto& [name, value] : record->fields.items()) {
        auto check = [&](const nlohmann::json& link) {
          if (!link.is_string() || !link.get_ref<const std::string&>().starts_with("/api/")) return;
          std::string path = link.get<std::string>();  // /api/<res>/<id>/
          auto res_end = path.find('/', 5);
          std::string target = path.substr(5, res_end - 5);
          int id = std::stoi(path.substr(res_end + 1));
          ++links;
          CHECK_MESSAGE(store->snapshot(target)->find(id) != nullptr, resource, "/", record->id, " ", name, " -> ", path);
        };
        if (value.is_array()) {
          for (const auto& element : value) check(element);
        } else {
          check(value);
        }
      }
    }
  }
  CHECK(links > 1000);
}

TEST_CASE("dataset: --data DIR loads the same shape") {
  swapi::test::TempDir dir;
  copy_fixtures(dir);
  swapi::test::write_file(dir.file("films.json"), R"([{"id": 42, "title": "Rogue One"}])");
  auto store = swapi::server::load_store(dir.path().string());
  auto films = store->snapshot("films");
  REQUIRE(films->records.size() == 1);
  CHECK(films->find(42)->fields.at("title") == "Rogue One");
  CHECK(store->snapshot("people")->records.size() == 82);
}

TEST_CASE("dataset: a broken --data file is named with the parse position") {
  swapi::test::TempDir dir;
  copy_fixtures(dir);
  swapi::test::write_file(dir.file("planets.json"), "[\n  {\"id\": 1,\n   \"name\": Tatooine}\n]\n");
  auto error = startup_error(dir.path().string());
  CHECK(error.what_failed == "serve: --data");
  CHECK(error.why == dir.file("planets.json") +
                         ": parse error at line 3, column 12: syntax error while parsing value - invalid literal;"
                         " last read: '\"name\": T' (byte 26)");
  CHECK_FALSE(error.hint.empty());
}

TEST_CASE("dataset: a bad record in a --data file is named with its index") {
  swapi::test::TempDir dir;
  copy_fixtures(dir);
  swapi::test::write_file(dir.file("species.json"), R"([{"id": 1}, {"id": "two"}])");
  CHECK(startup_error(dir.path().string()).why ==
        dir.file("species.json") + ": record at index 1: \"id\" must be a positive integer, not \"two\"");

  swapi::test::write_file(dir.file("species.json"), R"({"id": 1})");
  CHECK(startup_error(dir.path().string()).why ==
        dir.file("species.json") + ": expected a JSON array of records, not object");
}

TEST_CASE("dataset: a --data directory without a resource file says which") {
  swapi::test::TempDir dir;
  copy_fixtures(dir);
  std::filesystem::remove(dir.file("vehicles.json"));
  auto error = startup_error(dir.path().string());
  CHECK(error.why == "cannot read " + dir.file("vehicles.json"));
}
