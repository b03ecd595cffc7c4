// libcurl must be initialised once per process before any thread uses it
// (curl_global_init is not thread-safe); this translation unit owns that.
#include "http/curl_handles.h"

namespace swapi::http::detail {

namespace {
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};
}  // namespace

// The function-local static is initialised once, thread-safely (C++11 magic statics).
void ensure_curl_initialised() { static CurlGlobal global; }

}  // namespace swapi::http::detail
