#pragma once
// A small libcurl client: one request in, one response out, typed errors, explicit timeouts
// and TLS options. It knows nothing of tokens; callers add their own headers.
//
// Safety defaults (each a deliberate choice, not libcurl's default):
//  - only http and https, also across redirects (no file:, ftp:, gopher: ...);
//  - redirects not followed unless asked, and then curl drops Authorization on a cross-host
//    hop (we never set CURLOPT_UNRESTRICTED_AUTH);
//  - no proxy unless Options::proxy names one: libcurl would otherwise take one from
//    http_proxy, HTTPS_PROXY, ALL_PROXY..., so an ambient variable could route (and answer) a
//    request whose answer we trust, such as a JWKS. Loopback hosts never go through a proxy;
//  - TLS peer and host verification on; a response body size cap; no signals (threads).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/error.h"

namespace swapi::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<Header> headers;
  std::string body;  // sent when non-empty, or always for POST/PUT/PATCH
};

struct Options {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{5000};  // the whole transfer, redirects included
  std::size_t max_response_bytes = 8u << 20;
  bool follow_redirects = false;
  long max_redirects = 5;
  bool verify_tls = true;   // false only for an explicit --insecure
  std::string ca_file;      // PEM bundle; empty = the system store
  // A proxy URL as libcurl takes it ("http://proxy:3128", "socks5h://proxy:1080"); empty =
  // connect directly. The proxy environment variables are never read here: a caller that
  // wants them reads them itself and passes the value, so using a proxy is always a choice.
  // localhost, *.localhost, 127.0.0.0/8 and ::1 are reached directly even when one is set.
  std::string proxy;
  // Polled while the transfer runs (libcurl's progress callback: many times a second while
  // data flows, about once a second while it waits); true aborts it with Errc::cancelled.
  std::function<bool()> cancel;
};

struct Response {
  long status = 0;
  std::vector<Header> headers;  // the final response's headers, in order received
  std::string body;
  std::string effective_url;    // after redirects

  // The first header with this name (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
};

// One easy handle, reused across requests so connections are kept alive. Not thread-safe:
// use one Client per thread.
class Client {
 public:
  Client();  // loads libcurl on first use (curl_library.h); throws Error when it cannot
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  // Throws Error with the failing step; an HTTP error status is a Response, not an Error.
  Response send(const Request& request, const Options& options = {});

 private:
  struct Handle;  // libcurl stays out of this header
  std::unique_ptr<Handle> handle_;
};

// One request on a fresh handle.
Response fetch(const Request& request, const Options& options = {});

}  // namespace swapi::http
