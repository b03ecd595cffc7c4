#include <doctest/doctest.h>

#include <set>

#include "jose/alg.h"
#include "jose/error.h"

using namespace swapi::jose;

TEST_CASE("code_name spells every error code as its enum name") {
  CHECK(code_name(Errc::malformed) == "malformed");
  CHECK(code_name(Errc::token_too_large) == "token_too_large");
  CHECK(code_name(Errc::alg_not_allowed) == "alg_not_allowed");
  CHECK(code_name(Errc::crit_unsupported) == "crit_unsupported");
  CHECK(code_name(Errc::unknown_kid) == "unknown_kid");
  CHECK(code_name(Errc::no_matching_key) == "no_matching_key");
  CHECK(code_name(Errc::key_mismatch) == "key_mismatch");
  CHECK(code_name(Errc::weak_key) == "weak_key");
  CHECK(code_name(Errc::bad_signature) == "bad_signature");
  CHECK(code_name(Errc::missing_exp) == "missing_exp");
  CHECK(code_name(Errc::expired) == "expired");
  CHECK(code_name(Errc::not_yet_valid) == "not_yet_valid");
  CHECK(code_name(Errc::issued_in_future) == "issued_in_future");
  CHECK(code_name(Errc::wrong_iss) == "wrong_iss");
  CHECK(code_name(Errc::wrong_aud) == "wrong_aud");
  CHECK(code_name(Errc::wrong_typ) == "wrong_typ");
  CHECK(code_name(Errc::insufficient_scope) == "insufficient_scope");
  CHECK(code_name(Errc::invalid_key) == "invalid_key");
  CHECK(code_name(Errc::crypto_error) == "crypto_error");
}

TEST_CASE("Error carries its code and the human sentence") {
  Error error(Errc::expired, "token expired at 2026-11-28T12:00:00Z");
  CHECK(error.code() == Errc::expired);
  CHECK(error.detail() == "token expired at 2026-11-28T12:00:00Z");
  CHECK(std::string(error.what()) == error.detail());
}

TEST_CASE("parse_alg round-trips every registered name and alg_name") {
  std::set<std::string_view> names;
  for (Alg alg : all_algs()) {
    names.insert(alg_name(alg));
    CHECK(parse_alg(alg_name(alg)) == alg);
  }
  CHECK(all_algs().size() == 13);
  CHECK(names == std::set<std::string_view>{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                                            "ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384",
                                            "HS512"});
}

TEST_CASE("parse_alg is case-sensitive and never knows none") {
  for (const char* name : {"none", "None", "NONE", "rs256", "Rs256", "eddsa", "ES521", "HS1", "", " RS256"}) {
    CHECK_FALSE(parse_alg(name).has_value());
  }
}

TEST_CASE("alg family helpers") {
  CHECK(is_hmac(Alg::HS384));
  CHECK_FALSE(is_hmac(Alg::RS256));
  CHECK(alg_curve(Alg::ES256) == "P-256");
  CHECK(alg_curve(Alg::ES384) == "P-384");
  CHECK(alg_curve(Alg::ES512) == "P-521");
  CHECK(alg_curve(Alg::EdDSA).empty());
  CHECK(alg_curve(Alg::PS512).empty());
}
