#pragma once
// Internal to http/: RAII owners for libcurl handles (freed through the loaded library).
#include <memory>

#include "http/curl_library.h"

namespace swapi::http::detail {

struct EasyDeleter {
  void operator()(CURL* handle) const noexcept { curl().easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl().slist_free_all(list); }
};
struct UrlDeleter {
  void operator()(CURLU* url) const noexcept { curl().url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const noexcept { curl().free(text); }
};

using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;
using UrlPtr = std::unique_ptr<CURLU, UrlDeleter>;
using CurlStringPtr = std::unique_ptr<char, CurlStringDeleter>;

}  // namespace swapi::http::detail
