#pragma once
// Times as users and logs read them: RFC 3339 in UTC, "2011-03-22T18:43:00Z".
#include <ctime>
#include <string>

namespace swapi::base {

std::string format_utc(std::time_t seconds);

}  // namespace swapi::base
