#include "server/web/access_log.h"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "base/utc_time.h"

namespace swapi::server {

namespace {
thread_local std::string t_decision;
thread_local std::chrono::steady_clock::time_point t_start{};

}  // namespace

void note_decision(std::string_view rule) { t_decision.assign(rule); }
std::string take_decision() { return std::exchange(t_decision, std::string()); }
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
    nlohmann::json entry = {{"time", base::format_utc(std::time(nullptr))},      {"method", request.method},
                            {"path", request.path},   {"status", response.status},
                            {"ms", std::round(millis * 100) / 100}};
    if (!decision.empty()) entry["auth"] = decision;
    line = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.2fms", millis);
    line = base::format_utc(std::time(nullptr)) + " " + request.method + " " + request.path + " " +
           std::to_string(response.status) + " " + duration;
    if (!decision.empty()) line += " auth=" + decision;
  }
  std::lock_guard lock(mutex_);
  out_ << line << '\n' << std::flush;
}

void AccessLog::message(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (json_) {
    out_ << nlohmann::json{{"time", base::format_utc(std::time(nullptr))}, {"message", text}}.dump() << '\n' << std::flush;
  } else {
    out_ << text << '\n' << std::flush;
  }
}

}  // namespace swapi::server
