#pragma once
// JSON error bodies in each flavor's shape. Every 4xx/5xx the server sends is JSON.
#include <string>
#include <string_view>

namespace httplib { struct Response; }

namespace swapi::server {

// A 200 JSON body. Moved in: Response::set_content copies its argument (cpp-httplib 0.11), and
// bodies here are whole pages of records.
void send_json(httplib::Response& response, std::string&& body);

// "Not Found", "Bad Request"... for a status code.
std::string_view reason_phrase(int status) noexcept;

// swapi.dev shape: {"detail": "..."}
void set_json_error(httplib::Response& response, int status, std::string_view detail);

// LoopBack 3 shape: {"error": {"statusCode", "name", "message", "code"?}}; an empty name
// becomes "Error", an empty code is left out.
void set_loopback_error(httplib::Response& response, int status, std::string_view message,
                        std::string_view code = {}, std::string_view name = {});

}  // namespace swapi::server
