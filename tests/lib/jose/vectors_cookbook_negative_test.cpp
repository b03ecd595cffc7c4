// RFC 7520 / RFC 7797 cookbook examples a resource server must refuse. Each test also proves
// its input is otherwise good (the key loads, the signature is right), so the refusal is for
// the stated reason and not an accident of a broken fixture.
//
// Files run here: jws/4_2 (PS384) and 4_3 (ES512) against allow-lists lacking them,
// rfc7797/4.2.hmac-sha2_b64_false.json and rfc7797/hmac-sha2_b64_false.json (b64:false),
// 6.nesting_signatures_and_encryption.json (the JWE compact and JSON forms), jwk/3_6 (a
// "use":"enc" key), jws/4_5 (detached compact), 4_6, 4_7, 4_8 (JSON serialization only). The
// positive uses of the same files are in vectors_cookbook_test.cpp.
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "jose/base64url.h"
#include "jose/jws.h"
#include "tests/lib/jose/vectors_cookbook_support.h"
#include "tests/lib/jose/vectors_support.h"

namespace {

using nlohmann::json;
using swapi::jose::Alg;
using swapi::jose::Errc;
using swapi::jose::Jwk;
namespace tv = swapi::jose::test_vectors;

}  // namespace

// An alg outside the allow-list is refused before any key is looked at, even with the right key.
TEST_CASE("vectors: cookbook 4.2 PS384 and 4.3 ES512 refused by an allow-list without them") {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  tv::Tally tally("jose-cookbook/jws/4_2 + 4_3");
  for (const char* path : {"jose-cookbook/jws/4_2.rsa-pss_signature.json",
                           "jose-cookbook/jws/4_3.ecdsa_signature.json"}) {
    const json example = tv::load_vector_file(*dir, path);
    const Jwk key = tv::cookbook_key(example.at("input").at("key"), path);
    const Alg alg = tv::cookbook_alg(example.at("input").at("alg"));
    const std::string compact = example.at("output").at("compact").get<std::string>();
    tally.count_result("alg_not_allowed");
    const tv::Outcome out = tv::verify_token(compact, {key}, tv::all_algs_except(alg));
    CHECK_MESSAGE((out.code == Errc::alg_not_allowed),
                  std::string(path) << " with every alg but " << swapi::jose::alg_name(alg)
                       << " allowed: expected alg_not_allowed, got " << tv::describe(out));
  }
  MESSAGE(tally.summary());
}

// RFC 7797 §7: JWTs must not use "b64":false; swapi refuses any "crit" (RFC 7515 §4.1.11).
TEST_CASE("vectors: cookbook rfc7797 b64 false refused") {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  const char* path = "jose-cookbook/rfc7797/hmac-sha2_b64_false.json";
  tv::Tally tally(path);
  const json example = tv::load_vector_file(*dir, path);
  const Jwk key = tv::cookbook_key(example.at("input").at("key"), path);
  const std::string compact = example.at("output").at("compact").get<std::string>();

  // The unencoded compact form as published: header, raw payload with spaces, signature.
  tally.count_result("refused");
  const tv::Outcome as_published = tv::verify_token(compact, {key}, {Alg::HS256});
  CHECK_MESSAGE((as_published.code == Errc::malformed ||
                 as_published.code == Errc::crit_unsupported),
                "b64:false compact: expected malformed or crit_unsupported, got "
                    << tv::describe(as_published));

  // Fixture sanity: the published signature is right over the unencoded signing input (the
  // file's own signing block is inconsistent, README), so the refusal above is not a bad MAC.
  const std::string header_b64 = compact.substr(0, compact.find('.'));
  const std::string payload = example.at("input").at("payload").get<std::string>();
  const std::string signature = tv::b64url_decode_or_fail(
      compact.substr(compact.rfind('.') + 1), "rfc7797 compact signature");
  tally.count_result("signature sanity");
  const tv::Outcome mac_ok = tv::capture([&] {
    return swapi::jose::verify_bytes(Alg::HS256, key, header_b64 + "." + payload, signature);
  });
  CHECK_MESSAGE(mac_ok.accepted, "rfc7797 unencoded signing input: " << tv::describe(mac_ok));

  // The same crit header over a base64url payload, correctly signed: only "crit" is wrong.
  const std::string signing_input = header_b64 + "." + swapi::jose::base64url_encode(payload);
  const std::string crit_token =
      signing_input + "." +
      swapi::jose::base64url_encode(swapi::jose::sign_bytes(Alg::HS256, key, signing_input));
  tally.count_result("refused");
  const tv::Outcome crit = tv::verify_token(crit_token, {key}, {Alg::HS256});
  CHECK_MESSAGE((crit.code == Errc::crit_unsupported),
                "header with crit [b64], valid MAC: expected crit_unsupported, got "
                    << tv::describe(crit));

  // RFC 7797 §4.2 (JSON only): its payload "$.02" holds a '.', so the compact spelling has four
  // segments. The signing input itself is a correct MAC.
  const std::string json_only = "jose-cookbook/rfc7797/4.2.hmac-sha2_b64_false.json";
  const json example42 = tv::load_vector_file(*dir, json_only);
  const Jwk key42 = tv::cookbook_key(example42.at("input").at("key"), json_only);
  const std::string input42 = example42.at("signing").at("sig-input").get<std::string>();
  const std::string sig42_b64 = example42.at("signing").at("sig").get<std::string>();
  const std::string sig42 = tv::b64url_decode_or_fail(sig42_b64, "rfc7797 4.2 sig");
  tally.count_result("signature sanity");
  const tv::Outcome mac42 =
      tv::capture([&] { return swapi::jose::verify_bytes(Alg::HS256, key42, input42, sig42); });
  CHECK_MESSAGE(mac42.accepted, json_only << " sig-input: " << tv::describe(mac42));
  tally.count_result("refused");
  const tv::Outcome compact42 = tv::verify_token(input42 + "." + sig42_b64, {key42}, {Alg::HS256});
  CHECK_MESSAGE((compact42.code == Errc::malformed),
                json_only << " as compact: expected malformed, got " << tv::describe(compact42));
  for (const char* form : {"json", "json_flat"}) {
    tally.count_result("refused");
    const tv::Outcome out =
        tv::verify_token(example42.at("output").at(form).dump(), {key42}, {Alg::HS256});
    CHECK_MESSAGE((out.code == Errc::malformed),
                  json_only << " output." << std::string(form) << ": expected malformed, got "
                            << tv::describe(out));
  }
  MESSAGE(tally.summary());
}

// A JWE (5 segments) presented where a JWS bearer token is expected.
TEST_CASE("vectors: cookbook 6 JWE compact refused as malformed") {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  const char* path = "jose-cookbook/6.nesting_signatures_and_encryption.json";
  tv::Tally tally(path);
  const json example = tv::load_vector_file(*dir, path);
  const Jwk key = tv::cookbook_key(example.at("sign").at("input").at("key"), path);
  const json& output = example.at("encrypt").at("output");
  const std::vector<Alg> all = swapi::jose::all_algs();
  tally.count_result("refused");
  const tv::Outcome compact = tv::verify_token(output.at("compact").get<std::string>(), {key}, all);
  CHECK_MESSAGE((compact.code == Errc::malformed),
                "JWE compact: expected malformed, got " << tv::describe(compact));
  for (const char* form : {"json", "json_flat"}) {
    tally.count_result("refused");
    const tv::Outcome out = tv::verify_token(output.at(form).dump(), {key}, all);
    CHECK_MESSAGE((out.code == Errc::malformed),
                  "JWE output." << std::string(form) << ": expected malformed, got " << tv::describe(out));
  }
  MESSAGE(tally.summary());
}

// RFC 7517 §4.2: a key with "use":"enc" is not for signatures. The token is a correct HS256 MAC
// under the same secret (checked with an unrestricted copy of the key), so only "use" refuses it.
TEST_CASE("vectors: cookbook 3.6 encryption key does not verify HS256") {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  const char* path = "jose-cookbook/jwk/3_6.symmetric_key_encryption.json";
  tv::Tally tally(path);
  const json member = tv::load_vector_file(*dir, path);

  Jwk unrestricted;
  unrestricted.type = swapi::jose::KeyType::oct;
  unrestricted.kid = member.at("kid").get<std::string>();
  unrestricted.secret = tv::b64url_decode_or_fail(member.at("k").get<std::string>(), "3_6 k");
  unrestricted.is_private = true;
  const json header = {{"alg", "HS256"}, {"kid", member.at("kid")}};
  const std::string token = swapi::jose::sign_compact(header, "{\"sub\":\"frodo\"}", unrestricted);
  tally.count_result("control verified");
  const tv::Outcome control = tv::verify_token(token, {unrestricted}, {Alg::HS256});
  REQUIRE_MESSAGE(control.accepted, "control token: " << tv::describe(control));

  tally.count_result("refused");
  Jwk enc_key;
  const tv::Outcome load = tv::capture([&] {
    enc_key = swapi::jose::parse_jwk(member);
    return true;
  });
  if (!load.accepted) {
    // Refusing the key at load time ("alg":"A256GCM" is no JWS alg) is also a refusal.
    CHECK_MESSAGE((load.code == Errc::invalid_key),
                  "3_6 refused at load: expected invalid_key, got " << tv::describe(load));
  } else {
    CHECK(enc_key.use == "enc");
    const tv::Outcome out = tv::verify_token(token, {enc_key}, {Alg::HS256});
    CHECK_MESSAGE((out.code == Errc::key_mismatch),
                  "HS256 token, kid of the use=enc key: expected key_mismatch, got "
                      << tv::describe(out));
    const std::string signing_input = token.substr(0, token.rfind('.'));
    const std::string signature =
        tv::b64url_decode_or_fail(token.substr(token.rfind('.') + 1), "3_6 token signature");
    const tv::Outcome by_bytes = tv::capture(
        [&] { return swapi::jose::verify_bytes(Alg::HS256, enc_key, signing_input, signature); });
    CHECK_MESSAGE((by_bytes.code == Errc::key_mismatch),
                  "verify_bytes with the use=enc key: expected key_mismatch, got "
                      << tv::describe(by_bytes));
  }
  MESSAGE(tally.summary());
}

// A detached payload (RFC 7515 Appendix F) is not a bearer token: jose verifies the MAC over the
// empty payload segment it was given, which fails (bad_signature). The JSON-only
// examples are not compact JWS at all.
TEST_CASE("vectors: cookbook 4.5 detached and 4.6 to 4.8 JSON forms refused") {
  const auto dir = tv::vectors_dir_or_skip();
  if (!dir) return;
  tv::Tally tally("jose-cookbook/jws/4_5..4_8");
  const char* detached_path = "jose-cookbook/jws/4_5.signature_with_detached_content.json";
  const json detached = tv::load_vector_file(*dir, detached_path);
  const Jwk mac_key = tv::cookbook_key(detached.at("input").at("key"), detached_path);
  tally.count_result("refused");
  const tv::Outcome out = tv::verify_token(
      detached.at("output").at("compact").get<std::string>(), {mac_key}, {Alg::HS256});
  CHECK_MESSAGE(out.code == Errc::bad_signature,
                "4.5 detached compact: expected bad_signature, got "
                    << tv::describe(out));

  for (const char* path : {"jose-cookbook/jws/4_5.signature_with_detached_content.json",
                           "jose-cookbook/jws/4_6.protecting_specific_header_fields.json",
                           "jose-cookbook/jws/4_7.protecting_content_only.json",
                           "jose-cookbook/jws/4_8.multiple_signatures.json"}) {
    const json example = tv::load_vector_file(*dir, path);
    for (const char* form : {"json", "json_flat"}) {
      if (!example.at("output").contains(form)) continue;
      tally.count_result("refused");
      const tv::Outcome json_out = tv::verify_token(example.at("output").at(form).dump(),
                                                    {mac_key}, swapi::jose::all_algs());
      CHECK_MESSAGE((json_out.code == Errc::malformed),
                    std::string(path) << " output." << std::string(form) << ": expected malformed, got "
                         << tv::describe(json_out));
    }
  }

  // 4.7 has no protected header: its compact spelling starts with an empty header segment.
  const json content_only =
      tv::load_vector_file(*dir, "jose-cookbook/jws/4_7.protecting_content_only.json");
  const std::string empty_header_token =
      content_only.at("signing").at("sig-input").get<std::string>() + "." +
      content_only.at("signing").at("sig").get<std::string>();
  tally.count_result("refused");
  const tv::Outcome empty_header = tv::verify_token(empty_header_token, {mac_key}, {Alg::HS256});
  CHECK_MESSAGE((empty_header.code == Errc::malformed),
                "4.7 with an empty header segment: expected malformed, got "
                    << tv::describe(empty_header));
  MESSAGE(tally.summary());
}
