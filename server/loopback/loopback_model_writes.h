#pragma once
// The LoopBack writes of a model as a whole (PersistedModel's static write methods; the
// writes of one record by id are in loopback_writes.h):
//
//   PUT   /api/{res}, POST /api/{res}/replaceOrCreate   replaceOrCreate: replace the record the
//                                                       body's id names, else create it
//   PATCH /api/{res}                                    patchOrCreate (upsert): merge into the
//                                                       record the body's id names, else create
//   POST  /api/{res}/upsertWithWhere?where=             no match: create; one: merge into it;
//                                                       more: 400, nothing written
//   POST  /api/{res}/update?where=                      updateAll: merge into every match (all
//                                                       records without where); {"count": n}
//
// Each answers 200; the models are not strict (LoopBack's default on the memory connector),
// so properties the schema does not name are stored too.
#include <string>

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

struct LoopbackSite;

void replace_or_create(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                       const std::string& resource);
void patch_or_create(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                     const std::string& resource);
void upsert_with_where(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                       const std::string& resource);
void update_all(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                const std::string& resource);

}  // namespace swapi::server
