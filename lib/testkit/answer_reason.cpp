#include "testkit/answer_reason.h"

#include <nlohmann/json.hpp>

#include "base/ascii.h"
#include "jose/strict_json.h"

namespace swapi::testkit {

namespace {

constexpr std::size_t kMaxReason = 300;

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A cursor over one header value.
struct Scanner {
  std::string_view text;
  std::size_t at = 0;

  bool done() const { return at >= text.size(); }
  char peek() const { return done() ? '\0' : text[at]; }
  void skip_space() {
    while (!done() && (text[at] == ' ' || text[at] == '\t')) ++at;
  }
  std::string token() {
    std::size_t start = at;
    while (!done() && is_tchar(text[at])) ++at;
    return std::string(text.substr(start, at - start));
  }
  std::string quoted() {  // at the opening quote
    std::string value;
    ++at;
    while (!done() && text[at] != '"') {
      if (text[at] == '\\' && at + 1 < text.size()) ++at;  // quoted-pair
      value += text[at++];
    }
    if (!done()) ++at;  // closing quote
    return value;
  }
};

// One line of printable ASCII, bounded.
std::string clean_line(std::string_view text) {
  std::string line;
  for (char c : text) {
    if (line.size() >= kMaxReason) {
      line += "...";
      break;
    }
    auto u = static_cast<unsigned char>(c);
    line += (u < 0x20 || u > 0x7e) ? ' ' : c;
  }
  return std::string(base::trim(line));
}

std::optional<std::map<std::string, std::string>> first_bearer(const http::Response& response) {
  for (const auto& header : response.headers) {
    if (!base::iequals(header.name, "WWW-Authenticate")) continue;
    if (auto params = bearer_challenge(header.value)) return params;
  }
  return std::nullopt;
}

std::string text_member(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string join_reason(const std::string& error, const std::string& description) {
  if (error.empty()) return description;
  if (description.empty()) return error;
  return error + ": " + description;
}

std::string body_reason(const http::Response& response, bool description_only) {
  auto body = jose::parse_loose_json(response.body);
  if (!body.is_object()) return {};
  std::string description = text_member(body, "error_description");
  if (auto error = body.find("error"); error != body.end()) {
    if (error->is_string()) return description_only ? description : join_reason(error->get<std::string>(), description);
    if (error->is_object()) return text_member(*error, "message");  // LoopBack 3
  }
  if (description_only) return description;
  for (const char* name : {"detail", "message"}) {
    if (auto text = text_member(body, name); !text.empty()) return text;
  }
  return {};
}

}  // namespace

std::optional<std::map<std::string, std::string>> bearer_challenge(std::string_view header_value) {
  Scanner scan{header_value};
  std::optional<std::map<std::string, std::string>> found;
  bool in_bearer = false;
  while (true) {
    scan.skip_space();
    while (scan.peek() == ',') {
      ++scan.at;
      scan.skip_space();
    }
    if (scan.done()) break;
    std::string name = scan.token();
    if (name.empty()) {
      ++scan.at;  // not a token: step over it rather than loop
      continue;
    }
    scan.skip_space();
    if (scan.peek() == '=') {  // an auth-param of the current challenge
      ++scan.at;
      scan.skip_space();
      std::string value = scan.peek() == '"' ? scan.quoted() : scan.token();
      if (in_bearer) found->emplace(base::to_lower(name), value);
      continue;
    }
    // A new challenge: "<scheme>" and then its params. (A token68 after a scheme, as in
    // "Basic abc==", reads as a param and is ignored unless the scheme is Bearer.)
    if (in_bearer) break;  // the Bearer challenge ended
    in_bearer = base::iequals(name, "Bearer");
    if (in_bearer) found.emplace();
  }
  return found;
}

bool has_bearer_challenge(const http::Response& response) { return first_bearer(response).has_value(); }

std::string answer_reason(const http::Response& response) {
  if (auto params = first_bearer(response)) {
    auto error = params->find("error");
    if (error != params->end()) {
      auto description = params->find("error_description");
      return clean_line(join_reason(error->second, description != params->end() ? description->second : ""));
    }
  }
  return clean_line(body_reason(response, false));
}

std::string error_description(const http::Response& response) {
  if (auto params = first_bearer(response)) {
    if (auto it = params->find("error_description"); it != params->end()) return clean_line(it->second);
  }
  return clean_line(body_reason(response, true));
}

}  // namespace swapi::testkit
