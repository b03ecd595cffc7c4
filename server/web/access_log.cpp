#include "server/web/access_log.h"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "base/utc_time.h"

namespace swapi::server {

namespace {
thread_local std::string t_decision;
thread_local std::chrono::steady_clock::time_point t_start{};

// The text log is printable ASCII, one event per line: a control byte, DEL, a non-ASCII byte
// or a backslash becomes \xHH (as nginx logs), so a path such as /healthz%0A... (decoded by
// cpp-httplib to a newline) cannot start a forged line, nor an escape sequence drive the
// terminal reading it. In the request's fields a space is escaped too: they stay split on
// spaces. (The JSON log needs none of this: JSON strings escape control characters.)
std::string escaped(std::string_view text, bool escape_space) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string result;
  result.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '\\' || (escape_space && c == ' ')) {
      result += "\\x";
      result += kHex[byte >> 4];
      result += kHex[byte & 0xf];
    } else {
      result += c;
    }
  }
  return result;
}

// Invalid UTF-8 (a path is bytes) becomes U+FFFD instead of an exception.
std::string json_line(const nlohmann::json& entry) {
  return entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}


// The time field, formatted once a second per thread: format_utc builds an ostringstream,
// which was ~5% of a request's instructions.
const std::string& now_utc() {
  thread_local std::time_t second = -1;
  thread_local std::string text;
  std::time_t now = std::time(nullptr);
  if (now != second) {
    text = base::format_utc(now);
    second = now;
  }
  return text;
}
}  // namespace

void note_decision(std::string_view rule) { t_decision.assign(rule); }
std::string take_decision() { return std::exchange(t_decision, std::string()); }
std::string_view peek_decision() { return t_decision; }
void note_request_start() { t_start = std::chrono::steady_clock::now(); }

void AccessLog::write(const httplib::Request& request, const httplib::Response& response) {
  double millis = 0;
  if (t_start != std::chrono::steady_clock::time_point{}) {
    millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count();
    t_start = {};
  }
  std::string decision = take_decision();
  std::string line;
  if (json_) {
    nlohmann::json entry = {{"time", now_utc()},      {"method", request.method},
                            {"path", request.path},   {"status", response.status},
                            {"ms", std::round(millis * 100) / 100}};
    if (!decision.empty()) entry["auth"] = decision;
    line = json_line(entry);
  } else {
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.2fms", millis);
    // The method too: a request line cpp-httplib failed to parse leaves any bytes there.
    line = now_utc() + " " + escaped(request.method, true) + " " + escaped(request.path, true) + " " +
           std::to_string(response.status) + " " + duration;
    if (!decision.empty()) line += " auth=" + decision;
  }
  std::lock_guard lock(mutex_);
  out_ << line << '\n' << std::flush;
}

void AccessLog::message(std::string_view text) {
  std::lock_guard lock(mutex_);
  // Messages carry outside text too: a token's kid, a JWKS URL, an exception's message.
  if (json_) {
    out_ << json_line({{"time", base::format_utc(std::time(nullptr))}, {"message", text}}) << '\n' << std::flush;
  } else {
    out_ << escaped(text, false) << '\n' << std::flush;
  }
}

}  // namespace swapi::server
