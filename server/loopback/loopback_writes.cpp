#include "server/loopback/loopback_writes.h"

#include <httplib.h>

#include <stdexcept>

#include "server/data/persistence.h"
#include "server/data/store.h"
#include "server/loopback/loopback_answers.h"
#include "server/loopback/loopback_body.h"
#include "server/loopback/loopback_filter.h"
#include "server/swapi/swapi_query.h"
#include "server/web/json_response.h"

namespace swapi::server {

namespace {

using nlohmann::json;

// Runs a store write; a persistence failure (nothing was published) becomes a 503.
template <typename Write>
bool run_write(httplib::Response& response, Write&& write) {
  try {
    write();
    return true;
  } catch (const PersistError& error) {
    set_loopback_error(response, 503, std::string("the write was not saved, nothing changed: ") + error.what(),
                       "PERSIST_FAILED");
  } catch (const std::invalid_argument& error) {
    // The body was checked before the write; what is left is a concurrent create taking the
    // id (or the id space running out).
    set_loopback_error(response, 409, error.what(), "DUPLICATE_ID");
  }
  return false;
}

void send_record(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                 const Record& record) {
  std::string body;
  record.loopback_text.append_to(body, site.base_url(request));
  send_json(response, std::move(body));
}

}  // namespace

void create(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
            const std::string& resource) {
  auto body = read_body(request, response, resource, site.base_url(request));
  if (!body) return;
  auto given = body->find("id");
  if (given != body->end() && !given->is_null()) {
    auto id = body_id(*given);
    if (!id) return invalid_body(response, "id must be a positive integer, not " + shown_json(*given));
    // store.h: ids above kMaxChosenId are kept for automatic ones, so they never run out.
    if (*id > kMaxChosenId)
      return invalid_body(response, "id " + std::to_string(*id) + " is above " + std::to_string(kMaxChosenId) +
                                        ", the largest id a client may choose (larger ones are handed out automatically)");
    if (site.store.snapshot(resource)->find(*id)) {
      set_loopback_error(response, 409, "id " + std::to_string(*id) + " is already taken by another " + model_name(resource),
                         "DUPLICATE_ID");
      return;
    }
    *given = *id;
  }
  RecordPtr record;
  if (!run_write(response, [&] { record = site.store.create(resource, std::move(*body)); })) return;
  send_record(site, request, response, *record);
}

void update(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
            const std::string& resource, std::string_view id_text, bool replace) {
  auto id = parse_record_id(id_text);
  if (!id || !site.store.snapshot(resource)->find(*id)) return model_not_found(response, resource, id_text);
  auto body = read_body(request, response, resource, site.base_url(request));
  if (!body) return;
  auto given = body->find("id");
  if (given != body->end()) {
    if (!given->is_null() && body_id(*given) != id)
      return invalid_body(response, "id " + shown_json(*given) + " in the body does not match the id " + std::to_string(*id) +
                                        " in the URL");
    body->erase(given);
  }
  RecordPtr record;
  bool written = run_write(response, [&] {
    record = replace ? site.store.replace(resource, *id, std::move(*body)) : site.store.merge(resource, *id, *body);
  });
  if (!written) return;
  if (!record) return model_not_found(response, resource, id_text);  // deleted meanwhile
  send_record(site, request, response, *record);
}

void remove(const LoopbackSite& site, httplib::Response& response, const std::string& resource,
            std::string_view id_text) {
  auto id = parse_record_id(id_text);
  bool removed = false;
  if (id && !run_write(response, [&] { removed = site.store.remove(resource, *id); })) return;
  send_json(response, removed ? "{\"count\":1}" : "{\"count\":0}");
}

}  // namespace swapi::server
