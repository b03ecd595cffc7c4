#include "base/utc_time.h"

namespace swapi::base {

std::string format_utc(std::time_t seconds) {
  std::tm parts{};
  gmtime_r(&seconds, &parts);  // reentrant: the access log runs on every worker thread
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace swapi::base
