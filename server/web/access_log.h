#pragma once
// One line per request on stderr (text or JSON): method, path, status, duration, and for a
// 401/403 the rule that decided it. One line whatever the request holds: the text format is
// printable ASCII (other bytes, backslash and, in the request's fields, space as \xHH); the
// JSON format escapes as JSON does and replaces bytes that are not UTF-8.
#include <chrono>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>

namespace httplib { struct Request; struct Response; }

namespace swapi::server {

// The auth guard records which rule decided a request here; the access log reads it. Both run
// on the worker thread that serves the request, so a thread-local is exact.
void note_decision(std::string_view rule);
std::string take_decision();
// The rule noted for the request being served, left in place (scenario control counts it).
std::string_view peek_decision();

// Marks the start of a request (called from the pre-routing handler) for the duration field.
void note_request_start();

class AccessLog {
 public:
  AccessLog(std::ostream& out, bool json) : out_(out), json_(json) {}
  void write(const httplib::Request& request, const httplib::Response& response);
  // A free-form server message (start-up, shutdown) in the same format.
  void message(std::string_view text);

 private:
  std::ostream& out_;
  bool json_;
  std::mutex mutex_;
};

}  // namespace swapi::server
