#pragma once
// Internal to http/: libcurl, loaded with dlopen on first use.
//
// Why not link it: libcurl4's dependency tree (GnuTLS via librtmp, Kerberos, LDAP, SASL,
// p11-kit...) runs its initialisers in every process that links it, which measured ~11 ms per
// start on our CI machines: more than half of the 20 ms budget of `swapi serve`'s first
// response (DESIGN.md "Performance model"), paid even when nothing is ever fetched. Loaded
// lazily, only `--jwks-uri` and the commands that make requests pay it.
//
// The types and constants still come from <curl/curl.h>; the ABI is libcurl.so.4's.
#include <curl/curl.h>

namespace swapi::http::detail {

struct CurlApi {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* handle);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  void (*easy_reset)(CURL* handle);
  void (*easy_cleanup)(CURL* handle);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* text);
  void (*slist_free_all)(curl_slist* list);
  CURLU* (*url)();
  void (*url_cleanup)(CURLU* url);
  CURLUcode (*url_set)(CURLU* url, CURLUPart part, const char* content, unsigned int flags);
  CURLUcode (*url_get)(CURLU* url, CURLUPart part, char** content, unsigned int flags);
  const char* (*url_strerror)(CURLUcode code);
  void (*free)(void* memory);
};

// The loaded library, initialised once (curl_global_init is not thread-safe; the function-local
// static makes it so). Throws Error(transfer_failed) when libcurl.so.4 cannot be loaded.
const CurlApi& curl();

}  // namespace swapi::http::detail
