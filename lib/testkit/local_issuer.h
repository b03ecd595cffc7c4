#pragma once
// What the client-side commands share with `swapi serve` without flags (DESIGN.md "Issuer and
// keys"): the state dir's keyset (its active key signs), and iss/aud from --iss/--aud, else
// what the last `swapi serve` on that state dir recorded, else the documented defaults.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jose/jwk.h"
#include "state/state_dir.h"

namespace swapi::testkit {

inline constexpr std::string_view kDefaultIssuer = "http://127.0.0.1:8080/";
inline constexpr std::string_view kDefaultAudience = "https://starwarsapi.com";

// What the last `swapi serve` on state_dir recorded, else the defaults above (a record that is
// missing or unreadable counts as none: defaults are a convenience).
struct IssuerDefaults {
  std::string issuer;
  std::vector<std::string> audiences;
};
IssuerDefaults issuer_defaults(const std::string& state_dir);

struct LocalIssuerInputs {
  std::string state_dir;         // resolved (--keys, $SWAPI_HOME, ...)
  std::string issuer, audience;  // --iss / --aud; empty = issuer_defaults
  server::WarningSink warn{};    // told when the keyset is created ("created a new keyset at ...")
};

struct LocalIssuer {
  std::string state_dir;
  jose::Jwk signing_key;                // the keyset's active key (private)
  std::vector<jose::Jwk> public_keys;   // what `swapi serve` publishes and trusts
  std::string issuer, audience;
};

// Opens (on first use creates, as `swapi serve` does) the keyset; the audience is the first
// recorded one. Throws base::Diagnostic for an unusable state dir or keyset.
LocalIssuer open_local_issuer(const LocalIssuerInputs& inputs, std::int64_t now);

// The scopes DESIGN.md's default policy asks of a request: "read:films" for GET/HEAD of
// /api/films..., "write:films" for the other methods; none for a path outside /api/{res}.
std::vector<std::string> route_scopes(std::string_view method, std::string_view url);

}  // namespace swapi::testkit
