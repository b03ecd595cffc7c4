// Loading libcurl (curl_library.h): dlopen once, resolve every function we call, then
// curl_global_init, all before any other thread can use it.
#include "http/curl_library.h"

#include <dlfcn.h>

#include <string>

#include "http/error.h"

namespace swapi::http::detail {

namespace {

constexpr const char* kLibrary = "libcurl.so.4";

template <typename Function>
void resolve(void* library, Function& slot, const char* name) {
  void* symbol = dlsym(library, name);
  if (!symbol) throw Error(Errc::transfer_failed, std::string("libcurl has no ") + name + " (too old?)");
  slot = reinterpret_cast<Function>(symbol);
}

CurlApi load() {
  // RTLD_LOCAL: its symbols stay out of the global namespace. Never dlclose'd: libcurl and
  // its TLS library keep process-wide state until exit.
  void* library = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = dlerror();
    throw Error(Errc::transfer_failed, std::string("cannot load ") + kLibrary + ": " + (why ? why : "unknown error") +
                                           " (install libcurl4)");
  }
  CurlApi api{};
  resolve(library, api.global_init, "curl_global_init");
  resolve(library, api.easy_init, "curl_easy_init");
  resolve(library, api.easy_setopt, "curl_easy_setopt");
  resolve(library, api.easy_perform, "curl_easy_perform");
  resolve(library, api.easy_getinfo, "curl_easy_getinfo");
  resolve(library, api.easy_reset, "curl_easy_reset");
  resolve(library, api.easy_cleanup, "curl_easy_cleanup");
  resolve(library, api.easy_strerror, "curl_easy_strerror");
  resolve(library, api.slist_append, "curl_slist_append");
  resolve(library, api.slist_free_all, "curl_slist_free_all");
  resolve(library, api.url, "curl_url");
  resolve(library, api.url_cleanup, "curl_url_cleanup");
  resolve(library, api.url_set, "curl_url_set");
  resolve(library, api.url_get, "curl_url_get");
  resolve(library, api.url_strerror, "curl_url_strerror");
  resolve(library, api.free, "curl_free");
  if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    throw Error(Errc::transfer_failed, "curl_global_init failed");
  return api;
}

}  // namespace

const CurlApi& curl() {
  static const CurlApi api = load();  // a throw leaves it uninitialised: the next call retries
  return api;
}

}  // namespace swapi::http::detail
