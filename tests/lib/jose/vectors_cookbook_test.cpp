// RFC 7520 (JOSE cookbook), RFC 8037 and RFC 7797 examples: the positive side. Each example's
// key goes through jose::parse_jwk; its compact output through jose::verify_compact (allowed =
// exactly that alg); its signing input + signature through jose::verify_bytes; and for the
// deterministic examples (reproducible: true) jose::sign_bytes must reproduce the signature.
//
// Files run here: jose-cookbook/jws/4_1 (RS256), 4_2 (PS384), 4_3 (ES512), 4_4 (HS256), 4_5
// (HS256, reattached payload), 4_6 and 4_7 (HS256 signing inputs), 4_8 (RS256 + ES512 + HS256
// signing inputs), curve25519/jws.json (EdDSA), 6.nesting_signatures_and_encryption.json (the
// inner PS256 JWT), jwk/3_1 to 3_5 (public/private pairs, verification with the public JWKs).
// The must-reject uses of these and of rfc7797/*, jwk/3_6 and the §6 JWE are in
// vectors_cookbook_negative_test.cpp. Not run: jose-cookbook/LICENSE (not a vector).
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "jose/jws.h"
#include "tests/lib/jose/vectors_cookbook_support.h"
#include "tests/lib/jose/vectors_support.h"

namespace {

using nlohmann::json;
using swapi::jose::Alg;
using swapi::jose::Jwk;
namespace tv = swapi::jose::test_vectors;

// Verifies one example (the "sign" part of §6 has the same shape as a JWS example).
void check_example(const json& example, const std::string& name, tv::Tally& tally) {
  const Jwk key = tv::cookbook_key(example.at("input").at("key"), name);
  const Alg alg = tv::cookbook_alg(example.at("input").at("alg"));
  const json& signing = example.at("signing");
  const std::string signing_input = signing.at("sig-input").get<std::string>();
  const std::string signature =
      tv::b64url_decode_or_fail(signing.at("sig").get<std::string>(), name + " signing.sig");

  tally.count_result("signing input verified");
  const tv::Outcome by_bytes = tv::capture(
      [&] { return swapi::jose::verify_bytes(alg, key, signing_input, signature); });
  CHECK_MESSAGE(by_bytes.accepted, name << ": verify_bytes(" << swapi::jose::alg_name(alg)
                                        << ", sig-input, sig): " << tv::describe(by_bytes));

  if (example.value("reproducible", false)) {
    tally.count_result("signature reproduced");
    const tv::Outcome signed_again = tv::capture(
        [&] { return swapi::jose::sign_bytes(alg, key, signing_input) == signature; });
    CHECK_MESSAGE(signed_again.accepted,
                  name << ": sign_bytes must reproduce the deterministic example signature, got "
                       << (signed_again.code || signed_again.foreign_exception
                               ? signed_again.detail
                               : std::string("different bytes")));
  }

  const json& output = example.at("output");
  if (!output.contains("compact")) return;
  tally.count_result("compact verified");
  const std::string compact = output.at("compact").get<std::string>();
  const std::vector<Jwk> keys{key};
  const std::vector<Alg> allowed{alg};
  try {
    const auto verified = swapi::jose::verify_compact(compact, keys, allowed);
    CHECK(verified.alg == alg);
    CHECK(verified.payload == example.at("input").at("payload").get<std::string>());
    CHECK(verified.header == signing.at("protected"));
  } catch (const swapi::jose::Error& e) {
    FAIL_CHECK(name << ": verify_compact(output.compact, allowed " << swapi::jose::alg_name(alg)
                    << ") refused: " << swapi::jose::code_name(e.code()) << ": " << e.detail());
  }
}

void run_example_file(const char* path) {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  tv::Tally tally(path);
  check_example(tv::load_vector_file(*dir, path), path, tally);
  MESSAGE(tally.summary());
}

}  // namespace

TEST_CASE("vectors: cookbook 4.1 RS256 verifies and reproduces") {
  run_example_file("jose-cookbook/jws/4_1.rsa_v15_signature.json");
}

TEST_CASE("vectors: cookbook 4.2 PS384 verifies") {
  run_example_file("jose-cookbook/jws/4_2.rsa-pss_signature.json");
}

TEST_CASE("vectors: cookbook 4.3 ES512 verifies") {
  run_example_file("jose-cookbook/jws/4_3.ecdsa_signature.json");
}

TEST_CASE("vectors: cookbook 4.4 HS256 verifies and reproduces") {
  run_example_file("jose-cookbook/jws/4_4.hmac-sha2_integrity_protection.json");
}

TEST_CASE("vectors: cookbook RFC 8037 Ed25519 EdDSA verifies and reproduces") {
  run_example_file("jose-cookbook/curve25519/jws.json");
}

TEST_CASE("vectors: cookbook 6 inner PS256 JWT verifies") {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  const char* path = "jose-cookbook/6.nesting_signatures_and_encryption.json";
  tv::Tally tally(path);
  check_example(tv::load_vector_file(*dir, path).at("sign"), std::string(path) + " sign", tally);
  MESSAGE(tally.summary());
}

// JSON-serialization-only examples still carry a signing input and signature per signer; the
// signature layer must verify them (and reproduce the deterministic HS256 ones).
TEST_CASE("vectors: cookbook 4.5 to 4.8 signing inputs verify") {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  for (const char* path : {"jose-cookbook/jws/4_5.signature_with_detached_content.json",
                           "jose-cookbook/jws/4_6.protecting_specific_header_fields.json",
                           "jose-cookbook/jws/4_7.protecting_content_only.json"}) {
    tv::Tally tally(path);
    json example = tv::load_vector_file(*dir, path);
    // 4.5's compact form is detached (empty payload segment); the attached token is the
    // signing input plus the signature, which must verify like any compact JWS.
    if (example.at("output").contains("compact")) {
      example["output"]["compact"] = example.at("signing").at("sig-input").get<std::string>() +
                                     "." + example.at("signing").at("sig").get<std::string>();
    }
    check_example(example, path, tally);
    MESSAGE(tally.summary());
  }

  const char* path = "jose-cookbook/jws/4_8.multiple_signatures.json";
  tv::Tally tally(path);
  const json example = tv::load_vector_file(*dir, path);
  const json& input = example.at("input");
  const json& signers = example.at("signing");
  REQUIRE(signers.size() == input.at("key").size());
  REQUIRE(signers.size() == input.at("alg").size());
  for (std::size_t i = 0; i < signers.size(); ++i) {
    const std::string name = std::string(path) + " signer " + std::to_string(i);
    const Jwk key = tv::cookbook_key(input.at("key").at(i), name);
    const Alg alg = tv::cookbook_alg(input.at("alg").at(i));
    const std::string signature = tv::b64url_decode_or_fail(
        signers.at(i).at("sig").get<std::string>(), name + " sig");
    tally.count_result("signing input verified");
    const tv::Outcome out = tv::capture([&] {
      return swapi::jose::verify_bytes(alg, key, signers.at(i).at("sig-input").get<std::string>(),
                                       signature);
    });
    CHECK_MESSAGE(out.accepted, name << " " << swapi::jose::alg_name(alg) << ": "
                                     << tv::describe(out));
  }
  MESSAGE(tally.summary());
}

// RFC 7520 §3: the public JWKs verify the §4 tokens, and each private JWK has the same RFC 7638
// thumbprint as its public half (the thumbprint covers only the required public members).
TEST_CASE("vectors: cookbook 3.1 to 3.5 keys verify the 4.x tokens") {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  tv::Tally tally("jose-cookbook/jwk/3_1..3_5");
  const auto key_file = [&](const char* name) {
    return tv::cookbook_key(tv::load_vector_file(*dir, std::string("jose-cookbook/jwk/") + name),
                            name);
  };
  const Jwk ec_public = key_file("3_1.ec_public_key.json");
  const Jwk ec_private = key_file("3_2.ec_private_key.json");
  const Jwk rsa_public = key_file("3_3.rsa_public_key.json");
  const Jwk rsa_private = key_file("3_4.rsa_private_key.json");
  const Jwk mac_key = key_file("3_5.symmetric_key_mac_computation.json");

  tally.count_result("key pair checked");
  tally.count_result("key pair checked");
  CHECK_FALSE(ec_public.is_private);
  CHECK(ec_private.is_private);
  CHECK_FALSE(rsa_public.is_private);
  CHECK(rsa_private.is_private);
  CHECK(swapi::jose::thumbprint(ec_private) == swapi::jose::thumbprint(ec_public));
  CHECK(swapi::jose::thumbprint(rsa_private) == swapi::jose::thumbprint(rsa_public));

  struct Case {
    const char* file;
    const Jwk* key;
    Alg alg;
  };
  for (const Case& c : {Case{"jws/4_1.rsa_v15_signature.json", &rsa_public, Alg::RS256},
                        Case{"jws/4_2.rsa-pss_signature.json", &rsa_public, Alg::PS384},
                        Case{"jws/4_3.ecdsa_signature.json", &ec_public, Alg::ES512},
                        Case{"jws/4_4.hmac-sha2_integrity_protection.json", &mac_key,
                             Alg::HS256}}) {
    tally.count_result("compact verified with the 3.x key");
    const json example = tv::load_vector_file(*dir, std::string("jose-cookbook/") + c.file);
    const tv::Outcome out = tv::verify_token(example.at("output").at("compact").get<std::string>(),
                                             {*c.key}, {c.alg});
    CHECK_MESSAGE(out.accepted, std::string(c.file) << " with its RFC 7520 §3 key: " << tv::describe(out));
  }
  MESSAGE(tally.summary());
}
