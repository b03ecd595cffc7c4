#pragma once
// The two REST flavors over one in-memory store (DESIGN.md "HTTP surface"). Each flavor
// registers its /api routes; the server guards them all in its pre-routing handler.
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace httplib { class Server; }

namespace swapi::server {

class Store;
struct ServeOptions;

struct FlavorContext {
  Store& store;
  std::string scheme;         // "http" or "https"
  std::string fallback_host;  // host:port to link to when a request has no Host header
  // The server's log, for what an operator must hear of (a write whose durability is in doubt).
  std::function<void(const std::string&)> log;
};

// The dataset named by options.data_dir, or the one compiled into the binary. Throws
// StartupError naming the file and position of a broken one. (server/dataset.cpp)
std::unique_ptr<Store> load_store(const ServeOptions& options);

// swapi.dev flavor (server/swapi_routes.cpp).
void register_swapi_routes(httplib::Server& http, const FlavorContext& context);
nlohmann::json swapi_openapi_paths(const Store& store);

// LoopBack 3 flavor (server/loopback_routes.cpp). With options.persist_file set, loads it at
// start (StartupError if corrupt) and makes each write durable before answering.
void register_loopback_routes(httplib::Server& http, const FlavorContext& context,
                              const ServeOptions& options);
nlohmann::json loopback_openapi_paths(const Store& store);

}  // namespace swapi::server
