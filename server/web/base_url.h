#pragma once
// What route handlers of every flavor share. Handlers build absolute links from the request's
// Host header so a server reached as http://localhost:8080 or via a tunnel links to itself.
#include <string>
#include <string_view>

namespace httplib { struct Request; }

namespace swapi::server {

// "http://127.0.0.1:8080" (no trailing slash) from the scheme and the request's Host header;
// falls back to fallback_host when the client sent none (HTTP/1.0).
std::string request_base_url(const httplib::Request& request, std::string_view scheme,
                             std::string_view fallback_host);

}  // namespace swapi::server
