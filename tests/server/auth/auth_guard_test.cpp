// The guard's decisions on a fixed clock, without HTTP: the cache (one verification per token,
// time rules still checked on every hit), scopes, token transport rules. The same rules are
// tested over HTTP against the real binary in tests/integration/auth_*_test.cpp.
#include <doctest/doctest.h>

#include "server/auth/auth_guard.h"
#include "tests/server/auth/auth_test_tokens.h"

using namespace swapi;
using server::AuthGuard;
using server::BearerInput;
using server::GuardDecision;
using Kind = server::Challenge::Kind;

namespace {

constexpr std::int64_t kStart = 1'800'000'000;
const std::string kIssuer = "http://issuer.test/";

struct Fixture {
  std::int64_t now = kStart;
  std::shared_ptr<server::KeySource> keys;
  std::unique_ptr<AuthGuard> guard;

  explicit Fixture(server::GuardSettings settings = {}, server::AuthPolicy policy = server::AuthPolicy()) {
    auto build = server::build_key_set({test::rsa_key()}, {}, false, 1);
    keys = std::make_shared<server::StaticKeySource>(std::move(build.set), "test keys");
    settings.claims.issuer = kIssuer;
    settings.claims.audiences = {std::string(test::kTestAudience)};
    guard = std::make_unique<AuthGuard>(std::move(settings), std::move(policy), keys, [this] { return now; });
  }

  GuardDecision get(const std::string& path, const std::string& authorization) {
    BearerInput input;
    input.method = "GET";
    input.path = path;
    input.authorization_count = authorization.empty() ? 0 : 1;
    input.authorization = authorization;
    return guard->decide(input);
  }
};

}  // namespace

TEST_CASE("auth guard: a valid token is verified once, then served from the cache") {
  Fixture f;
  std::string token = test::mint(test::rsa_key(), test::good_claims(kIssuer, kStart));
  for (int i = 0; i < 5; ++i) {
    auto decision = f.get("/api/films/1/", "Bearer " + token);
    CHECK(decision.allowed);
    CHECK(decision.rule == "ok");
  }
  CHECK(f.guard->verifications() == 1);
  CHECK(f.guard->cache().size() == 1);
}

TEST_CASE("auth guard: a cached token expires on time: the time rules run on every hit") {
  Fixture f;
  std::string token = test::mint(test::rsa_key(), test::good_claims(kIssuer, kStart));  // exp = start + 600
  REQUIRE(f.get("/api/films/", "Bearer " + token).allowed);
  f.now = kStart + 599;
  CHECK(f.get("/api/films/", "Bearer " + token).allowed);
  f.now = kStart + 600 + 4;  // within the 5 s leeway
  CHECK(f.get("/api/films/", "Bearer " + token).allowed);
  f.now = kStart + 600 + 5;
  auto decision = f.get("/api/films/", "Bearer " + token);
  CHECK_FALSE(decision.allowed);
  CHECK(decision.rule == "expired");
  CHECK(decision.challenge.kind == Kind::invalid_token);
  CHECK(decision.challenge.detail.starts_with("token expired at "));
}

TEST_CASE("auth guard: a token not yet valid becomes valid when its nbf arrives, without re-verifying") {
  Fixture f;
  auto claims = test::good_claims(kIssuer, kStart);
  claims["nbf"] = kStart + 60;
  std::string token = test::mint(test::rsa_key(), claims);
  auto decision = f.get("/api/films/", "Bearer " + token);
  CHECK(decision.rule == "not_yet_valid");
  f.now = kStart + 55;  // leeway 5 s
  CHECK(f.get("/api/films/", "Bearer " + token).allowed);
  CHECK(f.guard->verifications() == 1);
}

TEST_CASE("auth guard: a flood of one forged token costs one verification") {
  Fixture f;
  std::string forged = test::defect_token("bad-signature", kIssuer, kStart);
  for (int i = 0; i < 100; ++i) {
    auto decision = f.get("/api/films/", "Bearer " + forged);
    REQUIRE(decision.rule == "bad_signature");
  }
  CHECK(f.guard->verifications() == 1);
  f.now = kStart + 10;  // the negative entry lasts 10 s
  CHECK(f.get("/api/films/", "Bearer " + forged).rule == "bad_signature");
  CHECK(f.guard->verifications() == 2);
}

TEST_CASE("auth guard: an expired token is remembered as rejected, not re-verified") {
  Fixture f;
  auto claims = test::good_claims(kIssuer, kStart - 1000);  // exp = start - 400
  std::string token = test::mint(test::rsa_key(), claims);
  for (int i = 0; i < 10; ++i) CHECK(f.get("/api/films/", "Bearer " + token).rule == "expired");
  CHECK(f.guard->verifications() == 1);
  CHECK(f.guard->cache().size() == 0);
}

TEST_CASE("auth guard: a token that fails iss is refused on every hit with the same rule") {
  Fixture f;
  std::string token = test::mint(test::rsa_key(), test::good_claims("http://elsewhere/", kStart));
  CHECK(f.get("/api/films/", "Bearer " + token).rule == "wrong_iss");
  CHECK(f.get("/api/films/", "Bearer " + token).rule == "wrong_iss");
  CHECK(f.guard->verifications() == 1);
}

TEST_CASE("auth guard: scopes are checked per route; 403 names the needed scope") {
  Fixture f;
  std::string token = test::mint(test::rsa_key(), test::good_claims(kIssuer, kStart, "read:films read:people"));
  CHECK(f.get("/api/people/1/", "Bearer " + token).allowed);
  auto decision = f.get("/api/planets/1/", "Bearer " + token);
  CHECK_FALSE(decision.allowed);
  CHECK(decision.challenge.kind == Kind::insufficient_scope);
  CHECK(decision.challenge.scope == "read:planets");
  CHECK(decision.rule == "insufficient_scope");
  CHECK(f.get("/api/", "Bearer " + token).allowed);  // the root needs no scope
}

TEST_CASE("auth guard: transport rules: scheme, header count, query token") {
  Fixture f;
  std::string token = test::mint(test::rsa_key(), test::good_claims(kIssuer, kStart));
  CHECK(f.get("/api/films/", "").rule == "no_token");
  CHECK(f.get("/api/films/", "Basic dXNlcjpwYXNz").rule == "wrong_scheme");
  CHECK(f.get("/api/films/", "bEaReR " + token).allowed);
  CHECK(f.get("/api/films/", "Bearer   " + token).allowed);  // 1*SP
  CHECK(f.get("/api/films/", "Bearer").rule == "missing_token");
  CHECK(f.get("/api/films/", "Bearer " + token + " extra").rule == "malformed");

  BearerInput two;
  two.method = "GET";
  two.path = "/api/films/";
  two.authorization_count = 2;
  two.authorization = "Bearer " + token;
  CHECK(f.guard->decide(two).rule == "multiple_authorization_headers");
  CHECK(f.guard->decide(two).challenge.status() == 400);

  BearerInput query;
  query.method = "GET";
  query.path = "/api/films/";
  query.query_token_count = 1;
  query.query_token = token;
  CHECK(f.guard->decide(query).rule == "query_token_refused");
}

TEST_CASE("auth guard: with --allow-query-token the query form works, but not together with the header") {
  server::GuardSettings settings;
  settings.allow_query_token = true;
  Fixture f(settings);
  std::string token = test::mint(test::rsa_key(), test::good_claims(kIssuer, kStart));
  BearerInput query;
  query.method = "GET";
  query.path = "/api/films/";
  query.query_token_count = 1;
  query.query_token = token;
  CHECK(f.guard->decide(query).allowed);
  query.authorization_count = 1;
  std::string header = "Bearer " + token;
  query.authorization = header;
  CHECK(f.guard->decide(query).rule == "token_in_header_and_query");
  query.authorization_count = 0;
  query.query_token_count = 2;
  CHECK(f.guard->decide(query).rule == "multiple_query_tokens");
}

TEST_CASE("auth guard: the token size limit applies before any parsing") {
  Fixture f;
  std::string big(8001, 'a');
  CHECK(f.get("/api/films/", "Bearer " + big).rule == "token_too_large");
  CHECK(f.guard->verifications() == 0);
  CHECK(f.get("/api/films/", "Bearer " + std::string(8000, 'a')).rule == "malformed");  // at the limit: parsed
}

TEST_CASE("auth guard: a public route needs nothing, not even a well-formed header") {
  Fixture f(server::GuardSettings{}, server::AuthPolicy({"/api/films/*"}));
  auto decision = f.get("/api/films/1/", "Bearer !!!");
  CHECK(decision.allowed);
  CHECK(decision.rule == "public");
}

TEST_CASE("auth guard: a number beyond double range is malformed, in the header or a signed payload") {
  Fixture f;
  auto header = f.get("/api/films/1/", "Bearer " + test::raw_token(R"({"alg":"RS256","x":1E400})", "{}", "sig"));
  CHECK_FALSE(header.allowed);
  CHECK(header.rule == "malformed");
  CHECK(header.challenge.detail == "header is not valid JSON: number overflow parsing '1E400'");

  // Signed by the trusted key: only the claims parser sees the number.
  std::string payload = R"({"iss":"http://issuer.test/","exp":1E400})";
  std::string token = jose::sign_compact({{"alg", "RS256"}, {"kid", test::rsa_key().kid}}, payload, test::rsa_key());
  auto claims = f.get("/api/films/1/", "Bearer " + token);
  CHECK_FALSE(claims.allowed);
  CHECK(claims.rule == "malformed");
  CHECK(claims.challenge.detail == "payload is not valid JSON: number overflow parsing '1E400'");
}
