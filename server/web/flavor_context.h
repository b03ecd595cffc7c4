#pragma once
// What both REST flavors (DESIGN.md "HTTP surface") are given when they register their /api
// routes: the one in-memory store and how to link to this server. The server guards every
// route they register in its pre-routing handler.
#include <string>

namespace swapi::server {

class Store;

struct FlavorContext {
  Store& store;
  std::string scheme;         // "http" or "https"
  std::string fallback_host;  // host:port to link to when a request has no Host header
};

}  // namespace swapi::server
