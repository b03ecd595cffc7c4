#include "server/web/body_framing.h"

#include <httplib.h>

#include <charconv>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "server/web/connection_front.h"

namespace swapi::server {

namespace {

// The methods whose body cpp-httplib 0.11.4 reads (its detail::expect_content, minus PRI,
// which no route serves): any other method's body stays on the connection.
bool reads_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// RFC 9110 §8.6: Content-Length = 1*DIGIT. No sign, no list, no spaces (cpp-httplib trims
// the ends); 19 digits always fit in 64 bits.
std::optional<std::uint64_t> decimal(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

BodyVerdict refuse(int status, std::string reason) {
  BodyVerdict verdict;
  verdict.acceptable = false;
  verdict.status = status;
  verdict.reason = std::move(reason);
  return verdict;
}

}  // namespace

BodyVerdict judge_body(const httplib::Request& request, std::uint64_t max_bytes) {
  // RFC 9112 §6.1: a server may refuse transfer codings; 411 says what to send instead.
  // cpp-httplib's chunked reader has no size limit, and DELETE's is never called.
  if (request.has_header("Transfer-Encoding"))
    return refuse(411, "request bodies with a Transfer-Encoding (chunked) are not accepted; send the body with "
                       "a Content-Length header");
  std::size_t count = request.get_header_value_count("Content-Length");
  if (count == 0) {
    // RFC 9112 §6.3 gives such a request no body, but cpp-httplib would read one until the
    // client closes: refuse instead of waiting out the read timeout.
    if (reads_body(request.method) && request.method != "DELETE")
      return refuse(411, "a " + request.method + " request needs a Content-Length header (0 for no body)");
    return {};
  }
  // RFC 9112 §6.3 item 5: differing or invalid lengths are unrecoverable framing errors.
  if (count > 1)
    return refuse(400, "the request has " + std::to_string(count) + " Content-Length headers; exactly one is allowed");
  auto length = decimal(request.get_header_value("Content-Length"));
  if (!length) return refuse(400, "the Content-Length header is not a decimal number of bytes");
  if (*length > 0 && !reads_body(request.method))
    return refuse(400, "a " + request.method + " request carries no body, but this one declares " +
                           std::to_string(*length) + " bytes");
  if (*length > max_bytes)
    return refuse(413, "the body is " + std::to_string(*length) + " bytes, over the limit of " +
                           std::to_string(max_bytes));
  BodyVerdict verdict;
  verdict.length = *length;
  return verdict;
}

bool body_fully_read(const httplib::Request& request) {
  // cpp-httplib fills the peer address only after the request line and headers parsed; a
  // request answered before that (400, 414) may have left anything on the connection.
  if (request.remote_port < 0) return false;
  if (request.has_header("Transfer-Encoding")) return false;
  std::size_t count = request.get_header_value_count("Content-Length");
  if (count == 0) return true;
  if (count > 1) return false;
  auto length = decimal(request.get_header_value("Content-Length"));
  // A multipart body is read into request.files, not request.body: judged unread (it only
  // costs a reconnect after an error).
  return length && request.body.size() == *length;
}

void close_after_sending(const httplib::Request& request, httplib::Response& response) {
  if (response.body.empty()) response.set_content("{}", "application/json");
  std::string content_type = response.get_header_value("Content-Type");
  response.headers.erase("Content-Type");  // set_content_provider adds it again
  response.set_header("Connection", "close");

  // The request object cpp-httplib passes as const is its own non-const local; the method is
  // changed for the one write that follows, and restored before the access log reads it.
  auto& writable = const_cast<httplib::Request&>(request);
  std::optional<std::string> head;
  if (writable.method == "HEAD") head = std::exchange(writable.method, "GET");

  auto body = std::make_shared<const std::string>(std::move(response.body));
  response.body.clear();
  response.set_content_provider(
      body->size(), content_type,
      [body, head, &writable](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        if (head) writable.method = *head;
        if (sink.write(body->data() + offset, length)) close_lingering_after_answer();
        return false;  // cancel: cpp-httplib ends the request here and the front closes
      });
}

}  // namespace swapi::server
