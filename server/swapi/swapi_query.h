#pragma once
// The query side of the swapi.dev flavor, free of HTTP: parsing ?page=, matching
// ?search= and building the paging links, the way swapi.dev (Django REST framework) does.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/data/store.h"

namespace swapi::server {

inline constexpr std::size_t kSwapiPageSize = 10;

// The number of pages for `count` matches: at least 1, so an empty search result is page 1
// of 1 (as DRF's allow_empty_first_page).
std::size_t page_count(std::size_t count);

// A ?page= value: digits in 1..pages, or "last" (DRF's last-page string). nullopt otherwise
// (0, empty, "abc", 10^30, past the end): the caller answers 404.
std::optional<std::size_t> parse_page(std::string_view text, std::size_t pages);

// ?search= split as DRF's SearchFilter does: commas count as spaces, NULs are dropped, empty
// terms ignored; each term lower-cased (ASCII).
std::vector<std::string> search_terms(std::string_view search);

// True when every term is a case-insensitive substring of at least one of the fields (string
// fields only; a missing or non-string field never matches). No terms: true.
bool matches_search(const Record& record, std::span<const std::string_view> fields,
                    const std::vector<std::string>& terms);

// application/x-www-form-urlencoded as Python's quote_plus: unreserved characters kept, space
// as '+', everything else %XX (upper-case hex).
std::string form_encode(std::string_view text);

// "<base>/api/<resource>/?page=<page>[&search=<search>]" (DRF sorts query keys: page < search).
std::string page_link(std::string_view base_url, std::string_view resource, std::size_t page,
                      std::string_view search);

}  // namespace swapi::server
