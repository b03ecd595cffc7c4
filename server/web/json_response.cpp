#include "server/web/json_response.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace swapi::server {

void send_json(httplib::Response& response, std::string&& body) {
  response.body = std::move(body);
  response.set_header("Content-Type", "application/json");
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Server Error" : "Client Error";
  }
}

void set_json_error(httplib::Response& response, int status, std::string_view detail) {
  response.status = status;
  response.set_content(nlohmann::json{{"detail", detail}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json");
}

void set_loopback_error(httplib::Response& response, int status, std::string_view message,
                        std::string_view code, std::string_view name) {
  nlohmann::json error = {{"statusCode", status},
                          {"name", name.empty() ? std::string_view("Error") : name},
                          {"message", message}};
  if (!code.empty()) error["code"] = code;
  response.status = status;
  response.set_content(nlohmann::json{{"error", error}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json");
}

}  // namespace swapi::server
