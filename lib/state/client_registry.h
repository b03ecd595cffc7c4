#pragma once
// OAuth clients of the local issuer (DESIGN.md "Issuer and keys"): who may ask
// POST /oauth/token for a client_credentials token, and which scopes each may get.
//
// <state>/clients.json, mode 0600, created with the keyset:
//   {"clients": [{"client_id": "swapi-cli", "client_secret": "<32 random bytes, base64url>",
//                 "scopes": ["read:films", "write:films", ...]}]}
// `--client ID:SECRET:SCOPES` adds clients (or replaces a stored one) for one run only; the
// secret may instead come from a file (ID:@FILE:SCOPES) or the environment (ID:env:VAR:SCOPES),
// so that it never has to appear in argv, shell history or a CI log.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "state/state_dir.h"  // WarningSink

namespace swapi::server {

// The client created with a new state dir.
inline constexpr std::string_view kDefaultClientId = "swapi-cli";

// read:{res} and write:{res} for films, people, planets, species, starships, vehicles: what
// the default policy of the resource server asks for.
const std::vector<std::string>& default_scopes();

// RFC 6749 §3.3 scope-token: one or more of %x21 / %x23-5B / %x5D-7E.
bool is_scope_token(std::string_view scope) noexcept;

// Where a client's secret came from, so that messages can say where it is without printing it
// (the banner shows a command that reads it).
enum class SecretOrigin {
  stored,   // clients.json in the state dir
  literal,  // --client ID:SECRET:SCOPES
  file,     // --client ID:@FILE:SCOPES (reference: FILE)
  env,      // --client ID:env:VAR:SCOPES (reference: VAR)
};

struct Client {
  std::string id;
  std::string secret;
  std::vector<std::string> scopes;  // allowed scopes, in the order a full grant lists them
  SecretOrigin origin = SecretOrigin::stored;
  std::string origin_reference{};   // the file or variable name for file/env
};

// The environment, as the CLI read it (STYLE.md: getenv in one place); "" when unset.
using EnvLookup = std::function<std::string(std::string_view name)>;

// "ID:SECRET:SCOPES" (scopes separated by spaces or commas, may be empty). SECRET is either
//   the secret itself (no ':', not starting with '@', not "env"; visible in `ps` and logs),
//   @FILE          the content of FILE, one trailing newline removed (FILE without ':'), or
//   env:VAR        the value of the environment variable VAR (looked up with env).
// Throws base::Diagnostic("--client", why) for a missing part, an empty id or secret, a file that
// cannot be read, an unset or empty variable, or a scope that is not a scope-token. Messages
// never repeat the secret.
Client parse_client_spec(std::string_view spec, const EnvLookup& env = {});

class ClientRegistry {
 public:
  const std::vector<Client>& clients() const { return clients_; }
  const Client* find(std::string_view id) const;

  // Adds client, replacing one with the same id.
  void put(Client client);

  // The client whose id and secret match, or nullptr. The secrets are compared as SHA-256
  // digests with CRYPTO_memcmp, so the time taken reveals neither where the secrets differ nor
  // their lengths; an unknown id costs the same comparison against a dummy.
  const Client* authenticate(std::string_view id, std::string_view secret) const;

  // Every scope some client may get plus the defaults, sorted (discovery's scopes_supported).
  std::vector<std::string> all_scopes() const;

  nlohmann::json to_json() const;
  // Throws base::Diagnostic("clients <path>", "corrupt: <why>", hint).
  static ClientRegistry from_json(std::string_view text, const std::string& path);
  // The default client with a fresh random secret and all default scopes.
  static ClientRegistry generate();

 private:
  std::vector<Client> clients_;
};

// <dir>/clients.json, or nullopt when there is none. Throws base::Diagnostic when corrupt or
// group/world-accessible.
std::optional<ClientRegistry> load_clients(const std::string& dir);
// The stored clients, created (with the default client) on first use under the state-dir lock.
// A write whose durability is in doubt is reported on warn (write_private_file), and so is the
// creation ("created OAuth client 'swapi-cli' with a new secret in <dir>/clients.json").
ClientRegistry open_clients(const std::string& dir, const WarningSink& warn = {});

}  // namespace swapi::server
