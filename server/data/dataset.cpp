#include "server/data/dataset.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "base/diagnostic.h"
#include "base/json_text.h"
#include "server/data/embedded_fixtures.h"
#include "server/data/store.h"

namespace swapi::server {

namespace {

constexpr const char* kWhat = "serve: --data";
constexpr const char* kHint = "fix the file, or compare it with fixtures/swapi/ (see fixtures/README.md)";

void load_records(Store& store, const std::string& resource, const nlohmann::json& records, const std::string& name) {
  try {
    store.load_resource(resource, records);
  } catch (const std::invalid_argument& e) {
    throw base::Diagnostic(kWhat, name + ": " + e.what(), kHint);
  }
}

}  // namespace

nlohmann::json parse_dataset_file(std::string_view text, const std::string& name) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw base::Diagnostic(kWhat, name + ": " + base::json_error_reason(e) + " (byte " + std::to_string(e.byte) + ")",
                       kHint);
  } catch (const nlohmann::json::exception& e) {  // out_of_range 406: a number beyond double range
    throw base::Diagnostic(kWhat, name + ": " + base::json_error_reason(e), kHint);
  }
}

std::unique_ptr<Store> load_embedded_dataset() {
  auto store = std::make_unique<Store>();
  for (const auto& resource : store->resources()) {
    bool found = false;
    for (const auto& fixture : embedded_fixtures()) {
      if (fixture.resource != resource) continue;
      std::string name = "built-in " + resource + ".json";
      load_records(*store, resource, parse_dataset_file(fixture.json, name), name);
      found = true;
    }
    // Only a broken build gets here: CMake embeds every fixtures/swapi/*.json.
    if (!found) throw base::Diagnostic("serve", "the built-in dataset has no " + resource + ".json", "rebuild swapi");
  }
  return store;
}

std::unique_ptr<Store> load_dataset_dir(const std::string& dir) {
  auto store = std::make_unique<Store>();
  for (const auto& resource : store->resources()) {
    std::string path = (std::filesystem::path(dir) / (resource + ".json")).string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
      throw base::Diagnostic(kWhat, "cannot read " + path,
                         "DIR must hold films, people, planets, species, starships and vehicles .json files");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw base::Diagnostic(kWhat, "cannot read " + path, {});
    load_records(*store, resource, parse_dataset_file(text.str(), path), path);
  }
  return store;
}

std::unique_ptr<Store> load_store(const std::string& data_dir) {
  return data_dir.empty() ? load_embedded_dataset() : load_dataset_dir(data_dir);
}

}  // namespace swapi::server
