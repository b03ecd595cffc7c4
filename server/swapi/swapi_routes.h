#pragma once
// The swapi.dev flavor's routes (DESIGN.md "HTTP surface": swapi).
#include "server/web/flavor_context.h"

namespace httplib { class Server; }

namespace swapi::server {

void register_swapi_routes(httplib::Server& http, const FlavorContext& context);

}  // namespace swapi::server
