#pragma once
// Builds the resource server's guard from the serve options (server.cpp calls this once the
// base URL, hence the default issuer, is known).
//
//   issuer     --issuer, else the server's base URL + "/"
//   audiences  --audience..., else https://starwarsapi.com
//   keys       --jwks-uri, else --jwks-file, else the local keyset's published keys
//   algs       --alg, else the algorithms of those keys
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "jose/jwk.h"
#include "server/auth/auth_guard.h"
#include "server/options.h"

namespace swapi::server {

struct AuthIdentity {
  std::string issuer;
  std::vector<std::string> audiences;
};

// The effective issuer and audiences for a server reachable at base_url ("http://h:p").
AuthIdentity effective_identity(const ServeOptions& options, const std::string& base_url);

// Throws base::Diagnostic for a bad --alg, --policy, --public, --jwks-file or --jwks-uri.
// `resources` are the names routed under /api/ (a request naming another gets through the
// guard to the router's 404, whatever its token; auth_policy.h).
// local_public_keys is only used when neither --jwks-uri nor --jwks-file is given; then, when
// local_source is not null, it receives that source so the caller can replace its keys when the
// keyset changes. A remote source is started (first fetch) before this returns.
std::unique_ptr<AuthGuard> make_auth_guard(const ServeOptions& options, const AuthIdentity& identity,
                                           const std::vector<std::string>& resources,
                                           const std::vector<jose::Jwk>& local_public_keys, const LogSink& log,
                                           std::function<std::int64_t()> now,
                                           std::shared_ptr<LocalKeySource>* local_source = nullptr);

// The banner line: "JWT required: iss ..., aud ..., algs ...; keys: ..." or, loudly, that
// auth is off.
std::string describe_auth(const ServeOptions& options, const AuthGuard* guard);

// The banner's lines for the --public and --policy rules, in the order they are matched:
// "GET /api/films* -> read:films (--policy rule 1)", "* /api/planets* -> public (--public)".
// Empty with the default policy only, or with auth off.
std::vector<std::string> describe_rules(const AuthGuard* guard);

}  // namespace swapi::server
