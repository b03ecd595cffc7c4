#include "server/loopback/loopback_writes.h"

#include <httplib.h>

#include "server/data/record_id.h"
#include "server/data/store.h"
#include "server/loopback/loopback_answers.h"
#include "server/loopback/loopback_body.h"
#include "server/loopback/loopback_write_support.h"
#include "server/web/json_response.h"

namespace swapi::server {

namespace {

// The body's "id", when given and not null, must name the record the route writes; it is then
// dropped (the store keeps ids outside the fields).
bool same_id_or_none(nlohmann::json& body, RecordId id) {
  auto given = body.find("id");
  if (given == body.end()) return true;
  if (!given->is_null() && body_id(*given) != id) return false;
  body.erase(given);
  return true;
}

// The id as LoopBack prints it in its messages: the JSON text of a number, a string unquoted.
std::string printed_id(const nlohmann::json& id) {
  return id.is_string() ? id.get<std::string>() : id.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void create(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
            const std::string& resource) {
  auto body = read_body(request, response, resource, site.base_url(request));
  if (!body || !check_body_id(site, response, resource, *body, false)) return;
  RecordPtr record;
  if (!run_write(response, [&] { record = site.store.create(resource, std::move(*body)); })) return;
  send_record(site, request, response, *record);
}

void replace_by_id(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                   const std::string& resource, std::string_view id_text) {
  auto body = read_body(request, response, resource, site.base_url(request));
  if (!body) return;
  auto id = parse_record_id(id_text);
  // juggler's replaceById checks the id before it asks the connector, whose answer for an
  // absent record is a 404 without a code.
  if (id && !same_id_or_none(*body, *id)) {
    set_loopback_error(response, 400, "id property (id) cannot be updated from " + std::to_string(*id) + " to " +
                                          printed_id(body->at("id")));
    return;
  }
  auto not_found = [&] {
    set_loopback_error(response, 404, "Could not replace. Object with id " + std::string(id_text) + " does not exist!");
  };
  if (!id || !site.store.snapshot(resource)->find(*id)) return not_found();
  RecordPtr record;
  if (!run_write(response, [&] { record = site.store.replace(resource, *id, std::move(*body)); })) return;
  if (!record) return not_found();  // deleted meanwhile
  send_record(site, request, response, *record);
}

void patch_by_id(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                 const std::string& resource, std::string_view id_text) {
  // A prototype method: strong-remoting finds the instance first (404 MODEL_NOT_FOUND).
  auto id = parse_record_id(id_text);
  if (!id || !site.store.snapshot(resource)->find(*id)) return model_not_found(response, resource, id_text);
  auto body = read_body(request, response, resource, site.base_url(request));
  if (!body) return;
  if (!same_id_or_none(*body, *id)) return id_cannot_change(response, *id, body->at("id"));
  RecordPtr record;
  if (!run_write(response, [&] { record = site.store.merge(resource, *id, *body); })) return;
  if (!record) return model_not_found(response, resource, id_text);  // deleted meanwhile
  send_record(site, request, response, *record);
}

void id_cannot_change(httplib::Response& response, RecordId id, const nlohmann::json& given) {
  // juggler's updateAttributes says this whether or not forceId is set.
  set_loopback_error(response, 400, "id cannot be updated from " + std::to_string(id) + " to " + printed_id(given) +
                                        " when forceId is set to true");
}

void remove(const LoopbackSite& site, httplib::Response& response, const std::string& resource,
            std::string_view id_text) {
  auto id = parse_record_id(id_text);
  bool removed = false;
  if (id && !run_write(response, [&] { removed = site.store.remove(resource, *id); })) return;
  send_json(response, removed ? "{\"count\":1}" : "{\"count\":0}");
}

}  // namespace swapi::server
