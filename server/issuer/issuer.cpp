#include "server/issuer/issuer.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>

#include "base/diagnostic.h"
#include "base/shell_quote.h"
#include "jose/alg.h"
#include "jose/scopes.h"
#include "server/issuer/token_endpoint.h"
#include "server/issuer/token_request.h"
#include "server/web/base_url.h"
#include "server/web/json_response.h"
#include "state/keyset_watch.h"

namespace swapi::server {

namespace {

// The state dir from --keys and the environment the CLI read (never getenv here).
std::string state_dir_of(const ServeOptions& options) {
  return resolve_state_dir(options.keys_dir, options.env_swapi_home, options.env_xdg_state_home, options.env_home);
}

const std::string kPublicCacheControl(kJwksCacheControl);

// --client entries for this run: parsed, checked for repeats, put over the stored ones. A
// secret typed into argv is visible to every local user (ps, /proc) and lands in shell history
// and CI logs: accepted, but the log says how to avoid it.
void add_command_line_clients(ClientRegistry& clients, const ServeOptions& options, const WarningSink& log) {
  std::vector<std::string> ids;
  for (const auto& spec : options.clients) {
    Client client = parse_client_spec(spec, options.env);
    if (std::find(ids.begin(), ids.end(), client.id) != ids.end())
      throw base::Diagnostic("--client", "client id '" + client.id + "' is given twice");
    if (client.origin == SecretOrigin::literal && log)
      log("swapi serve: --client " + client.id + ": the secret is on the command line, where ps and shell history "
          "show it; use " + client.id + ":@FILE:SCOPES or " + client.id + ":env:VAR:SCOPES");
    ids.push_back(client.id);
    clients.put(std::move(client));
  }
}

}  // namespace

bool runs_local_issuer(const ServeOptions& options) { return options.jwks_uri.empty() && options.jwks_file.empty(); }

std::string foreign_issuer_reason(const ServeOptions& options, const std::string& issuer) {
  // The file's path is not told to HTTP clients: it is this machine's business.
  std::string keys = options.jwks_uri.empty() ? "signed with the keys of its --jwks-file"
                                              : "whose keys are at " + options.jwks_uri;
  return "this server issues no tokens and publishes no keys: it trusts tokens from " + issuer + ", " + keys;
}

void record_foreign_issuer(const ServeOptions& options, const std::string& issuer,
                           const std::vector<std::string>& audiences, const WarningSink& log) {
  std::string dir = state_dir_of(options);
  ensure_state_dir(dir);
  RecordedDefaults defaults{issuer, audiences, options.jwks_uri, {}};
  if (!options.jwks_file.empty()) defaults.jwks_file = std::filesystem::absolute(options.jwks_file).string();
  record_defaults(dir, defaults, log);
}

void register_foreign_issuer_routes(httplib::Server& http, std::string reason, bool loopback_shape) {
  auto refuse = [reason = std::move(reason), loopback_shape](const httplib::Request&, httplib::Response& response) {
    if (loopback_shape) {
      set_loopback_error(response, 404, reason, "NO_LOCAL_ISSUER");
    } else {
      set_json_error(response, 404, reason);
    }
  };
  http.Get("/.well-known/jwks.json", refuse);
  http.Get("/.well-known/openid-configuration", refuse);
  http.Get(std::string(kAuthorizationServerMetadataPath), refuse);
  http.Post("/oauth/token", refuse);
  http.Get("/oauth/token", refuse);
}

std::int64_t system_unix_time() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// One loaded keyset and what is derived from it, replaced as a whole when the file changes,
// so a request sees one consistent set.
struct KeysSnapshot {
  std::shared_ptr<const Keyset> keyset;
  std::vector<jose::Jwk> public_keys;
  std::string jwks_body;  // serialised once per keyset, not per request

  explicit KeysSnapshot(Keyset loaded)
      : keyset(std::make_shared<const Keyset>(std::move(loaded))),
        public_keys(keyset->public_keys()),
        jwks_body(jose::to_jwks(public_keys, /*include_private=*/false).dump()) {}
};

struct LocalIssuer::Impl {
  std::string issuer;
  std::vector<std::string> audiences;
  std::string state_dir;
  std::int64_t token_ttl = 0;
  bool permissions_claim = false;
  UnixClock clock;
  std::function<nlohmann::json()> extra_claims;  // scenario control; empty = none
  ClientRegistry clients;
  std::optional<KeysetWatch> watch;
  mutable std::mutex keys_mutex;  // guards keys (the pointer; the snapshot is immutable)
  std::shared_ptr<const KeysSnapshot> keys;

  std::shared_ptr<const KeysSnapshot> current_keys() const {
    std::lock_guard lock(keys_mutex);
    return keys;
  }
  nlohmann::json metadata(const std::string& base_url) const;   // RFC 8414
  nlohmann::json discovery(const std::string& base_url) const;  // OpenID Connect Discovery
  void token(const httplib::Request& request, httplib::Response& response) const;
};

LocalIssuer::LocalIssuer(const ServeOptions& options, std::string issuer, std::vector<std::string> audiences,
                         WarningSink log, UnixClock clock)
    : impl_(std::make_unique<Impl>()) {
  auto& self = *impl_;
  self.issuer = std::move(issuer);
  self.audiences = audiences.empty() ? std::vector<std::string>{std::string(kDefaultAudience)} : std::move(audiences);
  self.clock = std::move(clock);
  self.token_ttl = options.token_ttl;
  self.permissions_claim = options.permissions_claim;
  // The state dir from --keys and the environment the CLI read (never getenv here).
  self.state_dir = state_dir_of(options);
  // Parse --client before touching the disk, so a typo costs no key generation.
  ClientRegistry extra;
  add_command_line_clients(extra, options, log);
  // The watch first: an edit between it and the read below is seen by the first poll.
  self.watch.emplace(self.state_dir);
  // What the state dir reports (a new keyset or client secret made, a write whose durability
  // is in doubt) goes to the log as the server's own words.
  WarningSink state_log;
  if (log) state_log = [log](const std::string& line) { log("swapi serve: " + line); };
  self.keys = std::make_shared<const KeysSnapshot>(open_keyset(self.state_dir, self.clock(), state_log));
  self.clients = open_clients(self.state_dir, state_log);
  for (const auto& client : extra.clients()) self.clients.put(client);
  record_defaults(self.state_dir, {self.issuer, self.audiences, {}, {}}, log);
}

LocalIssuer::~LocalIssuer() = default;

const std::string& LocalIssuer::issuer() const { return impl_->issuer; }
const std::vector<std::string>& LocalIssuer::audiences() const { return impl_->audiences; }
const std::string& LocalIssuer::state_dir() const { return impl_->state_dir; }
const ClientRegistry& LocalIssuer::clients() const { return impl_->clients; }
std::shared_ptr<const Keyset> LocalIssuer::keyset() const { return impl_->current_keys()->keyset; }
std::vector<jose::Jwk> LocalIssuer::public_keys() const { return impl_->current_keys()->public_keys; }

std::optional<std::vector<jose::Jwk>> LocalIssuer::reload_if_changed(
    const std::function<void(const std::string&)>& log) {
  auto& self = *impl_;
  std::optional<Keyset> changed;
  try {
    changed = self.watch->poll();
  } catch (const base::Diagnostic& error) {
    log("swapi serve: " + error.what_failed + ": " + error.why + "; keeping the keys loaded before");
    return std::nullopt;
  } catch (const std::exception& error) {  // runs on the reloader thread: nothing may escape
    log("swapi serve: keyset reload failed: " + std::string(error.what()) + "; keeping the keys loaded before");
    return std::nullopt;
  }
  // A new file with the same keys (our own first write, a `keys` edit that changed nothing)
  // is no change: the token cache keeps its verdicts.
  if (!changed || changed->to_json() == self.current_keys()->keyset->to_json()) return std::nullopt;
  auto next = std::make_shared<const KeysSnapshot>(std::move(*changed));
  std::string kids;
  for (const auto& stored : next->keyset->keys()) kids += (kids.empty() ? "" : ", ") + stored.key.kid;
  std::size_t count = next->keyset->keys().size();
  log("swapi serve: keyset changed: " + std::to_string(count) + (count == 1 ? " key (" : " keys (") + kids +
      "), active " + next->keyset->active().key.kid);
  {
    std::lock_guard lock(self.keys_mutex);
    self.keys = next;
  }
  return next->public_keys;
}

namespace {

// Where a client's secret is, for a person ("secret in '<file>'"), and a shell expression that
// yields it there, so that the banner (a terminal, a CI log) never holds the secret itself.
std::pair<std::string, std::string> secret_source(const Client& client, const std::string& state_dir) {
  switch (client.origin) {
    case SecretOrigin::stored: {
      std::string file = state_file(state_dir, kClientsFile);
      std::string program = ".clients[] | select(.client_id == " + nlohmann::json(client.id).dump() + ") | .client_secret";
      return {"secret in " + base::shell_quote(file), "$(jq -r " + base::shell_quote(program) + " " + base::shell_quote(file) + ")"};
    }
    case SecretOrigin::file:
      return {"secret in " + base::shell_quote(client.origin_reference) + " (--client)",
              "$(cat " + base::shell_quote(client.origin_reference) + ")"};
    case SecretOrigin::env:
      return {"secret in $" + client.origin_reference + " (--client)",
              base::is_shell_name(client.origin_reference) ? "${" + client.origin_reference + "}"
                                                     : "$(printenv " + base::shell_quote(client.origin_reference) + ")"};
    case SecretOrigin::literal:
      break;
  }
  return {"secret given on the command line (--client)", "<the secret you gave --client>"};
}

}  // namespace

void LocalIssuer::set_extra_claims(std::function<nlohmann::json()> source) { impl_->extra_claims = std::move(source); }

std::vector<BannerLine> LocalIssuer::token_help(const std::string& base_url, const std::string& curl_options) const {
  std::vector<BannerLine> lines;
  const Client* main = impl_->clients.find(kDefaultClientId);
  if (main) {
    auto [where, secret] = secret_source(*main, impl_->state_dir);
    lines.push_back({"client", main->id + ", " + where});
    lines.push_back({"token", "TOKEN=$(curl -s " + curl_options + "-u \"" + main->id + ":" + secret +
                                  "\" -d grant_type=client_credentials " + base_url +
                                  "/oauth/token | jq -r .access_token)"});
  }
  // The other clients (--client, or added to clients.json by hand): who they are and what
  // they may ask for; the token command above works for each with its own id.
  for (const auto& client : impl_->clients.clients()) {
    if (&client == main || client.id == kDefaultClientId) continue;
    std::string scopes = client.scopes.empty() ? "no scopes" : "scopes " + jose::join_scopes(client.scopes);
    lines.push_back({"client", client.id + " (" + scopes + "), " + secret_source(client, impl_->state_dir).first});
  }
  return lines;
}

nlohmann::json LocalIssuer::Impl::metadata(const std::string& base_url) const {
  // RFC 8414 §2. No authorization_endpoint: it is required only for grant types that use it,
  // and client_credentials does not. response_types_supported (REQUIRED) is empty for the
  // same reason: we answer no authorization request at all.
  return {
      {"issuer", issuer},
      {"jwks_uri", base_url + "/.well-known/jwks.json"},
      {"token_endpoint", base_url + "/oauth/token"},
      {"grant_types_supported", {"client_credentials"}},
      {"response_types_supported", nlohmann::json::array()},
      {"scopes_supported", clients.all_scopes()},
      {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post"}},
  };
}

nlohmann::json LocalIssuer::Impl::discovery(const std::string& base_url) const {
  // OpenID Connect Discovery 1.0 §3 / RFC 8414 §2. We issue access tokens only; the
  // id_token member is REQUIRED by OIDC, so it names the algorithm our tokens are signed with.
  std::string alg(jose::alg_name(*current_keys()->keyset->active().key.alg));
  nlohmann::json document = metadata(base_url);
  document["response_types_supported"] = {"token"};
  document["subject_types_supported"] = {"public"};
  document["id_token_signing_alg_values_supported"] = {alg};
  nlohmann::json claims = {"iss", "sub", "aud", "iat", "exp", "jti", "client_id", "scope", "gty"};
  if (permissions_claim) claims.push_back("permissions");
  document["claims_supported"] = claims;
  return document;
}

void LocalIssuer::Impl::token(const httplib::Request& request, httplib::Response& response) const {
  auto parsed = parse_token_request(request);
  if (auto* error = std::get_if<OAuthError>(&parsed)) return set_oauth_error(response, *error);
  auto snapshot = current_keys();  // holds the signing key for this request
  TokenGrantContext context{issuer,    audiences,         clients, snapshot->keyset->active().key,
                            token_ttl, permissions_claim, extra_claims};
  auto granted = grant_token(std::get<TokenRequest>(parsed), context, clock());
  if (auto* error = std::get_if<OAuthError>(&granted)) return set_oauth_error(response, *error);
  set_token_response(response, std::get<nlohmann::json>(granted));
}

void LocalIssuer::register_routes(httplib::Server& http, std::string scheme, std::string fallback_host) {
  const Impl* self = impl_.get();
  http.Get("/.well-known/jwks.json", [self](const httplib::Request&, httplib::Response& response) {
    response.set_header("Cache-Control", kPublicCacheControl);
    response.set_content(self->current_keys()->jwks_body, "application/json");
  });
  http.Get("/.well-known/openid-configuration",
           [self, scheme, fallback_host](const httplib::Request& request, httplib::Response& response) {
             std::string base = request_base_url(request, scheme, fallback_host);
             response.set_header("Cache-Control", kPublicCacheControl);
             response.set_content(self->discovery(base).dump(), "application/json");
           });
  // RFC 8414 §3: the OAuth 2.0 metadata a non-OIDC client (or an RFC 8414 library) looks for.
  http.Get(std::string(kAuthorizationServerMetadataPath),
           [self, scheme, fallback_host](const httplib::Request& request, httplib::Response& response) {
             std::string base = request_base_url(request, scheme, fallback_host);
             response.set_header("Cache-Control", kPublicCacheControl);
             response.set_content(self->metadata(base).dump(), "application/json");
           });
  http.Post("/oauth/token", [self](const httplib::Request& request, httplib::Response& response) {
    self->token(request, response);
  });
  // RFC 6749 §3.2: the token endpoint is POST only; say so instead of a bare 404.
  http.Get("/oauth/token", [](const httplib::Request&, httplib::Response& response) {
    set_oauth_error(response, {405, "invalid_request", "the token endpoint accepts POST only (RFC 6749 section 3.2)"});
    response.set_header("Allow", "POST");
  });
}

}  // namespace swapi::server
