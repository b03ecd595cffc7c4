#pragma once
// The local issuer of `swapi serve` (DESIGN.md "Issuer and keys"): a "local Auth0" that
// publishes its JWKS and OpenID discovery document and hands out client_credentials tokens
// signed with the active key of the keyset in the state dir.
//
// Wiring (server.cpp, once bind() knows the base URL; effective_identity() picks the issuer
// and audiences):
//   if (runs_local_issuer(options)) {
//     issuer = std::make_unique<LocalIssuer>(options, identity.issuer, identity.audiences, log);
//     issuer->register_routes(http, scheme, host_and_port);
//     // the guard trusts issuer->public_keys(); a KeysetReloader polls reload_if_changed()
//   } else {
//     register_foreign_issuer_routes(http, foreign_issuer_reason(options, identity.issuer), ...);
//   }
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jose/jwk.h"
#include "server/options.h"
#include "state/client_registry.h"
#include "state/keyset_store.h"
#include "state/state_dir.h"  // resolve_state_dir(options)

namespace httplib { class Server; }

namespace swapi::server {

// The seed's API identifier: the audience when neither --audience nor a recorded one is given.
inline constexpr std::string_view kDefaultAudience = "https://starwarsapi.com";

// Lifetime of the tokens POST /oauth/token issues (as Auth0's default for M2M tokens).
inline constexpr std::int64_t kIssuedTokenLifetimeSeconds = 86400;

// Unix seconds; injected so tests can pin iat/exp.
using UnixClock = std::function<std::int64_t()>;
std::int64_t system_unix_time();

// Whether `swapi serve` runs its local issuer: yes with the local keyset, no with --jwks-uri or
// --jwks-file. The server then trusts another issuer's keys; a token the local issuer signed
// would be refused by that same server (unknown kid), and a discovery document naming the
// other issuer beside our own JWKS would send clients to keys that are not trusted. So the
// issuer's routes answer 404 with foreign_issuer_reason(), and nothing is minted here.
bool runs_local_issuer(const ServeOptions& options);

// "this server issues no tokens and publishes no keys: it trusts tokens from <issuer>, whose
// keys are at <uri>" (or "..., signed with the keys of its --jwks-file").
std::string foreign_issuer_reason(const ServeOptions& options, const std::string& issuer);

// GET /.well-known/jwks.json, GET /.well-known/openid-configuration and POST|GET /oauth/token
// when the local issuer is off: 404 JSON carrying `reason`, in the flavor's error shape.
void register_foreign_issuer_routes(httplib::Server& http, std::string reason, bool loopback_shape);

// With the local issuer off: records in <state>/serve.json that the server trusts another
// issuer's keys (state_dir.h RecordedDefaults), so the CLI does not mint local tokens as if
// they were trusted. Creates the state dir if needed, nothing else in it.
void record_foreign_issuer(const ServeOptions& options, const std::string& issuer,
                           const std::vector<std::string>& audiences, const WarningSink& log);

// One line of the banner: "  <label>: <text>".
struct BannerLine {
  std::string label, text;
};

class LocalIssuer {
 public:
  // Opens (creating on first use, under a lock) the keyset and clients in the state dir, adds
  // the --client entries of options.clients for this run (secrets read from files or
  // options.env as they say), and records the effective issuer and audiences in
  // <state>/serve.json for the CLI's defaults. Empty audiences mean {kDefaultAudience}; the
  // first is the one tokens get when the request names none. Creating the keyset generates an
  // RSA key (tens of ms, first run only). Warnings (a secret given in argv, a state file whose
  // durability is in doubt) go to `log`. Throws base::Diagnostic (bad or too-open keyset/clients
  // file, malformed --client, unreadable secret, state dir not writable).
  LocalIssuer(const ServeOptions& options, std::string issuer, std::vector<std::string> audiences,
              WarningSink log = {}, UnixClock clock = system_unix_time);
  ~LocalIssuer();
  LocalIssuer(const LocalIssuer&) = delete;
  LocalIssuer& operator=(const LocalIssuer&) = delete;

  const std::string& issuer() const;
  const std::vector<std::string>& audiences() const;
  const std::string& state_dir() const;
  // The clients POST /oauth/token accepts (stored ones plus --client), e.g. for the banner.
  const ClientRegistry& clients() const;
  // The keyset in use now (a snapshot: `swapi keys` edits replace it, see reload_if_changed).
  std::shared_ptr<const Keyset> keyset() const;

  // Every published key (active, previous and published ones), public parts only, never oct
  // (HMAC) keys. The resource server verifies against these by default.
  std::vector<jose::Jwk> public_keys() const;

  // DESIGN.md "Keys": when `swapi keys` changed the keyset file, re-reads it (under the
  // state-dir lock) and from then on publishes and signs with the new set. Returns the new
  // public keys for the resource server to trust, or nullopt when nothing changed. A changed
  // file that cannot be loaded is reported on `log` once and the last good set stays.
  std::optional<std::vector<jose::Jwk>> reload_if_changed(const std::function<void(const std::string&)>& log);

  // The banner's help for getting a token as the default client, which never contains the
  // secret: where it is ("client: swapi-cli, secret in '<state>/clients.json'") and a
  // copy-paste command that reads it from there ("token: TOKEN=$(curl ... | jq ...)"). Empty
  // when the state dir has no default client.
  std::vector<BannerLine> token_help(const std::string& base_url) const;

  // GET /.well-known/jwks.json, GET /.well-known/openid-configuration, POST /oauth/token.
  // scheme and fallback_host ("127.0.0.1:8080") build absolute URLs in the discovery document
  // from the request's Host header (request_base_url). The routes are public; the issuer must
  // outlive `http`'s serving.
  void register_routes(httplib::Server& http, std::string scheme, std::string fallback_host);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace swapi::server
