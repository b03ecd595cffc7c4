// LoopBack 3 flavor: placeholder so the binary links while the routes are being written.
#include "server/flavor.h"

namespace swapi::server {

void register_loopback_routes(httplib::Server&, const FlavorContext&, const ServeOptions&) {}

nlohmann::json loopback_openapi_paths(const Store&) { return nlohmann::json::object(); }

}  // namespace swapi::server
