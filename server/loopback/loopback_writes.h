#pragma once
// The LoopBack write routes of one record (loopback_routes.cpp dispatches to them; the writes
// of a model by body or where are in loopback_model_writes.h). Each runs one store write; with
// --persist the write is on disk before the answer (a failure is 503 PERSIST_FAILED and
// nothing changed). Messages are juggler's, word for word, where LoopBack answers the case.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/data/record.h"

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

struct LoopbackSite;

// POST /api/{res}: create, 200 with the record and its assigned id.
void create(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
            const std::string& resource);
// PUT /api/{res}/{id} and POST /api/{res}/{id}/replace (replaceById): the fields become the
// body's. 400 "id property (id) cannot be updated from 1 to 2", 404 "Could not replace. Object
// with id 99 does not exist!".
void replace_by_id(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                   const std::string& resource, std::string_view id_text);
// PATCH /api/{res}/{id} (patchAttributes): a shallow merge. 404 MODEL_NOT_FOUND first.
void patch_by_id(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                 const std::string& resource, std::string_view id_text);
// DELETE /api/{res}/{id}: {"count": 1|0}.
void remove(const LoopbackSite& site, httplib::Response& response, const std::string& resource,
            std::string_view id_text);

// 400 "id cannot be updated from 1 to 2 when forceId is set to true" (a merge whose body names
// another id).
void id_cannot_change(httplib::Response& response, RecordId id, const nlohmann::json& given);

}  // namespace swapi::server
