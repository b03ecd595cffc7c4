// libcurl must be initialised once per process before any thread uses it
// (curl_global_init is not thread-safe); this translation unit owns that.
#include <curl/curl.h>

namespace swapi::http {

namespace {
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};
}  // namespace

// Called by the client before its first request; the static makes it once and thread-safe.
void ensure_curl_initialised() { static CurlGlobal global; }

}  // namespace swapi::http
