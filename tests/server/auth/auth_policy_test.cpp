// What each route needs: the default read:/write:{res} policy, --public, --policy files and
// their errors.
#include <doctest/doctest.h>

#include "base/diagnostic.h"
#include "server/auth/auth_policy.h"
#include "tests/support/server_process.h"

using swapi::server::AuthPolicy;
using swapi::server::Requirement;
using Kind = swapi::server::Requirement::Kind;

namespace {

swapi::base::Diagnostic policy_error(std::string_view text) {
  AuthPolicy policy;
  try {
    policy.load_text(text, "policy.json");
  } catch (const swapi::base::Diagnostic& error) {
    return error;
  }
  FAIL("expected a swapi::base::Diagnostic");
  return swapi::base::Diagnostic("", "");
}

std::vector<std::string> scopes(const AuthPolicy& policy, std::string_view method, std::string_view path) {
  return policy.requirement(method, path).scopes;
}

}  // namespace

TEST_CASE("auth policy: default GET and HEAD need read:{res}, writes need write:{res}") {
  AuthPolicy policy;
  CHECK(scopes(policy, "GET", "/api/films/1/") == std::vector<std::string>{"read:films"});
  CHECK(scopes(policy, "HEAD", "/api/people/") == std::vector<std::string>{"read:people"});
  CHECK(scopes(policy, "GET", "/api/starships") == std::vector<std::string>{"read:starships"});
  CHECK(scopes(policy, "GET", "/api/films/schema") == std::vector<std::string>{"read:films"});
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"})
    CHECK(scopes(policy, method, "/api/planets/3") == std::vector<std::string>{"write:planets"});
  auto requirement = policy.requirement("GET", "/api/films/");
  CHECK(requirement.kind == Kind::scopes);
  CHECK(requirement.rule == "default");
}

TEST_CASE("auth policy: the API root needs a valid token but no scope") {
  AuthPolicy policy;
  CHECK(policy.requirement("GET", "/api/").kind == Kind::token);
  CHECK(policy.requirement("GET", "/api").kind == Kind::token);
}

TEST_CASE("auth policy: a path segment that is no resource name needs a token, never a made-up scope") {
  AuthPolicy policy;
  auto requirement = policy.requirement("GET", "/api/fi\"lms/1");
  CHECK(requirement.kind == Kind::token);
  CHECK(requirement.scopes.empty());
}

TEST_CASE("auth policy: --public paths are exact, or prefixes with a trailing *") {
  AuthPolicy policy({"/api/films/1/", "/api/planets/*"});
  CHECK(policy.requirement("GET", "/api/films/1/").kind == Kind::open);
  CHECK(policy.requirement("GET", "/api/films/1/").rule == "--public /api/films/1/");
  CHECK(policy.requirement("GET", "/api/films/1").kind == Kind::scopes);  // exact means exact
  CHECK(policy.requirement("GET", "/api/films/2/").kind == Kind::scopes);
  CHECK(policy.requirement("DELETE", "/api/planets/7/").kind == Kind::open);
  CHECK(policy.requirement("GET", "/api/planets").kind == Kind::scopes);  // "/api/planets/*" needs the slash
}

TEST_CASE("auth policy: --public must be an absolute path with * only at the end") {
  CHECK_THROWS_AS(AuthPolicy({"api/films"}), swapi::base::Diagnostic);
  CHECK_THROWS_AS(AuthPolicy({"/api/*/1"}), swapi::base::Diagnostic);
}

TEST_CASE("auth policy: policy rules match in order, the first one wins, GET covers HEAD") {
  AuthPolicy policy;
  policy.load_text(R"({"rules":[
      {"method":"GET","path":"/api/films*","scopes":["films:view","catalog"]},
      {"method":"*","path":"/api/planets/*","public":true},
      {"method":"get","path":"/api/people/","scopes":[]},
      {"method":"*","path":"/api/films/1/","public":true}]})",
                   "policy.json");
  auto films = policy.requirement("GET", "/api/films/1/");
  CHECK(films.kind == Kind::scopes);
  CHECK(films.scopes == std::vector<std::string>{"films:view", "catalog"});
  CHECK(films.rule == "policy rule 1");
  CHECK(policy.requirement("HEAD", "/api/films").scopes == std::vector<std::string>{"films:view", "catalog"});
  CHECK(policy.requirement("POST", "/api/films/").scopes == std::vector<std::string>{"write:films"});  // default
  CHECK(policy.requirement("PATCH", "/api/planets/1").kind == Kind::open);
  CHECK(policy.requirement("GET", "/api/people/").kind == Kind::token);
  CHECK(policy.requirement("GET", "/api/people/").rule == "policy rule 3");
}

TEST_CASE("auth policy: --public takes precedence over the policy file") {
  AuthPolicy policy({"/api/films/*"});
  policy.load_text(R"({"rules":[{"method":"GET","path":"/api/films*","scopes":["x"]}]})", "p.json");
  CHECK(policy.requirement("GET", "/api/films/1/").kind == Kind::open);
}

TEST_CASE("auth policy: file errors name the file and the problem") {
  CHECK(policy_error("{").what_failed == "serve: --policy");
  CHECK(policy_error("{").why.starts_with("policy.json: not valid JSON: "));
  CHECK(policy_error("[]").why == "policy.json: the document must be an object with a \"rules\" array");
  CHECK(policy_error(R"({"rules":[], "x":1})").why == "policy.json: unknown member \"x\" (known: rules)");
  CHECK(policy_error(R"({"rules":[1]})").why == "policy.json: rule 1 is not an object");
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/api/","scope":["a"]}]})").why ==
        "policy.json: rule 1: unknown member \"scope\" (known: method, path, scopes, public)");
  CHECK(policy_error(R"({"rules":[{"path":"/api/","scopes":[]}]})").why == "policy.json: rule 1: \"method\" must be a string");
  CHECK(policy_error(R"({"rules":[{"method":"FETCH","path":"/api/","scopes":[]}]})").why ==
        "policy.json: rule 1: unknown method \"FETCH\"");
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"api","scopes":[]}]})").why ==
        "policy.json: rule 1: \"path\" must be a string starting with /");
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/a*b","scopes":[]}]})").why ==
        "policy.json: rule 1: '*' may only end a path");
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/a"}]})").why ==
        "policy.json: rule 1: needs \"scopes\" (may be []) or \"public\": true");
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/a","public":true,"scopes":["x"]}]})").why ==
        "policy.json: rule 1: a public rule cannot require scopes");
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/a","public":"yes"}]})").why ==
        "policy.json: rule 1: \"public\" must be true or false");
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/a","scopes":["has space"]}]})").why ==
        "policy.json: rule 1: scope \"has space\" is not a scope token (RFC 6749 section 3.3)");
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/a","scopes":"read:films"}]})").why ==
        "policy.json: rule 1: \"scopes\" must be an array of strings");
}

TEST_CASE("auth policy: a number beyond double range is 'not valid JSON', not a library exception") {
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/api/","scopes":[],"x":1E400}]})").why ==
        "policy.json: not valid JSON: number overflow parsing '1E400'");
}

// The guard sees /api only: a rule elsewhere would load and never be enforced (a scopes rule
// on /openapi.json answered 200 without a token). Refused at start instead.
TEST_CASE("auth policy: a rule or --public path outside /api is refused") {
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/openapi.json","scopes":["read:docs"]}]})").why ==
        "policy.json: rule 1: path \"/openapi.json\" is outside /api; rules govern /api routes only (the others are "
        "public by design)");
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/api/films*","scopes":[]},{"method":"*","path":"/*","scopes":["x"]}]})")
            .why.starts_with("policy.json: rule 2: path \"/*\" is outside /api;"));
  CHECK(policy_error(R"({"rules":[{"method":"GET","path":"/ap*","public":true}]})").why.starts_with(
      "policy.json: rule 1: path \"/ap*\" is outside /api;"));
  try {
    AuthPolicy policy({"/healthz"});
    FAIL("expected a swapi::base::Diagnostic");
  } catch (const swapi::base::Diagnostic& error) {
    CHECK(error.what_failed == "serve: --public");
    CHECK(error.why == "'/healthz' is outside /api, where every route is public already");
  }
  // Everything that starts with /api is the guard's: /api itself, the root list, any prefix.
  AuthPolicy policy({"/api*"});
  policy.load_text(R"({"rules":[{"method":"GET","path":"/api","scopes":[]},{"method":"GET","path":"/api/films*","scopes":["x"]}]})",
                   "policy.json");
  CHECK(policy.rules().size() == 3);
}

TEST_CASE("auth policy: an unreadable policy file is a start-up error naming it") {
  AuthPolicy policy;
  try {
    policy.load_file("/nonexistent/policy.json");
    FAIL("expected a swapi::base::Diagnostic");
  } catch (const swapi::base::Diagnostic& error) {
    CHECK(error.why == "cannot read /nonexistent/policy.json");
  }
}

TEST_CASE("policy: a path naming no known resource needs nothing, before any rule (the router's 404)") {
  AuthPolicy policy({"/api/unicorns*"}, {"films", "people"});
  policy.load_text(R"({"rules":[{"method":"*","path":"/api*","scopes":["admin"]}]})", "policy.json");
  for (const char* path : {"/api/unicorns", "/api/unicorns/1/", "/api/Films/", "/api//films"}) {
    CAPTURE(path);
    auto needed = policy.requirement("GET", path);
    CHECK(needed.kind == Kind::unknown_resource);
    CHECK(needed.rule == "unknown resource");
  }
  CHECK(policy.requirement("DELETE", "/api/films/1").kind == Kind::scopes);
  CHECK(policy.requirement("GET", "/api/").kind == Kind::scopes);  // the rule: the root is known
  CHECK(AuthPolicy().requirement("GET", "/api/unicorns").scopes == std::vector<std::string>{"read:unicorns"});
}
