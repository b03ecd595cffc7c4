#pragma once
// The client half of scenario control (DESIGN.md "Scenario control"): `swapi fault`, `swapi
// stats` and `swapi keys rotate --now` talk to a running `swapi serve --admin` through this.
// Each request carries a token it mints itself with the local keyset (scope swapi:admin), so
// the user never handles one. cli/ builds the bodies from its options and prints the answers.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace swapi::testkit {

struct AdminTarget {
  std::string base_url;   // "http://127.0.0.1:8080" (resolved: --base, $SWAPI_URL, default)
  std::string state_dir;  // whose keyset signs the admin token: the server's
  std::int64_t now = 0;
  std::chrono::milliseconds timeout{10000};
};

// A token for /_swapi/: the keyset's active key, scope swapi:admin, valid for 5 minutes, iss and
// aud as the last `swapi serve` on state_dir recorded. Throws base::Diagnostic for the keyset.
std::string mint_admin_token(const std::string& state_dir, std::int64_t now);

// METHOD /_swapi/<path> with an admin token and `body` as JSON (when given); the JSON of a 2xx
// answer. Failures, with `what` as the diagnostic's subject ("fault jwks"):
//   no answer (nothing listens, DNS, timeout)  base::Diagnostic "cannot reach URL: ..." (exit 3)
//   404                                         base::Diagnostic saying to start the server with
//                                               `swapi serve --admin` (exit 3)
//   401 / 403                                   base::Diagnostic with the server's reason
//   400                                         InputError with the server's reason (exit 2)
//   anything else not 2xx, or a body not JSON   base::Diagnostic
nlohmann::json admin_request(const AdminTarget& target, std::string_view method, std::string_view path,
                             const std::optional<nlohmann::json>& body, const std::string& what);

}  // namespace swapi::testkit
