// The LoopBack 3 flavor (DESIGN.md "HTTP surface"): the REST API LoopBack 3 exposes for a
// PersistedModel, over the shared store.
//
//   GET    /api/{res}               find      ?filter= (JSON or filter[...] bracket form)
//   GET    /api/{res}/count         count     ?where=
//   GET    /api/{res}/findOne       findOne   ?filter=          404 MODEL_NOT_FOUND when none
//   GET    /api/{res}/{id}          findById  ?filter= (fields)  404 MODEL_NOT_FOUND
//   GET    /api/{res}/{id}/exists   exists    {"exists": bool}
//   POST   /api/{res}               create    200 with the record and its assigned id
//   PUT    /api/{res}/{id}          replaceById
//   PATCH  /api/{res}/{id}          patchAttributes (shallow merge)
//   DELETE /api/{res}/{id}          deleteById {"count": 1|0}
//
// Errors are LoopBack's {"error":{"statusCode","name","message","code"}}. Codes:
// INVALID_FILTER (400), INVALID_BODY (400), MODEL_NOT_FOUND (404), UNSUPPORTED_MEDIA_TYPE
// (415), DUPLICATE_ID (409), PERSIST_FAILED (503). An id that is not a positive decimal
// integer ("abc", "0", "1.5", 10^30) names no record: 404 MODEL_NOT_FOUND, exists=false,
// DELETE count 0 — the same answer as for an id that is simply absent.
// A trailing slash is accepted everywhere (Express's default routing, as LoopBack's).
#include "server/loopback/loopback_routes.h"

#include <httplib.h>

#include <array>
#include <optional>

#include "base/ascii.h"
#include "base/json_text.h"
#include "server/data/persistence.h"
#include "server/data/resource_schema.h"
#include "server/data/store.h"
#include "server/loopback/loopback_filter.h"
#include "server/loopback/loopback_query.h"
#include "server/options.h"
#include "server/web/api_path.h"
#include "server/web/base_url.h"
#include "server/web/json_response.h"

namespace swapi::server {

namespace {

using nlohmann::json;

// Write bodies are re-serialised recursively (nlohmann's dump); a body nested deeper than any
// record needs is refused before it can exhaust the stack.
constexpr int kMaxBodyDepth = 32;

// LoopBack names a model in the singular; the REST path is the plural.
struct ModelName {
  std::string_view resource, model;
};
constexpr std::array<ModelName, 6> kModelNames = {{{"films", "Film"}, {"people", "Person"}, {"planets", "Planet"},
                                                   {"species", "Species"}, {"starships", "Starship"},
                                                   {"vehicles", "Vehicle"}}};

std::string model_name(std::string_view resource) {
  for (const auto& entry : kModelNames) {
    if (entry.resource == resource) return std::string(entry.model);
  }
  return std::string(resource);
}

void model_not_found(httplib::Response& response, std::string_view resource, std::string_view id) {
  set_loopback_error(response, 404, "Unknown \"" + model_name(resource) + "\" id \"" + std::string(id) + "\".",
                     "MODEL_NOT_FOUND");
}

void invalid_filter(httplib::Response& response, const FilterError& error) {
  set_loopback_error(response, 400, error.what(), "INVALID_FILTER");
}

void invalid_body(httplib::Response& response, const std::string& message) {
  set_loopback_error(response, 400, message, "INVALID_BODY");
}

// Express's "Cannot GET /path" for a method and path no route handles.
void no_route(const httplib::Request& request, httplib::Response& response) {
  set_loopback_error(response, 404, "Cannot " + request.method + " " + request.path);
}

// A positive id from a body's "id": an integer, or a string of digits (LoopBack coerces).
std::optional<RecordId> body_id(const json& value) {
  if (value.is_number_unsigned()) {
    auto id = value.get<std::uint64_t>();
    if (id >= 1 && id <= static_cast<std::uint64_t>(kMaxRecordId)) return static_cast<RecordId>(id);
  } else if (value.is_number_integer()) {
    auto id = value.get<std::int64_t>();
    if (id >= 1 && id <= kMaxRecordId) return id;
  } else if (value.is_string()) {
    return parse_record_id(value.get_ref<const std::string&>());
  }
  return std::nullopt;
}

std::string shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

// application/json, with parameters (charset) and structured-syntax suffixes (+json) allowed.
bool is_json_media_type(std::string_view content_type) {
  auto media = base::to_lower(base::trim(content_type.substr(0, content_type.find(';'))));
  return media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"));
}

class LoopbackRoutes {
 public:
  LoopbackRoutes(const FlavorContext& context, std::shared_ptr<PersistLock> lock)
      : store_(context.store), scheme_(context.scheme), fallback_host_(context.fallback_host),
        persist_lock_(std::move(lock)) {}

  void handle(const httplib::Request& request, httplib::Response& response) const {
    auto segments = api_segments(request.path);
    if (!segments || segments->empty() || segments->size() > 3) return no_route(request, response);
    std::string resource((*segments)[0]);
    if (!store_.has(resource)) return no_route(request, response);
    const auto& method = request.method;
    bool get = method == "GET" || method == "HEAD";

    if (segments->size() == 1) {
      if (get) return find(request, response, resource);
      if (method == "POST") return create(request, response, resource);
      return no_route(request, response);
    }
    auto second = (*segments)[1];
    if (segments->size() == 2 && get && second == "count") return count(request, response, resource);
    if (segments->size() == 2 && get && second == "findOne") return find_one(request, response, resource);
    if (segments->size() == 3) {
      if (get && (*segments)[2] == "exists") return exists(response, resource, second);
      return no_route(request, response);
    }
    if (get) return find_by_id(request, response, resource, second);
    if (method == "PUT" || method == "PATCH") return update(request, response, resource, second, method == "PUT");
    if (method == "DELETE") return remove(response, resource, second);
    return no_route(request, response);
  }

 private:
  std::string base_url(const httplib::Request& request) const {
    return request_base_url(request, scheme_, fallback_host_);
  }

  // The ?filter= of a request; nullopt after answering 400 INVALID_FILTER.
  static std::optional<Filter> request_filter(const httplib::Request& request, httplib::Response& response) {
    try {
      auto filter = query_parameter_json(request.params, "filter");
      return filter ? parse_filter(*filter) : Filter{};
    } catch (const FilterError& error) {
      invalid_filter(response, error);
      return std::nullopt;
    }
  }

  void find(const httplib::Request& request, httplib::Response& response, const std::string& resource) const {
    auto filter = request_filter(request, response);
    if (!filter) return;
    auto collection = store_.snapshot(resource);
    send_json(response, render_records(select_records(*collection, *filter), filter->fields, base_url(request)));
  }

  void find_one(const httplib::Request& request, httplib::Response& response, const std::string& resource) const {
    auto filter = request_filter(request, response);
    if (!filter) return;
    filter->limit = 1;
    auto collection = store_.snapshot(resource);
    auto found = select_records(*collection, *filter);
    if (found.empty()) {
      set_loopback_error(response, 404, "No \"" + model_name(resource) + "\" matches the filter.", "MODEL_NOT_FOUND");
      return;
    }
    std::string body;
    append_record(body, *found.front(), filter->fields, base_url(request));
    send_json(response, std::move(body));
  }

  void count(const httplib::Request& request, httplib::Response& response, const std::string& resource) const {
    WhereNode where;
    try {
      if (auto given = query_parameter_json(request.params, "where")) where = parse_where(*given);
    } catch (const FilterError& error) {
      return invalid_filter(response, error);
    }
    auto collection = store_.snapshot(resource);
    send_json(response, "{\"count\":" + std::to_string(count_matches(*collection, where)) + "}");
  }

  void find_by_id(const httplib::Request& request, httplib::Response& response, const std::string& resource,
                  std::string_view id_text) const {
    auto filter = request_filter(request, response);  // only its fields apply to one record
    if (!filter) return;
    auto id = parse_record_id(id_text);
    RecordPtr record = id ? store_.snapshot(resource)->find(*id) : nullptr;
    if (!record) return model_not_found(response, resource, id_text);
    std::string body;
    append_record(body, *record, filter->fields, base_url(request));
    send_json(response, std::move(body));
  }

  void exists(httplib::Response& response, const std::string& resource, std::string_view id_text) const {
    auto id = parse_record_id(id_text);
    bool found = id && store_.snapshot(resource)->find(*id);
    send_json(response, found ? "{\"exists\":true}" : "{\"exists\":false}");
  }

  // The request body as a JSON object ready for the store, or nullopt after answering
  // 415/400. "url" is derived, so a record read and written back loses it; absolute links to
  // this server become the stored relative form.
  std::optional<json> read_body(const httplib::Request& request, httplib::Response& response,
                                const std::string& resource) const {
    if (!request.has_header("Content-Type")) {
      set_loopback_error(response, 415, "the request has no Content-Type; send a JSON object as application/json",
                         "UNSUPPORTED_MEDIA_TYPE");
      return std::nullopt;
    }
    auto content_type = request.get_header_value("Content-Type");
    if (!is_json_media_type(content_type)) {
      set_loopback_error(response, 415, "Content-Type must be application/json, not \"" + content_type + "\"",
                         "UNSUPPORTED_MEDIA_TYPE");
      return std::nullopt;
    }
    if (request.body.empty()) {
      invalid_body(response, "the request body is empty; send a JSON object");
      return std::nullopt;
    }
    json body;
    try {
      body = base::parse_json_within_depth(request.body, kMaxBodyDepth);
    } catch (const json::exception& error) {
      invalid_body(response, "the request body is not valid JSON: " + base::json_error_reason(error));
      return std::nullopt;
    } catch (const base::JsonTooDeep& error) {
      invalid_body(response, std::string("the request body ") + error.what());
      return std::nullopt;
    }
    if (!body.is_object()) {
      invalid_body(response, std::string("the request body must be a JSON object, not ") + body.type_name());
      return std::nullopt;
    }
    body.erase("url");
    relativise_links(body, resource, base_url(request));
    return body;
  }

  static void relativise_links(json& body, const std::string& resource, const std::string& base) {
    const ResourceSchema* schema = find_resource_schema(resource);
    if (!schema) return;
    auto relative = [&base](json& link) {
      if (!link.is_string()) return;
      const auto& text = link.get_ref<const std::string&>();
      if (text.size() > base.size() && text.starts_with(base) && text[base.size()] == '/') link = text.substr(base.size());
    };
    for (const auto& spec : schema->fields) {
      auto found = body.find(spec.name);
      if (found == body.end()) continue;
      if (spec.kind == FieldKind::link) relative(*found);
      if (spec.kind == FieldKind::link_list && found->is_array()) {
        for (auto& link : *found) relative(link);
      }
    }
  }

  // Runs a store write; a persistence failure (nothing was published) becomes a 503.
  template <typename Write>
  static bool run_write(httplib::Response& response, Write&& write) {
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

  void send_record(const httplib::Request& request, httplib::Response& response, const Record& record) const {
    std::string body;
    record.loopback_text.append_to(body, base_url(request));
    send_json(response, std::move(body));
  }

  void create(const httplib::Request& request, httplib::Response& response, const std::string& resource) const {
    auto body = read_body(request, response, resource);
    if (!body) return;
    auto given = body->find("id");
    if (given != body->end() && !given->is_null()) {
      auto id = body_id(*given);
      if (!id) return invalid_body(response, "id must be a positive integer, not " + shown(*given));
      // store.h: ids above kMaxChosenId are kept for automatic ones, so they never run out.
      if (*id > kMaxChosenId)
        return invalid_body(response, "id " + std::to_string(*id) + " is above " + std::to_string(kMaxChosenId) +
                                          ", the largest id a client may choose (larger ones are handed out automatically)");
      if (store_.snapshot(resource)->find(*id)) {
        set_loopback_error(response, 409, "id " + std::to_string(*id) + " is already taken by another " + model_name(resource),
                           "DUPLICATE_ID");
        return;
      }
      *given = *id;
    }
    RecordPtr record;
    if (!run_write(response, [&] { record = store_.create(resource, std::move(*body)); })) return;
    send_record(request, response, *record);
  }

  void update(const httplib::Request& request, httplib::Response& response, const std::string& resource,
              std::string_view id_text, bool replace) const {
    auto id = parse_record_id(id_text);
    if (!id || !store_.snapshot(resource)->find(*id)) return model_not_found(response, resource, id_text);
    auto body = read_body(request, response, resource);
    if (!body) return;
    auto given = body->find("id");
    if (given != body->end()) {
      if (!given->is_null() && body_id(*given) != id)
        return invalid_body(response, "id " + shown(*given) + " in the body does not match the id " + std::to_string(*id) +
                                          " in the URL");
      body->erase(given);
    }
    RecordPtr record;
    bool written = run_write(response, [&] {
      record = replace ? store_.replace(resource, *id, std::move(*body)) : store_.merge(resource, *id, *body);
    });
    if (!written) return;
    if (!record) return model_not_found(response, resource, id_text);  // deleted meanwhile
    send_record(request, response, *record);
  }

  void remove(httplib::Response& response, const std::string& resource, std::string_view id_text) const {
    auto id = parse_record_id(id_text);
    bool removed = false;
    if (id && !run_write(response, [&] { removed = store_.remove(resource, *id); })) return;
    send_json(response, removed ? "{\"count\":1}" : "{\"count\":0}");
  }

  Store& store_;
  std::string scheme_;
  std::string fallback_host_;
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
