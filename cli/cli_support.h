#pragma once
// What the client subcommands (keys, token, ...) share: the state dir and the clock from the
// Context, reading TOKEN|- and FILE|- arguments, and parsing the small value syntaxes of their
// options (durations, times, k=v members, algorithms). No CLI11 types here, so the parsers are
// unit-tested in-process.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "jose/alg.h"
#include "jose/jwk.h"
#include "state/state_dir.h"
#include "testkit/local_issuer.h"

namespace swapi::cli {

// --keys DIR, else $SWAPI_HOME, $XDG_STATE_HOME/swapi, ~/.local/state/swapi (as serve).
std::string state_dir(const Context& context, const std::string& keys_option);
// Where the state dir's reports go ("created a new keyset at ..."): "swapi: <line>" on stderr.
server::WarningSink state_warnings(const Context& context);

// The recorded defaults of the last `swapi serve` on that dir, else DESIGN.md's defaults
// (issuer http://127.0.0.1:8080/, audience https://starwarsapi.com): one implementation, in
// lib/testkit, shared with call and check.
using testkit::IssuerDefaults;
using testkit::issuer_defaults;

// What read_argument reads at most: 4 MiB.
inline constexpr std::size_t kMaxArgumentBytes = std::size_t{4} << 20;

// "-" reads the context's stdin, anything else a file (not a directory), at most
// kMaxArgumentBytes; throws base::Diagnostic(what, why).
std::string read_argument(const Context& context, const std::string& value, std::string_view what);
// A token given as an argument or on stdin: surrounding white space and a "Bearer " prefix go.
std::string token_argument(const Context& context, const std::string& value);

// "90" (seconds), "30s", "15m", "1h", "2d", optionally signed ("-1h"). Throws UsageError naming
// option.
std::int64_t parse_duration(std::string_view text, std::string_view option);
// A point in time: "now", a Unix time ("1767225600"), or relative to now ("+5m", "-1h").
std::int64_t parse_time(std::string_view text, std::int64_t now, std::string_view option);

// --claim/--header "name=value": value as JSON when it parses (42, true, ["a"], {"x":1},
// "quoted"), else the text itself as a string. Throws UsageError for a missing '=' or name.
std::pair<std::string, nlohmann::json> parse_member(std::string_view text, std::string_view option);

// An algorithm name, exact; UsageError with a did-you-mean hint otherwise ("rs256" -> RS256).
jose::Alg parse_alg_option(std::string_view text, std::string_view option);

// A PEM key from FILE (or - for stdin) ready to store or sign with: the alg from alg_option
// (else jose::default_alg) and checked to fit it, use "sig", the kid from kid_option (else its
// RFC 7638 thumbprint, as a keyset names keys). signing: it must be a private key. Throws
// base::Diagnostic(what, ...) for an unreadable file, a non-key or a public key where a private
// one is needed, UsageError(what, ...) for an alg that does not fit.
jose::Jwk load_pem_key(const Context& context, const std::string& file, const std::string& alg_option,
                       const std::string& kid_option, bool signing, const std::string& what);

// "59 min", "3 h", "12 s", "2 d": the magnitude of a duration, rounded down, for sentences
// like "expires in 59 min" / "expired 3 h ago".
std::string rough_duration(std::int64_t seconds);
// "expires in 59 min" / "expired 3 h ago" (exp), "issued 2 min ago" (iat), "valid in 1 h" /
// "valid since 5 min" (nbf).
std::string relative_time(std::string_view claim, std::int64_t at, std::int64_t now);

}  // namespace swapi::cli
