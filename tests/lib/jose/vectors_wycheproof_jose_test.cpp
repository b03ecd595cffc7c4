// Wycheproof JOSE vectors driven through the full compact-JWS path: keys through
// jose::parse_jwk / parse_jwks, tokens through jose::verify_compact.
//
// Files run (each one TEST_CASE): wycheproof/json_web_signature_test.json,
// json_web_key_test.json, json_web_crypto_test.json. Every test of each file runs; none is
// skipped. Not run: no other JOSE file is in the corpus (json_web_encryption_test.json was not
// copied, README "Provenance").
//
// Rules, taken from the trust configuration and never from the token:
// - Keys: the group's `public` member when present, else `private` (for oct keys `private` is
//   the shared secret). A `{"keys":[...]}` document goes through parse_jwks (bad keys are
//   skipped one by one, as the server does); a single JWK through parse_jwk, and a key that
//   does not load leaves the group with no key (every token must then be refused).
// - Allowed algs: the `alg` of each loaded key; for a key without `alg`, every alg of its
//   family (test_vectors::algs_for_key).
// - valid -> verify_compact succeeds; invalid -> it throws jose::Error (any code, printed).
// - JSON serialization (a non-string `jws`/`jwe`, or a string flagged JsonSerialization) and
//   every `jwe` (JWE compact: 4 or 5 segments) are handed to verify_compact as a bearer token
//   and must be refused with Errc::malformed: swapi accepts only 3-segment compact JWS, and
//   structure is the first check (jws.h).
// - The README "Known quirks" rows are named exceptions (tcId -> reason): the expected outcome
//   is what a strict verifier does, not the upstream label, so a later fix of the data or a
//   change in jose is noticed.
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "jose/jws.h"
#include "tests/lib/jose/vectors_support.h"

namespace {

using nlohmann::json;
using swapi::jose::Alg;
using swapi::jose::Errc;
using swapi::jose::Jwk;
namespace tv = swapi::jose::test_vectors;

// A vector whose upstream label a strict verifier does not reproduce (vectors README, "Known
// quirks in the Wycheproof JOSE files").
struct NamedException {
  bool strict_accepts;  // what a strict verifier does, asserted instead of the label
  const char* reason;
};
using ExceptionTable = std::map<int, NamedException>;

const ExceptionTable& json_web_signature_exceptions() {
  static const ExceptionTable table = {
      {346, {false, "rfc7520 Figure20: token is PS384 but the group JWK says alg PS256; a "
                    "verifier enforcing JWK alg (Wycheproof's own WrongPrimitive rule) rejects"}},
      {350, {false, "rfc7520WithKeyOps Figure20: token is PS384 but the JWK says alg PS256"}},
      {347, {false, "rfc7520 Figure27: JWK alg \"ES521\" is not a registered alg; the token is "
                    "ES512"}},
      {351, {false, "rfc7520WithKeyOps Figure27: JWK alg \"ES521\" is not a registered alg"}},
      {367, {true, "invalidBase64Padding: jws is byte-identical to tcId 357 (ValidMac); the "
                   "padding the test meant to add is missing upstream"}},
      {370, {true, "invalidBase64PaddingInPayload: jws is byte-identical to tcId 357 "
                   "(ValidMac); the padding is missing upstream"}},
      {372, {false, "InvalidCharacterInsertedInHeader: a '?' inside the header segment; strict "
                    "base64url rejects it"}},
      {373, {false, "InvalidCharacterInsertedInPayload: a '?' inside the payload segment; "
                    "strict base64url rejects it"}},
  };
  return table;
}

const ExceptionTable& json_web_key_exceptions() {
  static const ExceptionTable table = {
      {7, {true, "rejectsKeyWithRocaVulnerability: the modulus is ROCA-weak (CVE-2017-15361) "
                 "but the signature is correct; swapi has no ROCA fingerprint test"}},
  };
  return table;
}

const ExceptionTable& json_web_crypto_exceptions() {
  static const ExceptionTable table = {
      {46, {true, "rejectsKeyWithRocaVulnerability: the modulus is ROCA-weak (CVE-2017-15361) "
                  "but the signature is correct; swapi has no ROCA fingerprint test"}},
  };
  return table;
}

struct GroupKeys {
  std::vector<Jwk> keys;
  std::vector<Alg> allowed;
  std::string load_notes;  // why keys were refused, for failure messages
};

GroupKeys load_group_keys(const json& group) {
  GroupKeys out;
  const bool has_public = group.contains("public");
  const json& document = has_public ? group.at("public") : group.at("private");
  const std::string member = has_public ? "public" : "private";
  if (document.is_object() && document.contains("keys")) {
    const tv::Outcome load = tv::capture([&] {
      swapi::jose::JwksLoad loaded = swapi::jose::parse_jwks(document);
      out.keys = std::move(loaded.keys);
      for (const auto& why : loaded.rejected) out.load_notes += "; skipped " + why;
      return true;
    });
    if (!load.accepted) out.load_notes += "; " + member + " JWKS refused: " + load.detail;
  } else {
    const tv::Outcome load = tv::capture([&] {
      out.keys.push_back(swapi::jose::parse_jwk(document));
      return true;
    });
    if (!load.accepted) out.load_notes += "; " + member + " JWK refused: " + load.detail;
  }
  out.allowed = tv::algs_for_keys(out.keys);
  return out;
}

std::string test_label(const json& group, const json& test) {
  std::string label = "tcId " + std::to_string(test.at("tcId").get<int>()) + " (" +
                      test.value("comment", "") + ", group " + group.value("comment", "") +
                      ", upstream " + test.at("result").get<std::string>();
  for (const auto& flag : test.value("flags", json::array())) label += ", " + flag.get<std::string>();
  return label + ")";
}

bool is_json_serialization(const json& test, const json& token) {
  if (!token.is_string()) return true;
  for (const auto& flag : test.value("flags", json::array())) {
    if (flag == "JsonSerialization") return true;
  }
  return false;
}

void run_jose_file(const char* path, const ExceptionTable& exceptions) {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  const json doc = tv::load_vector_file(*dir, path);
  tv::Tally tally(path);
  std::map<int, bool> exception_seen;

  for (const auto& group : doc.at("testGroups")) {
    const GroupKeys keys = load_group_keys(group);
    for (const auto& test : group.at("tests")) {
      const int tc_id = test.at("tcId").get<int>();
      const std::string result = test.at("result").get<std::string>();
      tally.count_result(result);
      const bool is_jwe = test.contains("jwe");
      const json& token_json = is_jwe ? test.at("jwe") : test.at("jws");
      const bool json_form = is_json_serialization(test, token_json);
      const std::string token = token_json.is_string() ? token_json.get<std::string>()
                                                       : token_json.dump();
      const std::string where = test_label(group, test) + " keys [" +
                                tv::alg_list(keys.allowed) + "]" + keys.load_notes;

      if (is_jwe || json_form) {
        // Not a 3-segment compact JWS: refused as a bearer token at the structure check.
        // All algs are allowed so only the structure can be the reason.
        tally.count_extra(is_jwe ? "jwe refused" : "json serialization refused");
        const auto all = swapi::jose::all_algs();
        const tv::Outcome out = tv::capture([&] {
          swapi::jose::verify_compact(token, keys.keys, all);
          return true;
        });
        CHECK_MESSAGE((out.code == Errc::malformed),
                      where << ": a " << std::string(is_jwe ? "JWE" : "JSON serialization")
                            << " must be refused as malformed, got " << tv::describe(out));
        continue;
      }

      bool expect_accept = result == "valid";
      std::string reason;
      if (const auto it = exceptions.find(tc_id); it != exceptions.end()) {
        expect_accept = it->second.strict_accepts;
        reason = std::string(" [named exception: ") + it->second.reason + "]";
        exception_seen[tc_id] = true;
        tally.count_extra("named exceptions");
      }
      const tv::Outcome out = tv::capture([&] {
        const auto verified = swapi::jose::verify_compact(token, keys.keys, keys.allowed);
        return verified.key != nullptr;
      });
      const bool as_expected = expect_accept ? out.accepted
                                             : (!out.accepted && out.code.has_value());
      CHECK_MESSAGE(as_expected, where << reason << ": expected "
                                       << std::string(expect_accept ? "accept" : "reject (jose::Error)")
                                       << ", got " << tv::describe(out));
    }
  }
  // A named exception whose tcId vanished means the data changed: revisit the table.
  for (const auto& [tc_id, exception] : exceptions) {
    CHECK_MESSAGE(exception_seen.count(tc_id) == 1,
                  "named exception tcId " << tc_id << " not found in " << std::string(path));
  }
  CHECK_MESSAGE(tally.total() == doc.at("numberOfTests").get<int>(),
                "ran " << tally.total() << " of numberOfTests " << doc.at("numberOfTests"));
  MESSAGE(tally.summary());
}

}  // namespace

TEST_CASE("vectors: wycheproof json_web_signature via verify_compact") {
  run_jose_file("wycheproof/json_web_signature_test.json", json_web_signature_exceptions());
}

TEST_CASE("vectors: wycheproof json_web_key via parse_jwks and verify_compact") {
  run_jose_file("wycheproof/json_web_key_test.json", json_web_key_exceptions());
}

TEST_CASE("vectors: wycheproof json_web_crypto JWS cases via verify_compact, JWE refused") {
  run_jose_file("wycheproof/json_web_crypto_test.json", json_web_crypto_exceptions());
}
