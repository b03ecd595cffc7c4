#include "server/loopback/loopback_answers.h"

#include <httplib.h>

#include <array>

#include "server/loopback/loopback_filter.h"
#include "server/web/base_url.h"
#include "server/web/json_response.h"

namespace swapi::server {

namespace {

struct ModelName {
  std::string_view resource, model;
};
constexpr std::array<ModelName, 6> kModelNames = {{{"films", "Film"}, {"people", "Person"}, {"planets", "Planet"},
                                                   {"species", "Species"}, {"starships", "Starship"},
                                                   {"vehicles", "Vehicle"}}};

}  // namespace

std::string LoopbackSite::base_url(const httplib::Request& request) const {
  return request_base_url(request, scheme, fallback_host);
}

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

void no_route(const httplib::Request& request, httplib::Response& response) {
  set_loopback_error(response, 404, "Cannot " + request.method + " " + request.path);
}

}  // namespace swapi::server
