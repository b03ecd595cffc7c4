#pragma once
// Who may use scenario control (DESIGN.md "Scenario control"): a loopback client presenting a
// token from the local keyset with scope swapi:admin. Both, always: the address alone would let
// any local process (a browser page's fetch to 127.0.0.1, say) reconfigure the issuer, and a
// token alone would let the network in when serve listens on 0.0.0.0.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "http/url.h"
#include "jose/jwk.h"
#include "server/auth/auth_challenge.h"

namespace swapi::server {

inline constexpr std::string_view kAdminScope = "swapi:admin";

// The peer-address test (127.0.0.0/8, ::1, IPv4-mapped), shared with the explorer's prefill.
using http::is_loopback_address;

struct AdminRequest {
  std::string_view remote_addr;
  std::size_t authorization_count = 0;
  std::string_view authorization;  // the first Authorization header
};

// Why a request is refused, or nullopt when it may proceed.
struct AdminRefusal {
  int status = 403;
  std::string reason;                 // the JSON body's detail
  std::optional<Challenge> challenge;  // 401/403 answers for the token carry WWW-Authenticate
};

// The address first (refused with 403 before a token is even looked at), then the token:
// signature by one of `keys` (the local keyset's public keys), exp/nbf/iat with the usual 5 s
// leeway on the real clock (never the skewed one: a clock fault must not lock the operator
// out), scope swapi:admin. iss and aud are not checked: the keyset is the secret that matters,
// and the CLI's recorded defaults need not match a server started with other flags.
std::optional<AdminRefusal> check_admin_access(const AdminRequest& request, std::span<const jose::Jwk> keys,
                                               std::int64_t now);

}  // namespace swapi::server
