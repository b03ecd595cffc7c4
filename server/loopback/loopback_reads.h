#pragma once
// The LoopBack read routes (loopback_routes.cpp dispatches to them): find, findOne, count,
// findById, exists.
#include <string>
#include <string_view>

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

struct LoopbackSite;

// GET /api/{res}?filter=
void find(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
          const std::string& resource);
// GET /api/{res}/findOne?filter=: the first match, or 404 MODEL_NOT_FOUND.
void find_one(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
              const std::string& resource);
// GET /api/{res}/count?where=: {"count": n}.
void count(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
           const std::string& resource);
// GET /api/{res}/{id}?filter= (only its fields apply), or 404 MODEL_NOT_FOUND.
void find_by_id(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                const std::string& resource, std::string_view id_text);
// GET /api/{res}/{id}/exists: {"exists": bool}.
void exists(const LoopbackSite& site, httplib::Response& response, const std::string& resource,
            std::string_view id_text);

}  // namespace swapi::server
