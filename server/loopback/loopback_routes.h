#pragma once
// The LoopBack 3 flavor's routes (DESIGN.md "HTTP surface": loopback).
#include "server/web/flavor_context.h"

namespace httplib { class Server; }

namespace swapi::server {

struct ServeOptions;

// With options.persist_file set, loads it at start (base::Diagnostic if corrupt) and makes
// each write durable before answering.
void register_loopback_routes(httplib::Server& http, const FlavorContext& context,
                              const ServeOptions& options);

}  // namespace swapi::server
