#include "testkit/transport_error.h"

#include <cerrno>
#include <cstdio>

#include "http/url.h"

namespace swapi::testkit {

namespace {

std::string host_of(const std::string& url) {
  try {
    return http::parse_url(url).host;
  } catch (const http::Error&) {
    return {};
  }
}

// libcurl's own reason without our "METHOD URL: " prefix (the URL may hold a query token).
std::string curl_reason(const http::Error& error, const http::Request& request) {
  std::string prefix = request.method + " " + request.url + ": ";
  const std::string& detail = error.detail();
  return detail.starts_with(prefix) ? detail.substr(prefix.size()) : std::string();
}

std::string seconds_text(std::chrono::milliseconds timeout) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(timeout.count()) / 1000.0);
  return text;
}

std::string connect_reason(int os_errno) {
  switch (os_errno) {
    case ECONNREFUSED: return "connection refused";
    case EHOSTUNREACH: return "host unreachable";
    case ENETUNREACH: return "network unreachable";
    case ETIMEDOUT: return "connection timed out";
    default: return "cannot connect";
  }
}

}  // namespace

std::string transport_reason(const http::Error& error, const http::Request& request,
                             std::chrono::milliseconds timeout) {
  switch (error.code()) {
    case http::Errc::connect_failed: return connect_reason(error.os_errno());
    case http::Errc::resolve_failed: {
      std::string host = host_of(request.url);
      return host.empty() ? "cannot resolve the host name" : "cannot resolve host '" + host + "'";
    }
    case http::Errc::timeout: return "no answer within " + seconds_text(timeout);
    case http::Errc::tls_failed: {
      std::string reason = curl_reason(error, request);
      return reason.empty() ? "TLS handshake failed" : "TLS handshake failed: " + reason;
    }
    case http::Errc::invalid_url: return "not a valid http(s) URL";
    case http::Errc::unsupported_scheme: return "only http and https URLs are supported";
    case http::Errc::too_large: return "the answer is too large";
    case http::Errc::too_many_redirects: return "too many redirects";
    case http::Errc::cancelled: return "the transfer was cancelled";
    case http::Errc::transfer_failed: {
      std::string reason = curl_reason(error, request);
      return reason.empty() ? "the transfer failed" : "the transfer failed: " + reason;
    }
  }
  return "the transfer failed";
}

std::string transport_hint(const http::Error& error, const http::Request& request, std::string_view where) {
  if (error.code() == http::Errc::connect_failed && error.os_errno() == ECONNREFUSED &&
      http::is_loopback_host(host_of(request.url)))
    return "nothing listens there: start 'swapi serve', or point " + std::string(where) + " at your server";
  if (error.code() == http::Errc::tls_failed)
    return "for a server with a self-signed certificate, pass it with --cacert FILE";
  if (error.code() == http::Errc::timeout) return "a slow server may need a longer --timeout";
  return {};
}

bool target_unreachable(const http::Error& error) {
  switch (error.code()) {
    case http::Errc::connect_failed:
    case http::Errc::resolve_failed:
    case http::Errc::timeout:
    case http::Errc::tls_failed:
    case http::Errc::invalid_url:
    case http::Errc::unsupported_scheme: return true;
    default: return false;
  }
}

}  // namespace swapi::testkit
