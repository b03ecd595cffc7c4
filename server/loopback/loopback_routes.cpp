// The LoopBack 3 flavor (DESIGN.md "HTTP surface"): the REST API LoopBack 3 exposes for a
// PersistedModel, over the shared store.
//
//   GET    /api/{res}                     find      ?filter= (JSON or filter[...] bracket form)
//   GET    /api/{res}/count               count     ?where=
//   GET    /api/{res}/findOne             findOne   ?filter=          404 MODEL_NOT_FOUND when none
//   GET    /api/{res}/{id}                findById  ?filter= (fields)  404 MODEL_NOT_FOUND
//   GET    /api/{res}/{id}/exists         exists    {"exists": bool}
//   POST   /api/{res}                     create    200 with the record and its assigned id
//   PUT    /api/{res}                     replaceOrCreate (also POST /api/{res}/replaceOrCreate)
//   PATCH  /api/{res}                     patchOrCreate (upsert)
//   POST   /api/{res}/upsertWithWhere     upsertWithWhere ?where=
//   POST   /api/{res}/update              updateAll ?where=  {"count": n}
//   PUT    /api/{res}/{id}                replaceById (also POST /api/{res}/{id}/replace)
//   PATCH  /api/{res}/{id}                patchAttributes (shallow merge)
//   DELETE /api/{res}/{id}                deleteById {"count": 1|0}
//
// Errors are LoopBack's {"error":{"statusCode","name","message","code"}}; where LoopBack
// itself answers a case, its message (and its lack of a code) is kept. Codes of our own:
// INVALID_FILTER (400), INVALID_BODY (400), MODEL_NOT_FOUND (404), UNSUPPORTED_MEDIA_TYPE
// (415), DUPLICATE_ID (409), PERSIST_FAILED (503). An id that is not a positive decimal
// integer ("abc", "0", "1.5", 10^30) names no record: the same answer as for an id that is
// simply absent. A trailing slash is accepted everywhere (Express's default routing).
#include "server/loopback/loopback_routes.h"

#include <httplib.h>

#include "server/data/persistence.h"
#include "server/data/store.h"
#include "server/loopback/loopback_answers.h"
#include "server/loopback/loopback_model_writes.h"
#include "server/loopback/loopback_reads.h"
#include "server/loopback/loopback_writes.h"
#include "server/options.h"
#include "server/web/api_path.h"

namespace swapi::server {

namespace {

class LoopbackRoutes {
 public:
  LoopbackRoutes(const FlavorContext& context, std::shared_ptr<PersistLock> lock)
      : site_{context.store, context.scheme, context.fallback_host}, persist_lock_(std::move(lock)) {}

  void handle(const httplib::Request& request, httplib::Response& response) const {
    auto segments = api_segments(request.path);
    if (!segments || segments->empty() || segments->size() > 3) return no_route(request, response);
    std::string resource((*segments)[0]);
    if (!site_.store.has(resource)) return no_route(request, response);
    const auto& method = request.method;
    bool get = method == "GET" || method == "HEAD";

    if (segments->size() == 1) {
      if (get) return find(site_, request, response, resource);
      if (method == "POST") return create(site_, request, response, resource);
      // LoopBack 3's replaceOnPUT default: PUT replaces, PATCH merges (upsert).
      if (method == "PUT") return replace_or_create(site_, request, response, resource);
      if (method == "PATCH") return patch_or_create(site_, request, response, resource);
      return no_route(request, response);
    }
    auto second = (*segments)[1];
    if (segments->size() == 3) {
      auto third = (*segments)[2];
      if (get && third == "exists") return exists(site_, response, resource, second);
      if (method == "POST" && third == "replace") return replace_by_id(site_, request, response, resource, second);
      return no_route(request, response);
    }
    // The named methods come before /{id}, as LoopBack registers them.
    if (get && second == "count") return count(site_, request, response, resource);
    if (get && second == "findOne") return find_one(site_, request, response, resource);
    if (method == "POST") {
      if (second == "replaceOrCreate") return replace_or_create(site_, request, response, resource);
      if (second == "upsertWithWhere") return upsert_with_where(site_, request, response, resource);
      if (second == "update") return update_all(site_, request, response, resource);
      return no_route(request, response);
    }
    if (get) return find_by_id(site_, request, response, resource, second);
    if (method == "PUT") return replace_by_id(site_, request, response, resource, second);
    if (method == "PATCH") return patch_by_id(site_, request, response, resource, second);
    if (method == "DELETE") return remove(site_, response, resource, second);
    return no_route(request, response);
  }

 private:
  LoopbackSite site_;
  std::shared_ptr<PersistLock> persist_lock_;  // held while the routes can write
};

}  // namespace

void register_loopback_routes(httplib::Server& http, const FlavorContext& context, const ServeOptions& options) {
  std::shared_ptr<PersistLock> lock;
  if (!options.persist_file.empty()) lock = attach_persistence(context.store, options.persist_file, context.log);
  // One pattern for all of /api: the handler splits the path itself (cheaper than a regex per
  // route, and one place for the 404 rules).
  static const char* kApi = "/api(/.*)?";
  auto routes = std::make_shared<const LoopbackRoutes>(context, std::move(lock));
  auto handler = [routes](const httplib::Request& request, httplib::Response& response) {
    routes->handle(request, response);
  };
  http.Get(kApi, handler);
  http.Post(kApi, handler);
  http.Put(kApi, handler);
  http.Patch(kApi, handler);
  http.Delete(kApi, handler);
}

}  // namespace swapi::server
