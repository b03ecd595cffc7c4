#include "server/issuer/issuer.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <mutex>

#include "base/diagnostic.h"
#include "jose/alg.h"
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

// Clients (jwks-rsa, express-jwt, Auth0 SDKs) cache the JWKS anyway; five minutes keeps a
// rotation visible quickly while sparing us a request per verification.
constexpr const char* kPublicCacheControl = "public, max-age=300";

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

// 'text' for a POSIX shell: no expansion inside, a ' closes, escapes and reopens.
std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

bool is_shell_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
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
  UnixClock clock;
  ClientRegistry clients;
  std::optional<KeysetWatch> watch;
  mutable std::mutex keys_mutex;  // guards keys (the pointer; the snapshot is immutable)
  std::shared_ptr<const KeysSnapshot> keys;

  std::shared_ptr<const KeysSnapshot> current_keys() const {
    std::lock_guard lock(keys_mutex);
    return keys;
  }
  nlohmann::json discovery(const std::string& base_url) const;
  void token(const httplib::Request& request, httplib::Response& response) const;
};

LocalIssuer::LocalIssuer(const ServeOptions& options, std::string issuer, std::vector<std::string> audiences,
                         WarningSink log, UnixClock clock)
    : impl_(std::make_unique<Impl>()) {
  auto& self = *impl_;
  self.issuer = std::move(issuer);
  self.audiences = audiences.empty() ? std::vector<std::string>{std::string(kDefaultAudience)} : std::move(audiences);
  self.clock = std::move(clock);
  // The state dir from --keys and the environment the CLI read (never getenv here).
  self.state_dir = state_dir_of(options);
  // Parse --client before touching the disk, so a typo costs no key generation.
  ClientRegistry extra;
  add_command_line_clients(extra, options, log);
  // The watch first: an edit between it and the read below is seen by the first poll.
  self.watch.emplace(self.state_dir);
  self.keys = std::make_shared<const KeysSnapshot>(open_keyset(self.state_dir, self.clock(), log));
  self.clients = open_clients(self.state_dir, log);
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

std::vector<BannerLine> LocalIssuer::token_help(const std::string& base_url) const {
  const Client* client = impl_->clients.find(kDefaultClientId);
  if (!client) return {};
  // A shell expression that yields the secret where it is kept, so that the banner (a
  // terminal, a CI log) never holds the secret itself.
  std::string where, secret;
  switch (client->origin) {
    case SecretOrigin::stored: {
      std::string file = state_file(impl_->state_dir, kClientsFile);
      std::string program = ".clients[] | select(.client_id == " + nlohmann::json(client->id).dump() + ") | .client_secret";
      where = "secret in " + shell_quote(file);
      secret = "$(jq -r " + shell_quote(program) + " " + shell_quote(file) + ")";
      break;
    }
    case SecretOrigin::file:
      where = "secret in " + shell_quote(client->origin_reference) + " (--client)";
      secret = "$(cat " + shell_quote(client->origin_reference) + ")";
      break;
    case SecretOrigin::env:
      where = "secret in $" + client->origin_reference + " (--client)";
      secret = is_shell_name(client->origin_reference) ? "${" + client->origin_reference + "}"
                                                       : "$(printenv " + shell_quote(client->origin_reference) + ")";
      break;
    case SecretOrigin::literal:
      where = "secret given on the command line (--client)";
      secret = "<the secret you gave --client>";
      break;
  }
  std::string command = "TOKEN=$(curl -s -u \"" + client->id + ":" + secret +
                        "\" -d grant_type=client_credentials " + base_url + "/oauth/token | jq -r .access_token)";
  return {{"client", client->id + ", " + where}, {"token", command}};
}

nlohmann::json LocalIssuer::Impl::discovery(const std::string& base_url) const {
  // OpenID Connect Discovery 1.0 §3 / RFC 8414 §2. We issue access tokens only; the
  // id_token member is REQUIRED by OIDC, so it names the algorithm our tokens are signed with.
  std::string alg(jose::alg_name(*current_keys()->keyset->active().key.alg));
  return {
      {"issuer", issuer},
      {"jwks_uri", base_url + "/.well-known/jwks.json"},
      {"token_endpoint", base_url + "/oauth/token"},
      {"grant_types_supported", {"client_credentials"}},
      {"response_types_supported", {"token"}},
      {"subject_types_supported", {"public"}},
      {"scopes_supported", clients.all_scopes()},
      {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post"}},
      {"id_token_signing_alg_values_supported", {alg}},
      {"claims_supported", {"iss", "sub", "aud", "iat", "exp", "jti", "client_id", "scope", "gty"}},
  };
}

void LocalIssuer::Impl::token(const httplib::Request& request, httplib::Response& response) const {
  auto parsed = parse_token_request(request);
  if (auto* error = std::get_if<OAuthError>(&parsed)) return set_oauth_error(response, *error);
  auto snapshot = current_keys();  // holds the signing key for this request
  TokenGrantContext context{issuer, audiences, clients, snapshot->keyset->active().key, kIssuedTokenLifetimeSeconds};
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
  http.Post("/oauth/token", [self](const httplib::Request& request, httplib::Response& response) {
    self->token(request, response);
  });
  // RFC 6749 §3.2: the token endpoint is POST only; say so instead of a bare 404.
  http.Get("/oauth/token", [](const httplib::Request&, httplib::Response& response) {
    set_oauth_error(response, {405, "invalid_request", "the token endpoint accepts POST only (RFC 6749 §3.2)"});
    response.set_header("Allow", "POST");
  });
}

}  // namespace swapi::server
