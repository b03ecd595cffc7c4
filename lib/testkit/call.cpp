#include "testkit/call.h"

#include <chrono>

#include "base/ascii.h"
#include "base/diagnostic.h"
#include "http/error.h"
#include "http/url.h"
#include "jose/strict_json.h"
#include "testkit/answer_reason.h"
#include "testkit/attack_request.h"
#include "testkit/input_error.h"
#include "testkit/transport_error.h"

namespace swapi::testkit {

namespace {

using json = nlohmann::json;

// Bodies come from any server: nesting is bounded, since printing and comparing recurse.
json parse_or_discarded(std::string_view text) { return jose::parse_loose_json(text); }

// Compact JSON for a message, bounded so a huge value cannot flood the terminal.
std::string short_json(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  return text.size() > 120 ? text.substr(0, 117) + "..." : text;
}

// The value at an RFC 6901 pointer, or null when there is none. nlohmann's contains() throws
// (out_of_range) for an array index too large for size_t, where nothing is all there is.
const json* at_pointer(const json& body, const std::string& text) {
  try {
    json::json_pointer pointer(text);
    return body.contains(pointer) ? &body.at(pointer) : nullptr;
  } catch (const json::exception&) {
    return nullptr;
  }
}

bool is_json_type(std::optional<std::string_view> content_type) {
  if (!content_type) return false;
  std::string type = base::to_lower(base::trim(content_type->substr(0, content_type->find(';'))));
  return type == "application/json" || type.ends_with("+json");
}

bool has_header(const std::vector<http::Header>& headers, std::string_view name) {
  for (const auto& header : headers)
    if (base::iequals(header.name, name)) return true;
  return false;
}

}  // namespace

std::string resolve_url(std::string_view path_or_url, std::string_view base) {
  std::string url;
  if (path_or_url.find("://") != std::string_view::npos) {
    url = std::string(path_or_url);
  } else {
    std::string prefix(base);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    url = prefix + (path_or_url.starts_with('/') ? "" : "/") + std::string(path_or_url);
  }
  try {
    auto parts = http::parse_url(url);
    if (parts.scheme != "http" && parts.scheme != "https")
      throw InputError("call " + redacted_url(url), "only http and https URLs are supported");
  } catch (const http::Error&) {
    throw InputError("call " + redacted_url(url), "not a valid URL",
                     "give a path (/api/films/) or an absolute http(s) URL; a path is resolved against --base or SWAPI_URL");
  }
  return url;
}

http::Header parse_header_line(std::string_view line, std::string_view option) {
  auto colon = line.find(':');
  std::string_view name = colon == std::string_view::npos ? std::string_view() : base::trim(line.substr(0, colon));
  bool bad_name = name.empty();
  for (char c : name) bad_name = bad_name || c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x21;
  if (bad_name) {
    // A mistyped "Authorization Bearer <token>" must not print the token.
    std::string shown(line);
    for (std::string_view secret : {"authorization", "proxy-authorization", "cookie"}) {
      if (base::to_lower(shown.substr(0, secret.size())) == secret) shown = shown.substr(0, secret.size()) + " ...";
    }
    throw InputError(std::string(option) + " '" + shown + "'", "not a header line",
                     "write it as 'Name: value', e.g. -H 'Accept: application/json'");
  }
  std::string_view value = base::trim(line.substr(colon + 1));
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    throw InputError(std::string(option) + " " + std::string(name), "a header value cannot hold CR, LF or NUL");
  return {std::string(name), std::string(value)};
}

JsonExpectation parse_json_expectation(std::string_view text) {
  const std::string what = "--expect-json '" + std::string(text) + "'";
  const std::string hint = "write POINTER=JSON: /count=6, /results/0/name=\"Luke Skywalker\" (strings in quotes)";
  if (!text.empty() && text.front() != '/' && text.front() != '=')
    throw InputError(what, "the pointer must start with '/' (RFC 6901)", hint);
  bool saw_equals = false;
  for (std::size_t at = text.find('='); at != std::string_view::npos; at = text.find('=', at + 1)) {
    saw_equals = true;
    json value = parse_or_discarded(text.substr(at + 1));
    if (value.is_discarded()) continue;
    std::string pointer(text.substr(0, at));
    try {
      (void)json::json_pointer(pointer);
    } catch (const json::exception&) {
      throw InputError(what, "'" + pointer + "' is not a JSON pointer (RFC 6901: '~' must be '~0' or '~1')", hint);
    }
    return {std::string(text), pointer, std::move(value)};
  }
  if (!saw_equals) throw InputError(what, "no '=' between the pointer and the value", hint);
  throw InputError(what, "the value after '=' is not JSON", hint);
}

http::Request build_request(const CallSpec& spec) {
  http::Request request;
  request.method = !spec.method.empty() ? spec.method : spec.body ? "POST" : "GET";
  request.url = spec.url;
  request.headers = spec.headers;
  if (spec.body) {
    request.body = *spec.body;
    // curl -d sends form encoding; a body that is JSON is far more often meant as JSON here
    // (the loopback flavor's writes), and an explicit -H Content-Type always wins.
    if (!has_header(request.headers, "Content-Type")) {
      bool is_json = !parse_or_discarded(request.body).is_discarded();
      request.headers.push_back({"Content-Type", is_json ? "application/json" : "application/x-www-form-urlencoded"});
    }
  }
  present(spec.credentials, request);
  return request;
}

CallOutcome perform_call(const CallSpec& spec) {
  CallOutcome outcome;
  outcome.request = build_request(spec);
  http::Options options;
  options.total_timeout = spec.timeout;
  options.connect_timeout = spec.timeout;
  options.ca_file = spec.ca_file;
  auto start = std::chrono::steady_clock::now();
  try {
    outcome.response = http::fetch(outcome.request, options);
  } catch (const http::Error& e) {
    throw base::Diagnostic("call " + redacted_url(outcome.request.url), transport_reason(e, outcome.request, spec.timeout),
                           transport_hint(e, outcome.request, "--base or SWAPI_URL"));
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

std::vector<std::string> unmet_expectations(const Expectations& expectations, const http::Response& response) {
  std::vector<std::string> unmet;
  if (expectations.status && *expectations.status != response.status) {
    std::string line = "expected " + std::to_string(*expectations.status) + ", got " + std::to_string(response.status);
    if (std::string reason = answer_reason(response); !reason.empty()) line += " (" + reason + ")";
    unmet.push_back(line);
  }
  if (!expectations.json.empty()) {
    json body = parse_or_discarded(response.body);
    for (const auto& expectation : expectations.json) {
      std::string head = "expected " + expectation.pointer + "=" + short_json(expectation.value) + ", got ";
      if (body.is_discarded()) {
        unmet.push_back(head + "a body that is not JSON");
        continue;
      }
      const json* found = at_pointer(body, expectation.pointer);
      if (!found) {
        unmet.push_back(head + "nothing at " + (expectation.pointer.empty() ? "the root" : expectation.pointer));
      } else if (*found != expectation.value) {
        unmet.push_back(head + short_json(*found));
      }
    }
  }
  for (const auto& expected : expectations.headers) {
    std::vector<std::string> seen;
    bool found = false;
    for (const auto& header : response.headers) {
      if (!base::iequals(header.name, expected.name)) continue;
      found = found || header.value == expected.value;
      seen.push_back(header.value);
    }
    if (found) continue;
    std::string line = "expected header " + expected.name + ": " + expected.value + ", got ";
    if (seen.empty()) {
      line += "no " + expected.name + " header";
    } else {
      for (std::size_t i = 0; i < seen.size(); ++i) line += (i ? " and " : "") + seen[i];
    }
    unmet.push_back(line);
  }
  return unmet;
}

nlohmann::json outcome_json(const CallOutcome& outcome) {
  const auto& response = outcome.response;
  json headers = json::object();
  for (const auto& header : response.headers) headers[base::to_lower(header.name)].push_back(header.value);
  json body = response.body;
  if (is_json_type(response.header("Content-Type"))) {
    json parsed = parse_or_discarded(response.body);
    if (!parsed.is_discarded()) body = std::move(parsed);
  }
  return {{"status", response.status}, {"headers", headers}, {"body", body}, {"time", outcome.seconds}};
}

std::string head_text(const http::Response& response) {
  std::string text = response.status_line.empty() ? "HTTP " + std::to_string(response.status) : response.status_line;
  text += '\n';
  for (const auto& header : response.headers) text += header.name + ": " + header.value + "\n";
  return text + "\n";
}

std::string body_text(const http::Response& response, bool pretty) {
  if (!pretty) return response.body;
  json parsed = parse_or_discarded(response.body);
  if (parsed.is_discarded()) return response.body;
  return parsed.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace swapi::testkit
