#include "server/loopback/loopback_model_writes.h"

#include <httplib.h>

#include <optional>

#include "server/data/store.h"
#include "server/loopback/filter_params.h"
#include "server/loopback/loopback_answers.h"
#include "server/loopback/loopback_body.h"
#include "server/loopback/loopback_filter.h"
#include "server/loopback/loopback_query.h"
#include "server/loopback/loopback_write_support.h"
#include "server/loopback/loopback_writes.h"
#include "server/web/json_response.h"

namespace swapi::server {

namespace {

// replaceOrCreate and patchOrCreate differ only in what happens to an existing record.
void put(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
         const std::string& resource, bool merge) {
  auto body = read_body(request, response, resource, site.base_url(request));
  if (!body || !check_body_id(site, response, resource, *body, true)) return;
  Store::PutResult result;
  if (!run_write(response, [&] { result = site.store.put(resource, std::move(*body), merge); })) return;
  send_record(site, request, response, *result.record);
}

// ?where= (JSON or bracket form); nullopt after answering 400. Absent: `absent`.
std::optional<WhereNode> request_where(const httplib::Request& request, httplib::Response& response,
                                       std::optional<WhereNode> absent) {
  try {
    auto given = query_parameter_json(request.params, "where");
    if (!given) {
      if (!absent) invalid_filter(response, FilterError("this route needs ?where= (a JSON where object)"));
      return absent;
    }
    return parse_where(*given);
  } catch (const FilterError& error) {
    invalid_filter(response, error);
    return std::nullopt;
  }
}

}  // namespace

void replace_or_create(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                       const std::string& resource) {
  put(site, request, response, resource, false);
}

void patch_or_create(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                     const std::string& resource) {
  put(site, request, response, resource, true);
}

void upsert_with_where(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                       const std::string& resource) {
  // LoopBack asserts the where is an object; without one its answer is a 500. Here: a 400.
  auto where = request_where(request, response, std::nullopt);
  if (!where) return;
  auto body = read_body(request, response, resource, site.base_url(request));
  if (!body) return;
  if (body->empty()) return set_loopback_error(response, 400, "data object cannot be empty!");
  auto select = [&where](const Record& record) { return matches(*where, record); };
  // What the store will decide, judged first on a snapshot so that each case gets LoopBack's
  // answer; a write racing in between is caught by the store (409).
  auto collection = site.store.snapshot(resource);
  std::vector<const Record*> picked;
  for (const auto& record : collection->records) {
    if (select(*record) && picked.size() < 2) picked.push_back(record.get());
  }
  if (picked.empty() && !check_body_id(site, response, resource, *body, false)) return;
  if (picked.size() == 1) {
    auto given = body->find("id");
    if (given != body->end() && !given->is_null() && body_id(*given) != picked.front()->id)
      return id_cannot_change(response, picked.front()->id, *given);
  }
  Store::UpsertResult result;
  if (!run_write(response, [&] { result = site.store.upsert_where(resource, select, std::move(*body)); })) return;
  if (!result.record)  // juggler's words, the missing space included
    return set_loopback_error(response, 400, "There are multiple instances found.Upsert Operation will not be performed!");
  send_record(site, request, response, *result.record);
}

void update_all(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                const std::string& resource) {
  auto where = request_where(request, response, WhereNode{});  // no where: every record
  if (!where) return;
  auto body = read_body(request, response, resource, site.base_url(request));
  if (!body) return;
  // The memory connector sets each record's own id over the body's: an "id" changes nothing.
  body->erase("id");
  std::size_t count = 0;
  auto select = [&where](const Record& record) { return matches(*where, record); };
  if (!run_write(response, [&] { count = site.store.update_all(resource, select, *body); })) return;
  send_json(response, "{\"count\":" + std::to_string(count) + "}");
}

}  // namespace swapi::server
