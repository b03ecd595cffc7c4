#pragma once
// The LoopBack write routes (loopback_routes.cpp dispatches to them). Each runs one store write;
// with --persist the write is on disk before the answer (a failure is 503 PERSIST_FAILED and
// nothing changed).
#include <string>
#include <string_view>

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

struct LoopbackSite;

// POST /api/{res}: create, 200 with the record and its assigned id.
void create(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
            const std::string& resource);
// PUT /api/{res}/{id} (replace, as replaceById) and PATCH /api/{res}/{id} (patchAttributes).
void update(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
            const std::string& resource, std::string_view id_text, bool replace);
// DELETE /api/{res}/{id}: {"count": 1|0}.
void remove(const LoopbackSite& site, httplib::Response& response, const std::string& resource,
            std::string_view id_text);

}  // namespace swapi::server
