// `swapi token` against the built binary: mint (defaults, options, defects, --count, --key),
// defects, decode, verify; each exit code and the exact stderr of the common errors.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/keygen.h"
#include "tests/cli/cli_home.h"

using namespace swapi::test;

namespace {

nlohmann::json claims_of(const std::string& token) {
  return nlohmann::json::parse(swapi::jose::parse_compact(token).payload);
}

}  // namespace

TEST_CASE("token mint: the defaults match serve's (issuer, audience, 1 h, sub), signed by the active key") {
  Home home;
  std::string token = home.mint({"--scope", "read:films", "--scope", "read:people write:films"});
  auto jws = swapi::jose::parse_compact(token);
  auto claims = claims_of(token);
  CHECK(claims["iss"] == "http://127.0.0.1:8080/");
  CHECK(claims["aud"] == "https://starwarsapi.com");
  CHECK(claims["sub"] == "swapi-cli");
  CHECK(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>() == 3600);
  CHECK(claims["scope"] == "read:films read:people write:films");
  CHECK(claims["jti"].is_string());
  auto keys = nlohmann::json::parse(home.run({"keys", "list", "--json"}).out)["keys"];
  CHECK(jws.header["kid"] == keys[0]["kid"]);
  CHECK(jws.header["alg"] == "RS256");
  CHECK(jws.header["typ"] == "JWT");
}

TEST_CASE("token mint: the issuer and audience a serve recorded are the defaults") {
  Home home;
  ServerProcess server({"--audience", "https://api.example"}, home.env);
  auto claims = claims_of(home.mint());
  CHECK(claims["iss"] == server.base_url() + "/");
  CHECK(claims["aud"] == "https://api.example");
}

TEST_CASE("token mint: --iss --aud --sub --ttl --nbf --iat --claim --claims --header") {
  Home home;
  // --claims - reads stdin.
  auto result = home.run({"token", "mint", "--claims", "-", "--claim", "b=2"}, R"({"a": {"deep": true}, "b": 1})");
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  auto from_stdin = claims_of(result.out.substr(0, result.out.size() - 1));
  CHECK(from_stdin["a"] == nlohmann::json{{"deep", true}});
  CHECK(from_stdin["b"] == 2);  // --claim wins over --claims

  std::string explicit_token = home.mint({"--iss", "https://i/", "--aud", "a", "--aud", "b", "--sub", "me", "--iat",
                                          "1767225600", "--ttl", "15m", "--nbf", "1767225660", "--claim", "n=42",
                                          "--claim", "roles=[\"x\"]", "--claim", "plain=hello world", "--claim",
                                          "jti=null", "--header", "typ=at+jwt", "--header", "x-num=7"});
  auto jws = swapi::jose::parse_compact(explicit_token);
  auto claims = claims_of(explicit_token);
  CHECK(claims["iss"] == "https://i/");
  CHECK(claims["aud"] == nlohmann::json::array({"a", "b"}));
  CHECK(claims["sub"] == "me");
  CHECK(claims["iat"] == 1767225600);
  CHECK(claims["exp"] == 1767225600 + 900);
  CHECK(claims["nbf"] == 1767225660);
  CHECK(claims["n"] == 42);
  CHECK(claims["roles"] == nlohmann::json::array({"x"}));
  CHECK(claims["plain"] == "hello world");
  CHECK_FALSE(claims.contains("jti"));
  CHECK_FALSE(claims.contains("scope"));
  CHECK(jws.header["typ"] == "at+jwt");
  CHECK(jws.header["x-num"] == 7);
}

TEST_CASE("token mint: relative times, and a negative ttl makes an expired token") {
  Home home;
  auto claims = claims_of(home.mint({"--iat", "-3h", "--ttl", "1h", "--nbf", "+5m"}));
  std::int64_t iat = claims["iat"], exp = claims["exp"], nbf = claims["nbf"];
  CHECK(exp - iat == 3600);
  CHECK(nbf - iat == 3 * 3600 + 300);
  auto expired = claims_of(home.mint({"--ttl", "-1h"}));
  CHECK(expired["exp"].get<std::int64_t>() < expired["iat"].get<std::int64_t>());
}

TEST_CASE("token mint: a bad --claim, --ttl, --iat, --header alg or --claims file is a usage error (golden)") {
  Home home;
  auto claim = home.run({"token", "mint", "--claim", "novalue"});
  CHECK(claim.exit_code == 2);
  CHECK(claim.err == "swapi: --claim: 'novalue' is not name=value\n"
                     "  hint: e.g. --claim tenant=acme or --claim 'roles=[\"admin\"]' (values that parse as JSON are "
                     "JSON)\n");
  CHECK(claim.out.empty());
  auto ttl = home.run({"token", "mint", "--ttl", "soon"});
  CHECK(ttl.exit_code == 2);
  CHECK(ttl.err == "swapi: --ttl: 'soon' is not a duration\n  hint: use seconds or a number with s, m, h or d: 90, "
                   "15m, 1h, 2d\n");
  CHECK(home.run({"token", "mint", "--iat", "yesterday"}).exit_code == 2);
  auto alg = home.run({"token", "mint", "--header", "alg=none"});
  CHECK(alg.exit_code == 2);
  CHECK(alg.err.starts_with("swapi: --header: alg comes from the signing key\n"));
  auto claims = home.run({"token", "mint", "--claims", "-"}, "[1, 2]");
  CHECK(claims.exit_code == 2);
  CHECK(claims.err.starts_with("swapi: token mint --claims: stdin does not hold a JSON object\n"));
}

TEST_CASE("token mint: --kid and --alg choose the keyset's key; an unknown kid is exit 3 (golden)") {
  Home home;
  std::string es = home.run({"keys", "gen", "--alg", "ES256"}).out;
  es.pop_back();
  CHECK(swapi::jose::parse_compact(home.mint({"--kid=" + es})).header["alg"] == "ES256");
  CHECK(swapi::jose::parse_compact(home.mint({"--alg", "ES256"})).header["kid"] == es);
  auto unknown = home.run({"token", "mint", "--kid", "nope"});
  CHECK(unknown.exit_code == 3);
  CHECK(unknown.err == "swapi: token mint: no key with kid \"nope\" in the keyset " + home.dir.file("home") +
                           "\n  hint: `swapi keys list` shows the keys\n");
  auto missing = home.run({"token", "mint", "--alg", "PS512"});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err == "swapi: token mint: the keyset has no PS512 key\n  hint: add one: swapi keys gen --alg PS512\n");
  auto mismatch = home.run({"token", "mint", "--kid=" + es, "--alg", "RS256"});
  CHECK(mismatch.exit_code == 2);
}

TEST_CASE("token mint --key FILE.pem signs with that key; an unreadable or bad PEM is exit 3 (golden)") {
  Home home;
  auto key = swapi::jose::generate_key(swapi::jose::Alg::EdDSA);
  write_file(home.dir.file("ed.pem"), swapi::jose::export_pem(key, true));
  std::string token = home.mint({"--key", home.dir.file("ed.pem")});
  auto jws = swapi::jose::parse_compact(token);
  CHECK(jws.header["alg"] == "EdDSA");
  CHECK(jws.header["kid"] == key.kid);
  std::vector<swapi::jose::Jwk> keys = {swapi::jose::public_part(key)};
  std::vector<swapi::jose::Alg> algs = {swapi::jose::Alg::EdDSA};
  CHECK_NOTHROW(swapi::jose::verify_compact(token, keys, algs));

  auto missing = home.run({"token", "mint", "--key", home.dir.file("none.pem")});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err == "swapi: token mint --key: cannot read " + home.dir.file("none.pem") +
                           ": No such file or directory\n  hint: check the path and permissions\n");
  write_file(home.dir.file("bad.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  auto bad = home.run({"token", "mint", "--key", home.dir.file("bad.pem")});
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.starts_with("swapi: token mint --key: " + home.dir.file("bad.pem") + ": not a supported PEM key"));
  write_file(home.dir.file("pub.pem"), swapi::jose::export_pem(key, false));
  auto pub = home.run({"token", "mint", "--key", home.dir.file("pub.pem")});
  CHECK(pub.exit_code == 3);
  CHECK(pub.err == "swapi: token mint --key: " + home.dir.file("pub.pem") +
                       " holds a public key; signing needs the private key\n");
}

TEST_CASE("token mint --defect: a misspelt name gets did-you-mean, exit 2 (golden)") {
  Home home;
  auto typo = home.run({"token", "mint", "--defect", "alg-nnoe"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err == "swapi: token mint: no defect \"alg-nnoe\"\n"
                    "  hint: did you mean alg-none? (swapi token defects lists them)\n");
  CHECK(typo.out.empty());
  CHECK(!std::filesystem::exists(home.dir.file("home") + "/keys.json"));  // a typo generates no key
  auto nonsense = home.run({"token", "mint", "--defect", "zzzzzzzz"});
  CHECK(nonsense.err == "swapi: token mint: no defect \"zzzzzzzz\"\n  hint: swapi token defects lists them\n");
}

TEST_CASE("token mint --defect: all cases of a defect one per line, or one case by name") {
  Home home;
  auto all = home.run({"token", "mint", "--defect", "alg-none"});
  REQUIRE(all.exit_code == 0);
  CHECK(std::count(all.out.begin(), all.out.end(), '\n') == 8);
  CHECK(all.err.starts_with("swapi: created a new keyset at "));  // a fresh state dir
  CHECK(all.err.find("\nswapi token mint: alg-none has 8 cases, one per line: alg-none-lower-kid ") != std::string::npos);
  auto one = home.run({"token", "mint", "--defect", "alg-none-upper-nokid", "--json"});
  REQUIRE(one.exit_code == 0);
  auto line = nlohmann::json::parse(one.out);
  CHECK(line["case"] == "alg-none-upper-nokid");
  CHECK(line["defect"] == "alg-none");
  CHECK(line["expected"] == nlohmann::json::array({401}));
  CHECK(line["header"]["alg"] == "NONE");
  CHECK_FALSE(line["header"].contains("kid"));
  auto expired = claims_of(home.mint({"--defect", "expired"}));
  CHECK(expired["exp"].get<std::int64_t>() < static_cast<std::int64_t>(std::time(nullptr)));
  CHECK(home.run({"token", "mint", "--defect", "alg-none-sideways-kid"}).exit_code == 2);
  CHECK(home.run({"token", "mint", "--defect", "expired", "--count", "3"}).exit_code == 2);
}

TEST_CASE("token mint --count N: N distinct tokens with unique jti, one per line") {
  Home home;
  auto result = home.run({"token", "mint", "--count", "2500", "--scope", "read:films"});
  REQUIRE(result.exit_code == 0);
  std::istringstream lines(result.out);
  std::set<std::string> tokens, jtis;
  for (std::string token; std::getline(lines, token);) {
    tokens.insert(token);
    jtis.insert(claims_of(token)["jti"]);
  }
  CHECK(tokens.size() == 2500);
  CHECK(jtis.size() == 2500);
  CHECK(home.run({"token", "mint", "--count", "0"}).exit_code == 2);
  CHECK(home.run({"token", "mint", "--count", "2", "--claim", "jti=x"}).exit_code == 2);
  auto json = home.run({"token", "mint", "--count", "2", "--json"});
  CHECK(std::count(json.out.begin(), json.out.end(), '\n') == 2);
}

TEST_CASE("token defects: one line per defect with the correct status; --json") {
  auto text = run_swapi({"token", "defects"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.starts_with("valid "));
  CHECK(text.out.find("\nmissing-scope              403              valid, but without the scope the route needs\n") !=
        std::string::npos);
  CHECK(text.out.find("\noversize                   400|401|413|431  ") != std::string::npos);
  auto json = nlohmann::json::parse(run_swapi({"token", "defects", "--json"}).out);
  CHECK(json["defects"].size() == 32);
  CHECK(json["defects"][0] == nlohmann::json{{"name", "valid"}, {"expected", {200}},
                                             {"sentence", "a good token with the requested scopes"},
                                             {"needs_private_key", true}, {"black_box", true}});
}

TEST_CASE("token decode: header and claims pretty-printed, times as dates and relative, a warning on stderr") {
  Home home;
  std::string token = home.mint({"--iat", "-2m", "--ttl", "62m"});
  auto result = home.run({"token", "decode", token});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.starts_with("header\n{\n  \"alg\": \"RS256\",\n"));
  CHECK(result.out.find("\nclaims\n{\n  \"aud\": \"https://starwarsapi.com\",\n") != std::string::npos);
  CHECK(result.out.find("  issued 2 min ago\n") != std::string::npos);
  bool in_an_hour = result.out.find("  expires in 59 min\n") != std::string::npos ||
                    result.out.find("  expires in 1 h\n") != std::string::npos;  // the second may tick
  CHECK(in_an_hour);
  CHECK(result.out.ends_with("signature  256 bytes\n"));
  CHECK(result.err == "swapi token decode: nothing was verified (signature, issuer, audience, expiry); "
                      "swapi token verify checks them\n");
  auto expired = home.run({"token", "decode", "-", "--json"}, home.mint({"--iat", "-4h", "--ttl", "1h"}) + "\n");
  REQUIRE(expired.exit_code == 0);
  auto json = nlohmann::json::parse(expired.out);
  CHECK(json["times"]["exp"]["relative"] == "expired 3 h ago");
  CHECK(json["verified"] == false);
  auto garbage = home.run({"token", "decode", "garbage"});
  CHECK(garbage.exit_code == 1);
  CHECK(garbage.err == "swapi: token decode: not a JWT: a JWT has segments separated by '.'\n");
}

TEST_CASE("token decode and mint: JSON nested 200,000 deep is refused in words, not a crash") {
  Home home;
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  auto b64 = [](const std::string& text) { return swapi::jose::base64url_encode(text); };
  auto decode = home.run({"token", "decode", "-"}, b64(R"({"alg":"RS256"})") + "." + b64(R"({"a":)" + deep + "}") + ".AAAA");
  CHECK(decode.exit_code == 0);
  CHECK(decode.err.find("swapi token decode: warning: payload nests deeper than 32 levels (a server refuses it)\n") !=
        std::string::npos);
  auto mint = home.run({"token", "mint", "--claims", "-"}, R"({"a":)" + deep + "}");
  CHECK(mint.exit_code == 2);
  CHECK(mint.err == "swapi: token mint --claims: stdin does not hold a JSON object\n"
                    "  hint: e.g. {\"tenant\": \"acme\", \"roles\": [\"admin\"]}, nested at most 32 levels\n");
  auto claim = home.run({"token", "mint", "--claim", "a=" + std::string(20000, '[') + std::string(20000, ']'), "--json"});
  CHECK(claim.exit_code == 0);  // too deep to be JSON, so it is the text
}

TEST_CASE("token mint and verify: stdin named twice is a usage error, not a confusing second read") {
  Home home;
  auto mint = home.run({"token", "mint", "--claims", "-", "--key", "-"}, R"({"a":1})");
  CHECK(mint.exit_code == 2);
  CHECK(mint.err == "swapi: token mint: --claims - and --key - both read stdin, which can be read once\n"
                    "  hint: give one of them as a file\n");
  auto verify = home.run({"token", "verify", "-", "--jwks", "-"}, home.mint());
  CHECK(verify.exit_code == 2);
  CHECK(verify.err == "swapi: token verify: the token and --jwks - both read stdin, which can be read once\n"
                      "  hint: give one of them as a file or an argument\n");
}

TEST_CASE("token decode: a time claim no date can show is named, not printed as a garbage date") {
  Home home;
  auto b64 = [](const std::string& text) { return swapi::jose::base64url_encode(text); };
  std::string token = b64(R"({"alg":"RS256"})") + "." + b64(R"({"exp":1e300,"iat":-1e300,"nbf":1767225600})") + ".AAAA";
  auto result = home.run({"token", "decode", token});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("times\n  nbf  2026-01-01T00:00:00Z  ") != std::string::npos);
  CHECK(result.out.find("  iat  ") == std::string::npos);
  CHECK(result.out.find("  exp  ") == std::string::npos);
  CHECK(result.err.find("swapi token decode: warning: iat -1e+300 is no date between the years 0 and 9999\n") !=
        std::string::npos);
  CHECK(result.err.find("swapi token decode: warning: exp 1e+300 is no date between the years 0 and 9999\n") !=
        std::string::npos);
}

TEST_CASE("token verify: valid is exit 0; each failed rule is exit 1 naming it (golden)") {
  Home home;
  std::string good = home.mint({"--scope", "read:films"});
  auto valid = home.run({"token", "verify", good, "--scope", "read:films"});
  CHECK(valid.exit_code == 0);
  CHECK(valid.out.starts_with("valid: signed by kid \""));
  auto expired = home.run({"token", "verify", home.mint({"--iat", "-3h", "--ttl", "1h"})});
  CHECK(expired.exit_code == 1);
  CHECK(expired.err.starts_with("swapi: token invalid: expired: token expired 2 h ago (exp "));
  CHECK(expired.err.find(", leeway 5 s)\n") != std::string::npos);
  auto scope = home.run({"token", "verify", good, "--scope", "write:films"});
  CHECK(scope.exit_code == 1);
  CHECK(scope.err.starts_with("swapi: token invalid: insufficient_scope: the token lacks scope write:films"));
  auto iss = home.run({"token", "verify", good, "--iss", "https://other/"});
  CHECK(iss.err == "swapi: token invalid: wrong_iss: iss \"http://127.0.0.1:8080/\" is not \"https://other/\"\n"
                   "  hint: pass --iss to verify a token of another issuer\n");
  auto leeway = home.run({"token", "verify", home.mint({"--nbf", "+30s"}), "--leeway", "60"});
  CHECK(leeway.exit_code == 0);
  auto json = home.run({"token", "verify", "-", "--json"}, "Bearer " + home.mint({"--ttl", "-1h"}));
  CHECK(json.exit_code == 1);
  CHECK(nlohmann::json::parse(json.out)["rule"] == "expired");
}

TEST_CASE("token verify --jwks FILE or URL; an unreachable JWKS is exit 3") {
  Home home;
  std::string token = home.mint();
  write_file(home.dir.file("jwks.json"), home.run({"keys", "jwks"}).out);
  CHECK(home.run({"token", "verify", token, "--jwks", home.dir.file("jwks.json")}).exit_code == 0);
  TempDir other;
  auto foreign = run_swapi({"token", "verify", token, "--jwks", home.dir.file("jwks.json")},
                           {{"SWAPI_HOME", other.file("home")}});
  CHECK(foreign.exit_code == 0);  // the keys come from the file, not that (other) keyset

  ServerProcess server({}, home.env);
  CHECK(home.run({"token", "verify", token, "--jwks", server.base_url() + "/.well-known/jwks.json", "--iss",
                  "http://127.0.0.1:8080/"})
            .exit_code == 0);
  int port = server.port();
  server.stop();
  auto down = home.run({"token", "verify", token, "--jwks", "http://127.0.0.1:" + std::to_string(port) + "/jwks"});
  CHECK(down.exit_code == 3);
  CHECK(down.err.starts_with("swapi: token verify --jwks: cannot fetch http://127.0.0.1:" + std::to_string(port) +
                             "/jwks: "));
  auto plain = home.run({"token", "verify", token, "--jwks", "http://example.com/jwks"});
  CHECK(plain.exit_code == 3);
  CHECK(plain.err.starts_with("swapi: token verify --jwks: refusing plain http to example.com"));
  auto unreadable = home.run({"token", "verify", token, "--jwks", home.dir.file("none.json")});
  CHECK(unreadable.exit_code == 3);
}
