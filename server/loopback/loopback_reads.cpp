#include "server/loopback/loopback_reads.h"

#include <httplib.h>

#include <optional>

#include "server/data/record_id.h"
#include "server/data/store.h"
#include "server/loopback/filter_params.h"
#include "server/loopback/loopback_answers.h"
#include "server/loopback/loopback_filter.h"
#include "server/loopback/loopback_query.h"
#include "server/web/json_response.h"

namespace swapi::server {

namespace {

// The ?filter= of a request; nullopt after answering 400 INVALID_FILTER.
std::optional<Filter> request_filter(const httplib::Request& request, httplib::Response& response) {
  try {
    auto filter = query_parameter_json(request.params, "filter");
    return filter ? parse_filter(*filter) : Filter{};
  } catch (const FilterError& error) {
    invalid_filter(response, error);
    return std::nullopt;
  }
}

}  // namespace

void find(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
          const std::string& resource) {
  auto filter = request_filter(request, response);
  if (!filter) return;
  auto collection = site.store.snapshot(resource);
  send_json(response, render_records(select_records(*collection, *filter), filter->fields, site.base_url(request)));
}

void find_one(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
              const std::string& resource) {
  auto filter = request_filter(request, response);
  if (!filter) return;
  filter->limit = 1;
  auto collection = site.store.snapshot(resource);
  auto found = select_records(*collection, *filter);
  if (found.empty()) {
    set_loopback_error(response, 404, "No \"" + model_name(resource) + "\" matches the filter.", "MODEL_NOT_FOUND");
    return;
  }
  std::string body;
  append_record(body, *found.front(), filter->fields, site.base_url(request));
  send_json(response, std::move(body));
}

void count(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
           const std::string& resource) {
  WhereNode where;
  try {
    if (auto given = query_parameter_json(request.params, "where")) where = parse_where(*given);
  } catch (const FilterError& error) {
    return invalid_filter(response, error);
  }
  auto collection = site.store.snapshot(resource);
  send_json(response, "{\"count\":" + std::to_string(count_matches(*collection, where)) + "}");
}

void find_by_id(const LoopbackSite& site, const httplib::Request& request, httplib::Response& response,
                const std::string& resource, std::string_view id_text) {
  auto filter = request_filter(request, response);  // only its fields apply to one record
  if (!filter) return;
  auto id = parse_record_id(id_text);
  RecordPtr record = id ? site.store.snapshot(resource)->find(*id) : nullptr;
  if (!record) return model_not_found(response, resource, id_text);
  std::string body;
  append_record(body, *record, filter->fields, site.base_url(request));
  send_json(response, std::move(body));
}

void exists(const LoopbackSite& site, httplib::Response& response, const std::string& resource,
            std::string_view id_text) {
  auto id = parse_record_id(id_text);
  bool found = id && site.store.snapshot(resource)->find(*id);
  send_json(response, found ? "{\"exists\":true}" : "{\"exists\":false}");
}

}  // namespace swapi::server
