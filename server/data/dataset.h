#pragma once
// Loading the SWAPI dataset into a Store at start-up: the copy compiled into the binary, or
// DIR/<resource>.json for each of the six resources (`swapi serve --data DIR`).
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace swapi::server {

class Store;

// The dataset in data_dir (`--data DIR`), or the one compiled into the binary when it is
// empty. Throws base::Diagnostic naming the file and position of a broken one.
std::unique_ptr<Store> load_store(const std::string& data_dir);

// Parses one dataset file's text. Throws base::Diagnostic("serve: --data", "<name>: parse error at
// line L, column C: <reason> (byte B)") when it is not JSON; `name` is what the message calls
// the file (its path).
nlohmann::json parse_dataset_file(std::string_view text, const std::string& name);

// A store holding the dataset compiled into the binary.
std::unique_ptr<Store> load_embedded_dataset();

// A store holding DIR/<resource>.json for every resource. Throws base::Diagnostic naming the
// file and the parse position, or the bad record ("<file>: record at index 3: ...").
std::unique_ptr<Store> load_dataset_dir(const std::string& dir);

}  // namespace swapi::server
