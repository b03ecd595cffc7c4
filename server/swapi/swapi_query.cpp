#include "server/swapi/swapi_query.h"

#include <algorithm>

#include "base/ascii.h"

namespace swapi::server {

namespace {

bool contains_lowered(std::string_view haystack, std::string_view lowered_needle) {
  if (lowered_needle.size() > haystack.size()) return false;
  auto found = std::search(haystack.begin(), haystack.end(), lowered_needle.begin(), lowered_needle.end(),
                           [](char h, char n) { return base::ascii_lower(h) == n; });
  return found != haystack.end();
}

}  // namespace

std::size_t page_count(std::size_t count) { return count == 0 ? 1 : (count + kSwapiPageSize - 1) / kSwapiPageSize; }

std::optional<std::size_t> parse_page(std::string_view text, std::size_t pages) {
  if (text == "last") return pages;
  auto page = parse_record_id(text);  // the same digits-only rule as an id
  if (!page || static_cast<std::size_t>(*page) > pages) return std::nullopt;
  return static_cast<std::size_t>(*page);
}

std::vector<std::string> search_terms(std::string_view search) {
  std::vector<std::string> terms;
  std::string term;
  auto flush = [&] {
    if (!term.empty()) terms.push_back(std::move(term));
    term.clear();
  };
  for (char c : search) {
    if (c == '\0') continue;
    // Python's str.split() whitespace (ASCII part), plus the comma DRF turns into a space.
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      flush();
    } else {
      term += base::ascii_lower(c);
    }
  }
  flush();
  return terms;
}

bool matches_search(const Record& record, std::span<const std::string_view> fields,
                    const std::vector<std::string>& terms) {
  for (const auto& term : terms) {
    bool term_found = std::any_of(fields.begin(), fields.end(), [&](std::string_view field) {
      auto value = record.fields.find(field);
      return value != record.fields.end() && value->is_string() &&
             contains_lowered(value->get_ref<const std::string&>(), term);
    });
    if (!term_found) return false;
  }
  return true;
}

std::string form_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string page_link(std::string_view base_url, std::string_view resource, std::size_t page,
                      std::string_view search) {
  std::string link(base_url);
  link += "/api/";
  link += resource;
  link += "/?page=";
  link += std::to_string(page);
  if (!search.empty()) {
    link += "&search=";
    link += form_encode(search);
  }
  return link;
}

}  // namespace swapi::server
