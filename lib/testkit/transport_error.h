#pragma once
// A request that got no HTTP answer, said as a user reads it: "connection refused", "cannot
// resolve host 'api.example'", "no answer within 2 s". `call` and `check` print it after the
// URL and exit 3 (DESIGN.md "Exit codes"); `check` also shows it for a case that got no answer.
#include <chrono>
#include <string>
#include <string_view>

#include "http/client.h"
#include "http/error.h"

namespace swapi::testkit {

// The sentence for `error`, which `request` raised with the given total timeout. Never
// contains the request's URL or headers (they may carry a token).
std::string transport_reason(const http::Error& error, const http::Request& request,
                             std::chrono::milliseconds timeout);

// What usually helps, or "": for a refused loopback connection, that `swapi serve` may not be
// running (or that `where` should name the server: "--base or SWAPI_URL"); for TLS, --cacert.
std::string transport_hint(const http::Error& error, const http::Request& request, std::string_view where);

// True for the failures that mean "the target is not there" (refused, DNS, TLS, timeout,
// bad URL), as opposed to a target that answered badly (reset mid-answer, oversize).
bool target_unreachable(const http::Error& error);

}  // namespace swapi::testkit
