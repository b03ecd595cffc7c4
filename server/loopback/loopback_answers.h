#pragma once
// What every LoopBack route shares: the server it answers for (store, how to link back) and
// the LoopBack 3 error answers ({"error":{"statusCode","name","message","code"}}).
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

class Store;
struct FilterError;

struct LoopbackSite {
  Store& store;
  std::string scheme;
  std::string fallback_host;

  // "http://host:port" of this request (its Host header, else fallback_host).
  std::string base_url(const httplib::Request& request) const;
};

// LoopBack names a model in the singular ("Person"); the REST path is the plural ("people").
std::string model_name(std::string_view resource);

// 404 MODEL_NOT_FOUND: Unknown "Person" id "99". (strong-remoting's answer when the instance a
// prototype method needs is absent, and findById's.)
void model_not_found(httplib::Response& response, std::string_view resource, std::string_view id);

// 400 INVALID_FILTER with the parser's reason.
void invalid_filter(httplib::Response& response, const FilterError& error);

// 400 INVALID_BODY.
void invalid_body(httplib::Response& response, const std::string& message);

// Express's "Cannot GET /path" for a method and path no route handles.
void no_route(const httplib::Request& request, httplib::Response& response);

}  // namespace swapi::server
