// Static key sources and the allow-list: --alg parsing with "did you mean", algorithms derived
// from the keys, --jwks-file loading (skipped keys reported, secrets only from a file).
#include <doctest/doctest.h>

#include "base/diagnostic.h"
#include "server/auth/key_source.h"
#include "tests/server/auth/auth_test_tokens.h"
#include "tests/support/server_process.h"

using namespace swapi;
using jose::Alg;

namespace {

swapi::base::Diagnostic alg_error(std::vector<std::string> names) {
  try {
    server::parse_alg_list(names);
  } catch (const swapi::base::Diagnostic& error) {
    return error;
  }
  FAIL("expected a swapi::base::Diagnostic");
  return swapi::base::Diagnostic("", "");
}

}  // namespace

TEST_CASE("auth keys: --alg names parse exactly, duplicates dropped") {
  CHECK(server::parse_alg_list({"RS256", "ES256", "RS256"}) == std::vector<Alg>{Alg::RS256, Alg::ES256});
  CHECK(server::parse_alg_list({}).empty());
}

TEST_CASE("auth keys: an unknown --alg is a start-up error with a did-you-mean hint") {
  auto error = alg_error({"rs256"});
  CHECK(error.what_failed == "serve: --alg");
  CHECK(error.why == "unknown algorithm \"rs256\"");
  CHECK(error.hint.starts_with("did you mean RS256? (names are case-sensitive"));
  CHECK(alg_error({"RS265"}).hint.starts_with("did you mean RS256?"));
  CHECK(alg_error({"XYZ123"}).hint.starts_with("choose from RS256, RS384"));
  CHECK(alg_error({"none"}).why.find("is never allowed") != std::string::npos);
  CHECK(alg_error({"NONE"}).why.find("is never allowed") != std::string::npos);
}

TEST_CASE("auth keys: the allow-list defaults to what the keys can verify") {
  auto es = test::ec_key();
  auto build = server::build_key_set({test::rsa_key(), es}, {}, false, 1);
  CHECK(build.set.keys.size() == 2);
  // The generated RSA key carries alg RS256: only RS256.
  CHECK(build.set.algs == std::vector<Alg>{Alg::RS256, Alg::ES256});
  CHECK_FALSE(build.set.keys[0].is_private);  // public parts only
}

TEST_CASE("auth keys: an RSA key without alg verifies its whole family") {
  auto key = jose::public_part(test::rsa_key());
  key.alg.reset();
  CHECK(server::verifiable_algs(key) == std::vector<Alg>{Alg::RS256, Alg::RS384, Alg::RS512, Alg::PS256, Alg::PS384, Alg::PS512});
}

TEST_CASE("auth keys: HMAC secrets count only where explicitly configured") {
  auto local = server::build_key_set({test::rsa_key(), test::hmac_key()}, {}, false, 1);
  CHECK(local.set.keys.size() == 1);
  CHECK(local.set.algs == std::vector<Alg>{Alg::RS256});
  REQUIRE(local.skipped.size() == 1);
  CHECK(local.skipped[0].ends_with("an oct (HMAC secret) key is only trusted from --jwks-file"));
  auto file = server::build_key_set({test::rsa_key(), test::hmac_key()}, {}, true, 1);
  CHECK(file.set.algs == std::vector<Alg>{Alg::RS256, Alg::HS256});
}

TEST_CASE("auth keys: an explicit --alg is the allow-list; keys it excludes are reported") {
  auto build = server::build_key_set({test::rsa_key(), test::ec_key()}, server::AlgPolicy{{Alg::ES256}}, false, 1);
  CHECK(build.set.algs == std::vector<Alg>{Alg::ES256});
  REQUIRE(build.skipped.size() == 1);
  CHECK(build.skipped[0].find("verifies only RS256, none of which --alg allows") != std::string::npos);
}

TEST_CASE("auth keys: --jwks-file reports skipped keys and refuses a file without usable keys") {
  test::TempDir dir;
  nlohmann::json document = nlohmann::json::parse(test::jwks_text({test::rsa_key()}));
  document["keys"].push_back({{"kty", "EC"}, {"kid", "bad-ec"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}});
  test::write_file(dir.file("keys.json"), document.dump());
  std::vector<std::string> log;
  auto source = server::make_jwks_file_source(dir.file("keys.json"), {}, [&](const std::string& line) { log.push_back(line); });
  CHECK(source->current()->keys.size() == 1);
  CHECK(source->describe() == "JWKS file " + dir.file("keys.json") + ", 1 key (RS256)");
  REQUIRE(log.size() == 1);
  CHECK(log[0].starts_with("swapi serve: --jwks-file " + dir.file("keys.json") + ": skipped key 2 (kid \"bad-ec\")"));

  test::write_file(dir.file("empty.json"), R"({"keys":[]})");
  try {
    server::make_jwks_file_source(dir.file("empty.json"), {}, [](const std::string&) {});
    FAIL("expected a swapi::base::Diagnostic");
  } catch (const swapi::base::Diagnostic& error) {
    CHECK(error.why == dir.file("empty.json") + " has no usable key");
  }
  test::write_file(dir.file("not.json"), R"([1,2])");
  CHECK_THROWS_AS(server::make_jwks_file_source(dir.file("not.json"), {}, [](const std::string&) {}), swapi::base::Diagnostic);
}
