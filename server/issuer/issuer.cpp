#include "server/issuer/issuer.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>

#include "jose/alg.h"
#include "server/errors.h"
#include "server/web/route_context.h"
#include "server/issuer/token_endpoint.h"
#include "server/issuer/token_request.h"

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
      throw StartupError("--client", "client id '" + client.id + "' is given twice");
    ids.push_back(client.id);
    clients.put(std::move(client));
  }
}

}  // namespace

std::int64_t system_unix_time() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct LocalIssuer::Impl {
  std::string issuer;
  std::vector<std::string> audiences;
  std::string state_dir;
  UnixClock clock;
  Keyset keyset;
  ClientRegistry clients;
  std::vector<jose::Jwk> public_keys;
  std::string jwks_body;  // serialised once: it cannot change while we run

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
  self.state_dir = resolve_state_dir(options);
  // Parse --client before touching the disk, so a typo costs no key generation.
  ClientRegistry extra;
  add_command_line_clients(extra, options.clients);
  self.keyset = open_keyset(self.state_dir, self.clock(), log);
  self.clients = open_clients(self.state_dir, log);
  for (const auto& client : extra.clients()) self.clients.put(client);
  record_defaults(self.state_dir, {self.issuer, self.audiences}, log);
  self.public_keys = self.keyset.published_public_keys();
  self.jwks_body = jose::to_jwks(self.public_keys, /*include_private=*/false).dump();
}

LocalIssuer::~LocalIssuer() = default;

const std::string& LocalIssuer::issuer() const { return impl_->issuer; }
const std::vector<std::string>& LocalIssuer::audiences() const { return impl_->audiences; }
const std::string& LocalIssuer::state_dir() const { return impl_->state_dir; }
const ClientRegistry& LocalIssuer::clients() const { return impl_->clients; }
const Keyset& LocalIssuer::keyset() const { return impl_->keyset; }
const std::vector<jose::Jwk>& LocalIssuer::public_keys() const { return impl_->public_keys; }

nlohmann::json LocalIssuer::Impl::discovery(const std::string& base_url) const {
  // OpenID Connect Discovery 1.0 §3 / RFC 8414 §2. We issue access tokens only; the
  // id_token member is REQUIRED by OIDC, so it names the algorithm our tokens are signed with.
  std::string alg(jose::alg_name(*keyset.active().key.alg));
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
  TokenGrantContext context{issuer, audiences, clients, keyset.active().key, kIssuedTokenLifetimeSeconds};
  auto granted = grant_token(std::get<TokenRequest>(parsed), context, clock());
  if (auto* error = std::get_if<OAuthError>(&granted)) return set_oauth_error(response, *error);
  set_token_response(response, std::get<nlohmann::json>(granted));
}

void LocalIssuer::register_routes(httplib::Server& http, std::string scheme, std::string fallback_host) {
  const Impl* self = impl_.get();
  http.Get("/.well-known/jwks.json", [self](const httplib::Request&, httplib::Response& response) {
    response.set_header("Cache-Control", kPublicCacheControl);
    response.set_content(self->jwks_body, "application/json");
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
