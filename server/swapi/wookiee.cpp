#include "server/swapi/wookiee.h"

#include <array>

namespace swapi::server {

namespace {

// a..z, in swapi.dev's spelling.
constexpr std::array<std::string_view, 26> kWookiee = {
    "ra", "rh", "oa", "wa", "wo", "ww", "rr", "ac", "ah", "sh", "or", "an", "sc",
    "wh", "oo", "ak", "rq", "rc", "c",  "ao", "hu", "ho", "oh", "k",  "ro", "uf",
};

}  // namespace

std::string to_wookiee(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (char c : text) {
    if (c >= 'a' && c <= 'z') {
      out += kWookiee[static_cast<std::size_t>(c - 'a')];
    } else {
      out += c;  // bytes of UTF-8 sequences included: only ASCII letters are translated
    }
  }
  return out;
}

}  // namespace swapi::server
