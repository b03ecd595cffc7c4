#pragma once
// Internal to http/: RAII owners for libcurl handles and the process-wide initialisation.
#include <memory>

#include <curl/curl.h>

namespace swapi::http::detail {

// curl_global_init is not thread-safe; every entry point calls this first (http.cpp).
void ensure_curl_initialised();

struct EasyDeleter {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
struct UrlDeleter {
  void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const noexcept { curl_free(text); }
};

using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;
using UrlPtr = std::unique_ptr<CURLU, UrlDeleter>;
using CurlStringPtr = std::unique_ptr<char, CurlStringDeleter>;

}  // namespace swapi::http::detail
