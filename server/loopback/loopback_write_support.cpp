#include "server/loopback/loopback_write_support.h"

#include <httplib.h>

#include "server/data/store.h"
#include "server/loopback/loopback_answers.h"
#include "server/loopback/loopback_body.h"
#include "server/loopback/loopback_filter.h"

namespace swapi::server {

void send_record(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                 const Record& record) {
  std::string body;
  record.loopback_text().append_to(body, site.base_url(request));
  send_json(response, std::move(body));
}

bool check_body_id(const LoopbackSite& site, httplib::Response& response, const std::string& resource,
                   nlohmann::json& body, bool may_exist) {
  auto given = body.find("id");
  if (given == body.end() || given->is_null()) return true;
  auto id = body_id(*given);
  if (!id) {
    invalid_body(response, "id must be a positive integer, not " + shown_json(*given));
    return false;
  }
  *given = *id;
  bool exists = site.store.snapshot(resource)->find(*id) != nullptr;
  if (exists && may_exist) return true;
  // store.h: ids above kMaxChosenId are kept for automatic ones, so they never run out.
  if (*id > kMaxChosenId) {
    invalid_body(response, "id " + std::to_string(*id) + " is above " + std::to_string(kMaxChosenId) +
                               ", the largest id a client may choose (larger ones are handed out automatically)");
    return false;
  }
  if (exists) {
    set_loopback_error(response, 409, "id " + std::to_string(*id) + " is already taken by another " + model_name(resource),
                       "DUPLICATE_ID");
    return false;
  }
  return true;
}

}  // namespace swapi::server
