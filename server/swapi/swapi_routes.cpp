// The swapi.dev flavor (DESIGN.md "HTTP surface"): GET /api/, /api/{res}/ (pages of 10 with
// ?page= and ?search=), /api/{res}/{id}/, /api/{res}/schema; trailing slash optional.
// ?format=json is the default; ?format=wookiee translates every answer of these routes, errors
// included (wookiee.h), as Django REST framework renders them all with the chosen renderer; any
// other format is DRF's 404 (swapi.dev's "api", the browsable HTML pages, is not served).
#include "server/swapi/swapi_routes.h"

#include <httplib.h>

#include <array>

#include "server/data/resource_schema.h"
#include "server/data/store.h"
#include "server/swapi/swapi_query.h"
#include "server/swapi/wookiee.h"
#include "server/web/api_path.h"
#include "server/web/base_url.h"
#include "server/web/json_response.h"

namespace swapi::server {

namespace {

constexpr const char* kJson = "application/json";

void not_found(httplib::Response& response) { set_json_error(response, 404, "Not found"); }

class SwapiRoutes {
 public:
  explicit SwapiRoutes(const FlavorContext& context)
      : store_(context.store), scheme_(context.scheme), fallback_host_(context.fallback_host) {}

  void handle(const httplib::Request& request, httplib::Response& response) const {
    std::string format = request.get_param_value("format");
    if (!format.empty() && format != "json" && format != "wookiee") return not_found(response);
    route(request, response, format);
    if (format == "wookiee") response.body = to_wookiee(response.body);
  }

 private:
  void route(const httplib::Request& request, httplib::Response& response, const std::string& format) const {
    auto segments = api_segments(request.path);
    if (!segments || segments->size() > 2) return not_found(response);
    const ResourceSchema* schema = segments->empty() ? nullptr : find_resource_schema((*segments)[0]);
    if (!segments->empty() && (!schema || !store_.has(schema->name))) return not_found(response);
    // swapi.dev is read-only: every other method on a route is 405 in DRF's words.
    if (request.method == "OPTIONS") {
      response.set_header("Allow", "GET, HEAD, OPTIONS");
      response.set_content(R"({"renders":["application/json"],"parses":["application/json"]})", kJson);
      return;
    }
    if (request.method != "GET" && request.method != "HEAD") {
      set_json_error(response, 405, "Method \"" + request.method + "\" not allowed.");
      response.set_header("Allow", "GET, HEAD, OPTIONS");
      return;
    }
    if (segments->empty()) return root(request, response);
    if (segments->size() == 1) return list(request, response, *schema, format);
    if ((*segments)[1] == "schema") {
      response.set_content(json_schema(*schema).dump(), kJson);
      return;
    }
    auto id = parse_record_id((*segments)[1]);
    if (!id) return not_found(response);
    auto record = store_.snapshot(schema->name)->find(*id);
    if (!record) return not_found(response);
    std::string body;
    record->swapi_text().append_to(body, base_url(request));
    send_json(response, std::move(body));
  }

  std::string base_url(const httplib::Request& request) const {
    return request_base_url(request, scheme_, fallback_host_);
  }

  // swapi.dev's root lists people, planets, films, species, vehicles, starships in this order.
  void root(const httplib::Request& request, httplib::Response& response) const {
    static constexpr std::array<std::string_view, 6> kOrder = {"people", "planets", "films",
                                                               "species", "vehicles", "starships"};
    std::string base = base_url(request);
    std::string body = "{";
    for (auto name : kOrder) {
      if (!store_.has(name)) continue;
      if (body.size() > 1) body += ',';
      body += '"';
      body += name;
      body += "\":\"";
      body += base;
      body += "/api/";
      body += name;
      body += "/\"";
    }
    body += '}';
    send_json(response, std::move(body));
  }

  void list(const httplib::Request& request, httplib::Response& response, const ResourceSchema& schema,
            const std::string& format) const {
    std::string search = request.get_param_value("search");
    auto terms = search_terms(search);
    auto collection = store_.snapshot(schema.name);
    std::vector<const Record*> matches;
    matches.reserve(collection->records.size());
    for (const auto& record : collection->records) {
      if (matches_search(*record, schema.search_fields, terms)) matches.push_back(record.get());
    }

    std::size_t pages = page_count(matches.size());
    std::size_t page = 1;
    if (request.has_param("page")) {
      auto wanted = parse_page(request.get_param_value("page"), pages);
      if (!wanted) return not_found(response);
      page = *wanted;
    }

    std::string base = base_url(request);
    std::string body = "{\"count\":" + std::to_string(matches.size()) + ",\"next\":";
    auto link = [&](std::size_t target) {
      body += '"';
      body += page_link(base, schema.name, target, search, format);
      body += '"';
    };
    if (page < pages) link(page + 1); else body += "null";
    body += ",\"previous\":";
    if (page > 1) link(page - 1); else body += "null";
    body += ",\"results\":[";
    std::size_t first = (page - 1) * kSwapiPageSize;
    std::size_t last = std::min(first + kSwapiPageSize, matches.size());
    for (std::size_t i = first; i < last; ++i) {
      if (i > first) body += ',';
      matches[i]->swapi_text().append_to(body, base);
    }
    body += "]}";
    send_json(response, std::move(body));
  }

  const Store& store_;
  std::string scheme_;
  std::string fallback_host_;
};

}  // namespace

void register_swapi_routes(httplib::Server& http, const FlavorContext& context) {
  // One pattern for all of /api: the handler splits the path itself, which is cheaper than a
  // regex per route on the hot path and gives one place for the 404 rules.
  static const char* kApi = "/api(/.*)?";
  auto routes = std::make_shared<const SwapiRoutes>(context);
  auto handler = [routes](const httplib::Request& request, httplib::Response& response) {
    routes->handle(request, response);
  };
  http.Get(kApi, handler);
  http.Post(kApi, handler);
  http.Put(kApi, handler);
  http.Patch(kApi, handler);
  http.Delete(kApi, handler);
  http.Options(kApi, handler);
}

}  // namespace swapi::server
