// Every defective token a careful resource server refuses (DESIGN.md "Token validation
// contract"), each against the real binary: 401, error="invalid_token" and the rule that
// failed. The server trusts one RSA key (RS256) from a JWKS file, issuer https://issuer.test/.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/integration/auth_test_server.h"

using namespace swapi;
using namespace swapi::test;

namespace {

// header.payload signed over exactly these texts (duplicate members survive).
std::string sign_raw(const std::string& header, const std::string& payload, const jose::Jwk& key, jose::Alg alg) {
  std::string input = b64(header) + "." + b64(payload);
  return input + "." + b64(jose::sign_bytes(alg, key, input));
}

std::string claims_text(std::int64_t now = unix_now()) { return good_claims(kIssuer, now).dump(); }

std::string header_text(const jose::Jwk& key = rsa_key()) {
  return nlohmann::json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key.kid}}.dump();
}

void expect_refused(AuthServer& server, const std::string& token, const std::string& rule) {
  auto res = server.get_with_token("/api/films/1/", token);
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(rule_of(res) == rule);
  CHECK(res->get_header_value("WWW-Authenticate").starts_with(R"(Bearer realm="swapi", error="invalid_token", error_description=")"));
}

void expect_accepted(AuthServer& server, const std::string& token) {
  auto res = server.get_with_token("/api/films/1/", token);
  REQUIRE(res);
  CHECK_MESSAGE(res->status == 200, res->get_header_value("WWW-Authenticate"));
}

jose::Jwk hmac_secret(std::string bytes) {
  jose::Jwk key;
  key.type = jose::KeyType::oct;
  key.alg = jose::Alg::HS256;
  key.secret = std::move(bytes);
  key.is_private = true;
  return key;
}

nlohmann::json claims_with(const std::string& name, const nlohmann::json& value) {
  auto claims = good_claims(kIssuer, unix_now());
  if (value.is_null()) {
    claims.erase(name);
  } else {
    claims[name] = value;
  }
  return claims;
}

}  // namespace

TEST_CASE("auth token: two or four segments are malformed") {
  AuthServer server;
  std::string token = good_token();
  expect_refused(server, defect_token("malformed-two-segments", kIssuer), "malformed");
  expect_refused(server, token + ".AAAA", "malformed");
  expect_refused(server, "abc", "malformed");
}

TEST_CASE("auth token: base64url padding is refused") {
  AuthServer server;
  expect_refused(server, defect_token("padded-base64", kIssuer), "malformed");  // signed as sent
  expect_refused(server, good_token() + "=", "malformed");  // b64token allows it at the end; base64url does not
  std::string token = good_token();
  token.insert(token.find('.'), "=");  // padding inside: not even b64token
  expect_refused(server, token, "malformed");
}

TEST_CASE("auth token: characters outside base64url are refused") {
  AuthServer server;
  std::string token = good_token();
  std::string with_bang = token;
  with_bang[5] = '!';
  expect_refused(server, with_bang, "malformed");
  std::string with_plus = token;  // '+' is b64token but not base64url
  with_plus[5] = '+';
  expect_refused(server, with_plus, "malformed");
}

TEST_CASE("auth token: duplicate JSON members in header or payload are refused") {
  AuthServer server;
  std::string header = R"({"alg":"RS256","typ":"JWT","kid":")" + rsa_key().kid + R"(","kid":")" + rsa_key().kid + "\"}";
  expect_refused(server, sign_raw(header, claims_text(), rsa_key(), jose::Alg::RS256), "malformed");
  expect_refused(server, defect_token("duplicate-claims", kIssuer), "malformed");  // exp twice
}

TEST_CASE("auth token: a header or payload that is not a JSON object is refused") {
  AuthServer server;
  expect_refused(server, sign_raw("[1]", claims_text(), rsa_key(), jose::Alg::RS256), "malformed");
  expect_refused(server, sign_raw(header_text(), "\"just a string\"", rsa_key(), jose::Alg::RS256), "malformed");
  expect_refused(server, defect_token("malformed-header-not-json", kIssuer), "malformed");
  expect_refused(server, defect_token("malformed-payload-not-json", kIssuer), "malformed");
}

TEST_CASE("auth token: alg none is never accepted, in any spelling, with or without kid") {
  AuthServer server;
  auto cases = defect_cases("alg-none", kIssuer);
  CHECK(cases.size() == 8);
  for (const auto& attack : cases) {
    CAPTURE(attack.name);
    std::string alg = jose::parse_compact(attack.credentials.token).header["alg"];
    auto res = server.get_with_token("/api/films/1/", attack.credentials.token);
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(description_of(res->get_header_value("WWW-Authenticate")) ==
          "alg_not_allowed: alg '" + alg + "' (an unsigned token) is never accepted");
  }
}

TEST_CASE("auth token: an alg outside the allow-list is refused") {
  AuthServer server;
  expect_refused(server, mint(ec_key(), good_claims(kIssuer, unix_now())), "alg_not_allowed");
}

TEST_CASE("auth token: HS256 signed with the server's RSA public key (SPKI/PKCS#1 PEM, DER, JWK, n) is refused") {
  // The catalogue's forms (PEM with and without the final newline, DER, the JWK text), each
  // with and without kid, plus the raw modulus.
  std::vector<std::pair<std::string, std::string>> tokens;  // case, token
  for (const auto& attack : defect_cases("hs256-with-public-key", kIssuer)) tokens.emplace_back(attack.name, attack.credentials.token);
  CHECK(tokens.size() == 12);
  auto pub = jose::public_part(rsa_key());
  std::string n = *jose::base64url_decode(jose::to_json(pub, false)["n"].get<std::string>());
  nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", rsa_key().kid}};
  tokens.emplace_back("n-kid", jose::sign_compact(header, claims_text(), hmac_secret(n)));

  AuthServer server;  // default allow-list: RS256 only
  for (const auto& [name, token] : tokens) {
    CAPTURE(name);
    expect_refused(server, token, "alg_not_allowed");
  }

  // Even with HS256 allowed explicitly, an RSA key is never an HMAC secret.
  AuthServer permissive({rsa_key()}, {"--alg", "RS256,HS256"});
  for (const auto& [name, token] : tokens) {
    CAPTURE(name);
    auto res = permissive.get_with_token("/api/films/1/", token);
    REQUIRE(res);
    CHECK(res->status == 401);
    std::string expected = name.ends_with("-nokid")
                               ? "no_matching_key: token has no kid and no trusted key fits HS256"
                               : "key_mismatch: key '" + rsa_key().kid +
                                     "' cannot verify HS256: HS256 needs an oct (HMAC secret) key, the key is RSA";
    CHECK(description_of(res->get_header_value("WWW-Authenticate")) == expected);
  }
}

TEST_CASE("auth token: HS256 works with an HMAC secret configured in a JWKS file") {
  AuthServer server({hmac_key()});
  expect_accepted(server, good_token("read:films", hmac_key()));
  expect_refused(server, good_token("read:films", rsa_key()), "alg_not_allowed");
}

TEST_CASE("auth token: an embedded jwk or x5c certificate is never trusted") {
  AuthServer server;
  // The catalogue's attacker key names the trusted kid (or none, and the one trusted key is
  // chosen): either way the attacker's signature fails on the trusted key.
  for (const char* name : {"embedded-jwk-kid", "embedded-jwk-nokid", "x5c"}) {
    CAPTURE(name);
    expect_refused(server, defect_token(name, kIssuer), "bad_signature");
  }
  // An attacker key under its own kid names no trusted key.
  const jose::Jwk& attacker = other_rsa_key();
  nlohmann::json embedded = jose::to_json(jose::public_part(attacker), false);
  expect_refused(server, mint(attacker, good_claims(kIssuer, unix_now()), {{"jwk", embedded}}), "unknown_kid");
}

TEST_CASE("auth token: jku and x5u are never fetched") {
  // The attacker's server publishes what the catalogue's cases need (the attacker's JWKS, its
  // certificate) and counts every request.
  std::atomic<int> requests{0};
  const jose::Jwk& attacker = other_rsa_key();
  std::map<std::string, std::string> served;
  httplib::Server evil;
  evil.Get(".*", [&](const httplib::Request& request, httplib::Response& response) {
    ++requests;
    auto found = served.find(request.path);
    response.set_content(found != served.end() ? found->second : jwks_text({attacker}), "application/json");
  });
  int port = evil.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { evil.listen_after_bind(); });
  struct Stop {
    httplib::Server& server;
    std::thread& thread;
    ~Stop() {
      server.stop();
      thread.join();
    }
  } stop{evil, thread};
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/jwks.json";

  std::string canary = "http://127.0.0.1:" + std::to_string(port);
  std::vector<swapi::testkit::AttackCase> cases = defect_cases("jku", kIssuer, unix_now(), rsa_key(), canary);
  for (auto& attack : defect_cases("x5u", kIssuer, unix_now(), rsa_key(), canary)) cases.push_back(attack);
  for (const auto& attack : cases) served[*attack.canary_path] = attack.canary_body;

  AuthServer server;
  for (const auto& attack : cases) {
    CAPTURE(attack.name);
    expect_refused(server, attack.credentials.token, "bad_signature");
  }
  expect_refused(server, mint(attacker, good_claims(kIssuer, unix_now()), {{"jku", url}}), "unknown_kid");
  expect_refused(server, mint(attacker, good_claims(kIssuer, unix_now()), {{"x5u", url}}), "unknown_kid");
  expect_refused(server, mint(attacker, good_claims(kIssuer, unix_now()), {{"jku", url}, {"kid", nullptr}}), "bad_signature");
  CHECK(requests == 0);
}

TEST_CASE("auth token: a crit header is refused") {
  AuthServer server;
  for (const auto& attack : defect_cases("crit", kIssuer)) {
    CAPTURE(attack.name);
    expect_refused(server, attack.credentials.token, "crit_unsupported");
  }
}

TEST_CASE("auth token: an unknown kid is refused") {
  AuthServer server;
  expect_refused(server, defect_token("unknown-kid", kIssuer), "unknown_kid");
}

TEST_CASE("auth token: signed by the wrong key under a trusted kid: bad signature") {
  AuthServer server;
  expect_refused(server, defect_token("wrong-key", kIssuer), "bad_signature");
}

TEST_CASE("auth token: expired") {
  AuthServer server;
  expect_refused(server, defect_token("expired", kIssuer), "expired");
  expect_refused(server, mint(rsa_key(), claims_with("exp", unix_now() - 60)), "expired");
}

TEST_CASE("auth token: exp is required unless --no-require-exp") {
  AuthServer server;
  expect_refused(server, defect_token("no-exp", kIssuer), "missing_exp");
  AuthServer lenient({rsa_key()}, {"--no-require-exp"});
  expect_accepted(lenient, defect_token("no-exp", kIssuer));
}

TEST_CASE("auth token: nbf in the future") {
  AuthServer server;
  expect_refused(server, defect_token("not-yet-valid", kIssuer), "not_yet_valid");
  expect_refused(server, mint(rsa_key(), claims_with("nbf", unix_now() + 60)), "not_yet_valid");
}

TEST_CASE("auth token: iat in the future") {
  AuthServer server;
  expect_refused(server, defect_token("issued-in-future", kIssuer), "issued_in_future");
  expect_refused(server, mint(rsa_key(), claims_with("iat", unix_now() + 60)), "issued_in_future");
}

TEST_CASE("auth token: the default leeway is 5 s") {
  // Margins of 3 s on either side: the server's clock may read one second later than ours.
  AuthServer server;
  expect_accepted(server, mint(rsa_key(), claims_with("exp", unix_now() - 2)));
  expect_refused(server, mint(rsa_key(), claims_with("exp", unix_now() - 8)), "expired");
  expect_accepted(server, mint(rsa_key(), claims_with("nbf", unix_now() + 2)));
  expect_refused(server, mint(rsa_key(), claims_with("nbf", unix_now() + 8)), "not_yet_valid");
}

TEST_CASE("auth token: --leeway widens the window") {
  AuthServer server({rsa_key()}, {"--leeway", "60"});
  expect_accepted(server, mint(rsa_key(), claims_with("exp", unix_now() - 50)));
  expect_refused(server, mint(rsa_key(), claims_with("exp", unix_now() - 70)), "expired");
}

TEST_CASE("auth token: wrong iss, including the trailing-slash variant") {
  AuthServer server;
  expect_refused(server, defect_token("wrong-iss", kIssuer), "wrong_iss");
  expect_refused(server, defect_token("iss-slash", kIssuer), "wrong_iss");  // https://issuer.test
  expect_refused(server, mint(rsa_key(), claims_with("iss", nullptr)), "wrong_iss");
}

TEST_CASE("auth token: wrong aud") {
  AuthServer server;
  expect_refused(server, defect_token("wrong-aud", kIssuer), "wrong_aud");
  expect_refused(server, defect_token("no-aud", kIssuer), "wrong_aud");
}

TEST_CASE("auth token: an aud array containing our audience is accepted") {
  AuthServer server;
  expect_accepted(server, mint(rsa_key(), claims_with("aud", {"https://other.api", "https://starwarsapi.com"})));
  expect_refused(server, mint(rsa_key(), claims_with("aud", {"https://other.api"})), "wrong_aud");
}

TEST_CASE("auth token: --audience replaces the expected audience") {
  AuthServer server({rsa_key()}, {"--audience", "https://api.example", "--audience", "https://second.example"});
  expect_accepted(server, mint(rsa_key(), claims_with("aud", "https://second.example")));
  expect_refused(server, good_token(), "wrong_aud");
}

TEST_CASE("auth token: --require-typ checks the typ header (RFC 9068)") {
  AuthServer server({rsa_key()}, {"--require-typ", "at+jwt"});
  expect_refused(server, good_token(), "wrong_typ");
  expect_accepted(server, mint(rsa_key(), good_claims(kIssuer, unix_now()), {{"typ", "at+jwt"}}));
  expect_accepted(server, mint(rsa_key(), good_claims(kIssuer, unix_now()), {{"typ", "application/at+jwt"}}));
}
