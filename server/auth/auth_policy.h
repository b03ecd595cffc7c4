#pragma once
// Which requests need a token and which scopes (DESIGN.md "Token validation contract",
// "Scopes"). Decided from the method and path alone, before the token is looked at.
//
// Order: a path naming no resource of this server (/api/unicorns...) needs nothing: whatever
// the token, the router answers 404 in the flavor's shape (resource names are public anyway:
// /openapi.json lists them, and a 401/403 there would send a user hunting for a scope that
// cannot exist). Then --public paths, then the --policy file's rules (first match wins), then
// the default:
//   GET/HEAD /api/{res}...          -> read:{res}
//   other methods on /api/{res}...  -> write:{res}
//   /api and /api/ (the root list)  -> a valid token, no scope (it names resources, no data)
//
// Policy file (JSON):
//   {"rules": [
//     {"method": "GET", "path": "/api/films*", "scopes": ["read:films"]},
//     {"method": "*",   "path": "/api/planets/*", "public": true},
//     {"method": "GET", "path": "/api/", "scopes": []}          <- token, no scope
//   ]}
// method: an HTTP method or "*" (a GET rule also covers HEAD, as HTTP does); path: exact, or a
// prefix when it ends in "*", and under /api (is_guarded_path): the guard sees nothing else,
// so a rule elsewhere is refused rather than loaded and never enforced; scopes: all are
// required; public: no token at all. Unknown members are errors, so a typo ("scope") cannot
// silently open a route.
#include <string>
#include <string_view>
#include <vector>

namespace swapi::server {

struct Requirement {
  // unknown_resource: no such resource, so nothing to protect; the router answers 404.
  enum class Kind { open, token, scopes, unknown_resource };
  Kind kind = Kind::token;
  std::vector<std::string> scopes;  // Kind::scopes: every one is needed
  std::string rule;                 // what decided it, for the access log: "default", "policy rule 2", "--public /x"
};

struct PolicyRule {
  std::string method;  // upper case, or "*"
  std::string path;    // without the trailing '*'
  bool prefix = false;
  Requirement requirement;
};

class AuthPolicy {
 public:
  // The default policy plus `public_paths` (each exact or ending in '*', under /api).
  // `resources` are the names the server routes under /api/ ("films", ...); empty means any
  // name is taken for a resource (unit tests of the rules alone).
  explicit AuthPolicy(const std::vector<std::string>& public_paths = {}, std::vector<std::string> resources = {});

  // Adds the rules of a policy document; throws base::Diagnostic("serve: --policy", "<file>: <problem>").
  void load_file(const std::string& path);
  void load_text(std::string_view json_text, std::string_view source_name);

  // What `method path` needs. `path` is the request path without the query string.
  Requirement requirement(std::string_view method, std::string_view path) const;

  const std::vector<PolicyRule>& rules() const { return rules_; }

 private:
  std::vector<PolicyRule> rules_;
  std::vector<std::string> resources_;
};

}  // namespace swapi::server
