#include "server/issuer/issuer.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "jose/alg.h"
#include "base/diagnostic.h"
#include "server/web/base_url.h"
#include "server/issuer/token_endpoint.h"
#include "server/issuer/token_request.h"
#include "state/keyset_watch.h"

namespace swapi::server {

namespace {

// Clients (jwks-rsa, express-jwt, Auth0 SDKs) cache the JWKS anyway; five minutes keeps a
// rotation visible quickly while sparing us a request per verification.
constexpr const char* kPublicCacheControl = "public, max-age=300";

// --client entries for this run: parsed, checked for repeats, put over the stored ones.
void add_command_line_clients(ClientRegistry& clients, const std::vector<std::string>& specs) {
  std::vector<std::string> ids;
  for (const auto& spec : specs) {
    Client client = parse_client_spec(spec);
    if (std::find(ids.begin(), ids.end(), client.id) != ids.end())
      throw base::Diagnostic("--client", "client id '" + client.id + "' is given twice");
    ids.push_back(client.id);
    clients.put(std::move(client));
  }
}

}  // namespace

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
        public_keys(keyset->published_public_keys()),
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
                         UnixClock clock)
    : impl_(std::make_unique<Impl>()) {
  auto& self = *impl_;
  self.issuer = std::move(issuer);
  self.audiences = audiences.empty() ? std::vector<std::string>{std::string(kDefaultAudience)} : std::move(audiences);
  self.clock = std::move(clock);
  // The state dir from --keys and the environment the CLI read (never getenv here).
  self.state_dir = resolve_state_dir(options.keys_dir, options.env_swapi_home, options.env_xdg_state_home,
                                     options.env_home);
  // Parse --client before touching the disk, so a typo costs no key generation.
  ClientRegistry extra;
  add_command_line_clients(extra, options.clients);
  // The watch first: an edit between it and the read below is seen by the first poll.
  self.watch.emplace(self.state_dir);
  self.keys = std::make_shared<const KeysSnapshot>(open_keyset(self.state_dir, self.clock()));
  self.clients = open_clients(self.state_dir);
  for (const auto& client : extra.clients()) self.clients.put(client);
  record_defaults(self.state_dir, {self.issuer, self.audiences});
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
