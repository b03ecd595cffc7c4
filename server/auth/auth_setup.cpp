#include "server/auth/auth_setup.h"

#include "server/auth/remote_jwks.h"
#include "server/issuer/issuer.h"  // kDefaultAudience

namespace swapi::server {

AuthIdentity effective_identity(const ServeOptions& options, const std::string& base_url) {
  AuthIdentity identity;
  identity.issuer = options.issuer.empty() ? base_url + "/" : options.issuer;
  identity.audiences = options.audiences;
  if (identity.audiences.empty()) identity.audiences.emplace_back(kDefaultAudience);
  return identity;
}

std::unique_ptr<AuthGuard> make_auth_guard(const ServeOptions& options, const AuthIdentity& identity,
                                           const std::vector<std::string>& resources,
                                           const std::vector<jose::Jwk>& local_public_keys, const LogSink& log,
                                           std::function<std::int64_t()> now,
                                           std::shared_ptr<LocalKeySource>* local_source) {
  AlgPolicy algs{parse_alg_list(options.algs)};
  AuthPolicy policy(options.public_paths, resources);
  if (!options.policy_file.empty()) policy.load_file(options.policy_file);

  std::shared_ptr<KeySource> keys;
  if (!options.jwks_uri.empty()) {
    RemoteJwksConfig config;
    config.url = options.jwks_uri;
    config.proxy = options.jwks_proxy;
    config.max_age = std::chrono::seconds(options.jwks_max_age);
    config.refetches_per_minute = options.jwks_rpm;
    auto remote = std::make_shared<RemoteJwks>(std::move(config), algs, log);
    remote->start();
    keys = std::move(remote);
  } else if (!options.jwks_file.empty()) {
    keys = make_jwks_file_source(options.jwks_file, algs, log);
  } else {
    std::shared_ptr<LocalKeySource> local = make_local_key_source(local_public_keys, algs, log);
    if (local_source) *local_source = local;
    keys = std::move(local);
  }

  GuardSettings settings;
  settings.claims.issuer = identity.issuer;
  settings.claims.audiences = identity.audiences;
  settings.claims.leeway = std::chrono::seconds(options.leeway);
  settings.claims.require_exp = options.require_exp;
  settings.claims.allowed_typ = options.require_typ;
  settings.allow_query_token = options.allow_query_token;
  settings.body_shape = options.flavor == "loopback" ? BodyShape::loopback : BodyShape::swapi;
  return std::make_unique<AuthGuard>(std::move(settings), std::move(policy), std::move(keys), std::move(now));
}

std::string describe_auth(const ServeOptions& options, const AuthGuard* guard) {
  if (options.no_auth || !guard)
    return "OFF (--no-auth): every /api route is open to anyone, no token is checked";
  const auto& claims = guard->settings().claims;
  std::string audiences;
  for (const auto& audience : claims.audiences) audiences += (audiences.empty() ? "" : " or ") + audience;
  std::string text = "JWT required: iss " + claims.issuer + ", aud " + audiences + ", algs " +
                     alg_names(guard->keys().current()->algs);
  if (!claims.require_exp) text += ", exp optional";
  if (!claims.allowed_typ.empty()) {
    text += ", typ ";
    for (std::size_t i = 0; i < claims.allowed_typ.size(); ++i) text += (i ? "|" : "") + claims.allowed_typ[i];
  }
  if (guard->settings().allow_query_token) text += ", ?access_token= accepted";
  return text + "; keys: " + guard->keys().describe();
}

}  // namespace swapi::server

namespace swapi::server {

std::vector<std::string> describe_rules(const AuthGuard* guard) {
  std::vector<std::string> lines;
  if (!guard) return lines;
  for (const auto& rule : guard->policy().rules()) {
    const Requirement& needs = rule.requirement;
    std::string what = needs.kind == Requirement::Kind::open    ? "public, no token"
                       : needs.kind == Requirement::Kind::token ? "any valid token"
                                                                : "";
    for (const auto& scope : needs.scopes) what += (what.empty() ? "" : " ") + scope;
    // needs.rule reads "--public /x" or "policy rule 2" (the access log's words).
    std::string source = needs.rule.starts_with("--public") ? "--public" : "--" + needs.rule;
    lines.push_back(rule.method + " " + rule.path + (rule.prefix ? "*" : "") + " -> " + what + " (" + source + ")");
  }
  return lines;
}

}  // namespace swapi::server
