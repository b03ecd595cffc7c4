// `swapi keys` against the built binary: each subcommand's happy path, what it prints where,
// and its exit codes and messages.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "jose/jwk.h"
#include "jose/keygen.h"
#include "tests/cli/cli_home.h"

using namespace swapi::test;

namespace {

std::string line(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

TEST_CASE("keys list creates the keyset on first use: one active RS256 key, a 0600 file") {
  Home home;
  auto keys = home.list();
  REQUIRE(keys.size() == 1);
  CHECK(keys[0]["alg"] == "RS256");
  CHECK(keys[0]["status"] == "active");
  CHECK(keys[0]["key"] == "RSA-2048");
  struct stat info {};
  REQUIRE(::stat((home.dir.file("home") + "/keys.json").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  auto table = home.run({"keys", "list"});
  CHECK(table.out.starts_with("KID "));
  CHECK(table.out.find(" active ") != std::string::npos);
}

TEST_CASE("keys gen adds a key of every algorithm, prints its kid on stdout alone") {
  Home home;
  for (const char* alg : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
                          "HS256", "HS384", "HS512"}) {
    CAPTURE(alg);
    auto result = home.run({"keys", "gen", "--alg", alg});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    CHECK(line(result.out).size() == 43);  // an RFC 7638 thumbprint
    CHECK(result.err.starts_with(std::string("swapi keys: added ") + alg + " key "));
  }
  auto keys = home.list();
  CHECK(keys.size() == 14);
  CHECK(keys[13]["key"] == "HMAC 512-bit");
  CHECK(keys[13]["status"] == "published");
}

TEST_CASE("keys gen --kid --bits --activate; --bits on a non-RSA alg is a usage error") {
  Home home;
  auto result = home.run({"keys", "gen", "--alg", "PS256", "--bits", "3072", "--kid", "mine", "--activate"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  CHECK(result.out == "mine\n");
  auto keys = home.list();
  CHECK(keys[0]["status"] == "previous");
  CHECK(keys[1]["kid"] == "mine");
  CHECK(keys[1]["key"] == "RSA-3072");
  CHECK(keys[1]["status"] == "active");

  auto bad = home.run({"keys", "gen", "--alg", "ES256", "--bits", "3072"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.starts_with("swapi: keys gen: --bits applies to RSA keys, not ES256\n"));
  CHECK(home.run({"keys", "gen", "--bits", "1024"}).exit_code == 2);
  auto typo = home.run({"keys", "gen", "--alg", "es256"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.starts_with("swapi: keys gen --alg: unknown algorithm \"es256\"\n  hint: did you mean ES256?"));
  auto twice = home.run({"keys", "gen", "--kid", "mine"});
  CHECK(twice.exit_code == 3);
  CHECK(twice.err == "swapi: keys gen: the keyset already has a key with kid \"mine\"\n"
                     "  hint: `swapi keys list` shows the keys\n");
}

TEST_CASE("keys jwks prints the public set serve publishes; --private adds the private members") {
  Home home;
  home.run({"keys", "gen", "--alg", "HS256"});
  auto jwks = home.run({"keys", "jwks"});
  REQUIRE(jwks.exit_code == 0);
  auto document = nlohmann::json::parse(jwks.out);
  REQUIRE(document["keys"].size() == 1);  // the HMAC secret is never published
  CHECK_FALSE(document["keys"][0].contains("d"));
  CHECK(swapi::jose::parse_jwks(jwks.out).keys.size() == 1);
  auto full = nlohmann::json::parse(home.run({"keys", "jwks", "--private"}).out);
  REQUIRE(full["keys"].size() == 2);
  CHECK(full["keys"][0].contains("d"));
  CHECK(full["keys"][1]["kty"] == "oct");
}

TEST_CASE("keys rotate makes a new key active (same alg unless --alg), retire removes the old one") {
  Home home;
  std::string first = home.list()[0]["kid"];
  auto rotated = home.run({"keys", "rotate"});
  REQUIRE(rotated.exit_code == 0);
  std::string second = line(rotated.out);
  CHECK(rotated.err == "swapi keys: " + second + " is now the active key; " + first +
                           " stays published until `swapi keys retire " + first + "`\n");
  auto keys = home.list();
  CHECK(keys[0]["status"] == "previous");
  CHECK(keys[1]["alg"] == "RS256");
  CHECK(keys[1]["status"] == "active");
  std::string third = line(home.run({"keys", "rotate", "--alg", "EdDSA"}).out);
  CHECK(home.list()[2]["alg"] == "EdDSA");

  // Thumbprints may start with '-': positionals go after "--".
  auto active = home.run({"keys", "retire", "--", third});
  CHECK(active.exit_code == 3);
  CHECK(active.err == "swapi: keys retire: key \"" + third + "\" is the active key\n"
                      "  hint: run `swapi keys rotate` first, then retire it\n");
  auto retired = home.run({"keys", "retire", "--", first});
  CHECK(retired.exit_code == 0);
  CHECK(retired.err == "swapi keys: retired " + first + "; tokens it signed no longer verify\n");
  CHECK(home.list().size() == 2);
  auto hmac = home.run({"keys", "rotate", "--alg", "HS256"});
  CHECK(hmac.exit_code == 3);
  CHECK(hmac.err.starts_with("swapi: keys rotate: HS256 keys cannot be the active key"));
}

TEST_CASE("keys retire of an unknown kid: exit 3 and the message (golden)") {
  Home home;
  auto result = home.run({"keys", "retire", "nope"});
  CHECK(result.exit_code == 3);
  CHECK(result.err == "swapi: keys retire: no key with kid \"nope\"\n  hint: `swapi keys list` shows the keys\n");
  CHECK(result.out.empty());
}

TEST_CASE("keys import adds a PEM key (private or public) under its thumbprint or --kid") {
  Home home;
  auto key = swapi::jose::generate_key(swapi::jose::Alg::ES384);
  std::string pem_file = home.dir.file("key.pem");
  write_file(pem_file, swapi::jose::export_pem(key, true));
  auto imported = home.run({"keys", "import", pem_file});
  REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
  CHECK(imported.out == key.kid + "\n");  // generate_key's kid is the thumbprint too
  CHECK(imported.err == "swapi keys: imported ES384 private key " + key.kid + " (published)\n");
  auto pub = home.run({"keys", "import", "-", "--kid", "pub", "--alg", "ES384"},
                      swapi::jose::export_pem(swapi::jose::generate_key(swapi::jose::Alg::ES384), false));
  REQUIRE_MESSAGE(pub.exit_code == 0, pub.err);
  auto keys = home.list();
  CHECK(keys[2]["kid"] == "pub");
  CHECK(keys[2]["key"] == "EC P-384 (public)");

  auto wrong = home.run({"keys", "import", pem_file, "--alg", "RS256", "--kid", "x"});
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.err.starts_with("swapi: keys import: RS256 does not fit this key: RS256 needs an RSA key"));
}

TEST_CASE("keys import of an unreadable or non-PEM file: exit 3 and the message (golden)") {
  Home home;
  auto missing = home.run({"keys", "import", home.dir.file("none.pem")});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err == "swapi: keys import: cannot read " + home.dir.file("none.pem") +
                           ": No such file or directory\n  hint: check the path and permissions\n");
  write_file(home.dir.file("bad.pem"), "not a key\n");
  auto bad = home.run({"keys", "import", home.dir.file("bad.pem")});
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.starts_with("swapi: keys import: " + home.dir.file("bad.pem") + ": not a supported PEM key"));
}

TEST_CASE("keys without a subcommand, or a misspelt one, is a usage error naming the choices") {
  Home home;
  auto none = home.run({"keys"});
  CHECK(none.exit_code == 2);
  CHECK(none.err == "swapi: usage: 'swapi keys' needs a command: gen, list, jwks, rotate, retire, import\n"
                    "  hint: run 'swapi keys --help' for what each does\n");
  auto typo = home.run({"keys", "rotat"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err == "swapi: usage: unknown command 'keys rotat'\n  hint: did you mean 'swapi keys rotate'?\n");
}
