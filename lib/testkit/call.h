#pragma once
// `swapi call` without the command line (DESIGN.md "`swapi call`"): where the request goes,
// what it carries, the assertions on the answer and the shapes it is printed in. cli/ parses
// options into these and prints what comes back.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/client.h"
#include "testkit/attack_case.h"

namespace swapi::testkit {

inline constexpr std::string_view kDefaultBaseUrl = "http://127.0.0.1:8080";

// An absolute http(s) URL is used as given; a path ("/api/films", "api/films") is appended to
// base (its own path prefix kept: base "http://h/v1" + "/api" = "http://h/v1/api"). Throws
// InputError when the result is not a URL libcurl accepts.
std::string resolve_url(std::string_view path_or_url, std::string_view base);

// "Name: value" as in curl -H. Throws InputError naming `option` for a line without a name
// or with characters a header cannot carry (CR, LF, NUL).
http::Header parse_header_line(std::string_view line, std::string_view option);

// --expect-json POINTER=JSON: an RFC 6901 pointer and the JSON value found there.
struct JsonExpectation {
  std::string text;  // as the user wrote it, for messages
  std::string pointer;
  nlohmann::json value;
};
// Splits at the first '=' after which the rest is JSON (a pointer may itself hold '=').
// Throws InputError with a hint showing the syntax.
JsonExpectation parse_json_expectation(std::string_view text);

struct Expectations {
  std::optional<int> status;
  std::vector<JsonExpectation> json;
  std::vector<http::Header> headers;  // value compared exactly (after trimming OWS)
};

struct CallSpec {
  std::string method;  // empty: GET, or POST when there is a body (as curl -d)
  std::string url;     // resolved
  std::vector<http::Header> headers;
  std::optional<std::string> body;
  Credentials credentials;  // placement none: no token
  std::chrono::milliseconds timeout{10000};
  std::string ca_file;
};

struct CallOutcome {
  http::Request request;
  http::Response response;
  double seconds = 0;  // wall time of the exchange
};

// The request the spec describes (method, headers, default Content-Type for a body, the
// credentials placed).
http::Request build_request(const CallSpec& spec);

// Sends it. When no answer came, throws base::Diagnostic("call <url>", "connection refused",
// hint) (testkit/transport_error.h), which the CLI maps to exit 3.
CallOutcome perform_call(const CallSpec& spec);

// One sentence per unmet expectation, in the order given: "expected 200, got 401
// (invalid_token: expired: ...)", "expected /count=6, got 82", "expected header
// Content-Type: application/json, got text/html". Empty when all hold.
std::vector<std::string> unmet_expectations(const Expectations& expectations, const http::Response& response);

// --json: {"status", "headers": {"name": ["value", ...]} (lower-case names, as curl's
// %{header_json}), "body" (the JSON value when the body is JSON, else the text), "time"
// (seconds)}.
nlohmann::json outcome_json(const CallOutcome& outcome);

// -i: the status line and the headers, one per line, then an empty line.
std::string head_text(const http::Response& response);

// The body as received, or re-indented when pretty and it is JSON (then with a final newline).
std::string body_text(const http::Response& response, bool pretty);

}  // namespace swapi::testkit
