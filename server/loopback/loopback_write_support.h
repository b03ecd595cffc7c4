#pragma once
// Steps every LoopBack write route shares: checking a body's "id", running the store write
// (persistence failures become 503), answering with the written record.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "server/data/persistence.h"
#include "server/data/record.h"
#include "server/web/json_response.h"

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

struct LoopbackSite;

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
    // The body was checked before the write; what is left is a concurrent write taking the
    // id or changing what a where picks (or the id space running out).
    set_loopback_error(response, 409, error.what(), "DUPLICATE_ID");
  }
  return false;
}

// 200 with the record in LoopBack's shape.
void send_record(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                 const Record& record);

// For a write that may create: the body's "id", when present and not null, must be a positive
// integer (a string of digits is converted, as LoopBack coerces) and, unless it names an
// existing record (`may_exist`), at most kMaxChosenId and free. False after answering 400/409.
bool check_body_id(const LoopbackSite& site, httplib::Response& response, const std::string& resource,
                   nlohmann::json& body, bool may_exist);

}  // namespace swapi::server
