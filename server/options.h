#pragma once
// Everything `swapi serve` can be told (DESIGN.md "CLI"); the CLI fills it, the server reads it.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swapi::server {

struct ServeOptions {
  // Listening
  std::string host = "127.0.0.1";
  int port = 8080;                 // 0 = pick a free port
  std::string ready_file;          // written with the base URL once listening
  std::string tls_cert, tls_key;   // both or neither: HTTPS
  int max_threads = 0;             // upper bound of the worker pool; 0 = default (see server.cpp)
  int request_timeout = 0;         // seconds for a whole request to arrive; 0 = default
  int idle_timeout = 0;            // seconds an idle keep-alive connection is kept; 0 = default
  std::string log_format = "text"; // "text" | "json"
  std::vector<std::string> cors_origins;  // --cors: origins whose pages may call us; "*" = any

  // Data
  std::string flavor = "swapi";    // "swapi" | "loopback"
  std::string data_dir;            // empty = the dataset compiled into the binary
  std::string persist_file;        // loopback writes made durable here; empty = in memory

  // Auth (resource server)
  bool no_auth = false;
  std::string keys_dir;            // state dir; empty = $SWAPI_HOME / XDG default
  std::string issuer;              // empty = this server's base URL + "/"
  std::vector<std::string> audiences;  // empty = {"https://starwarsapi.com"}
  std::string jwks_uri, jwks_file; // key sources other than the local keyset
  std::string jwks_proxy;          // proxy for an https jwks_uri; empty = direct (never the environment's)
  int jwks_max_age = 600;          // seconds, unless the response's Cache-Control says otherwise
  int jwks_rpm = 10;               // unknown-kid refetches per minute at most
  std::vector<std::string> algs;   // allow-list; empty = the algorithms of the configured keys
  int leeway = 5;                  // seconds
  bool require_exp = true;
  std::vector<std::string> require_typ;
  std::string policy_file;
  std::vector<std::string> public_paths;
  bool allow_query_token = false;
  std::vector<std::string> clients;  // ID:SECRET:SCOPES, ID:@FILE:SCOPES or ID:env:VAR:SCOPES
  std::int64_t token_ttl = 86400;  // lifetime of issued tokens, seconds (Auth0's M2M default)
  bool permissions_claim = false;  // issued tokens also carry Auth0 RBAC's "permissions" array

  // Scenario control (DESIGN.md): the /_swapi/ routes, faults, actions, stats.
  bool admin = false;

  // The environment, read once by the CLI (STYLE.md: getenv in one place).
  std::string env_swapi_home, env_xdg_state_home, env_home;
  // The CLI's lookup for variables a flag names (--client ID:env:VAR:SCOPES); "" when unset.
  std::function<std::string(std::string_view)> env;
};

}  // namespace swapi::server
