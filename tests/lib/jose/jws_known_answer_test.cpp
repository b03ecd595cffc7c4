// Known answers from the RFC texts: what a conforming JWS implementation must produce/accept.
#include <doctest/doctest.h>

#include "core_test_helpers.h"
#include "jose/claims.h"
#include "jose/jws.h"
#include "jose/key_policy.h"
#include "rfc_examples.h"

using namespace swapi::jose;
using namespace swapi::jose::test;

namespace {

std::string segment(std::string_view token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  std::size_t end = token.find('.', start);
  return std::string(token.substr(start, end == std::string_view::npos ? token.size() - start : end - start));
}

std::string signing_input(std::string_view token) {
  return std::string(token.substr(0, token.rfind('.')));
}

std::string signature_bytes(std::string_view token) { return *base64url_decode(segment(token, 2)); }

}  // namespace

TEST_CASE("RFC 7515 A.1 HS256 JWT: exact segments and signature") {
  Jwk key = parse_jwk(kRfc7515HmacKeyJwk);
  CHECK(b64(kRfc7515Header) == segment(kRfc7515Compact, 0));
  CHECK(b64(kRfc7515Claims) == segment(kRfc7515Compact, 1));
  std::string input = b64(kRfc7515Header) + "." + b64(kRfc7515Claims);
  CHECK(b64(sign_bytes(Alg::HS256, key, input)) == segment(kRfc7515Compact, 2));

  Alg allowed[] = {Alg::HS256};
  VerifiedJws verified = verify_compact(kRfc7515Compact, std::span(&key, 1), allowed);
  CHECK(verified.alg == Alg::HS256);
  CHECK(verified.payload == kRfc7515Claims);
  CHECK(verified.header["typ"] == "JWT");
  CHECK(verified.key == &key);
}

TEST_CASE("RFC 7515 A.1 claims: valid one second before exp, expired at exp") {
  Jwk key = parse_jwk(kRfc7515HmacKeyJwk);
  Alg allowed[] = {Alg::HS256};
  VerifiedJws verified = verify_compact(kRfc7515Compact, std::span(&key, 1), allowed);
  nlohmann::json claims = nlohmann::json::parse(verified.payload);
  ClaimsPolicy policy;
  policy.issuer = "joe";
  policy.leeway = std::chrono::seconds(0);
  CHECK_NOTHROW(validate_claims(verified.header, claims, policy, 1300819379));
  CHECK(thrown_code([&] { validate_claims(verified.header, claims, policy, 1300819380); }) == Errc::expired);
}

TEST_CASE("RFC 7520 4.1 RS256: signature reproduced byte for byte and verified") {
  Jwk key = parse_jwk(kRs256Jwk);
  CHECK(key.is_private);
  CHECK(rsa_bits(key) == 2048);
  CHECK(sign_bytes(Alg::RS256, key, signing_input(kRs256Compact)) == signature_bytes(kRs256Compact));

  Jwk public_key = public_part(key);
  Alg allowed[] = {Alg::RS256};
  VerifiedJws verified = verify_compact(kRs256Compact, std::span(&public_key, 1), allowed);
  CHECK(verified.payload == kCookbookPayload);
  CHECK(verified.header["kid"] == "bilbo.baggins@hobbiton.example");
}

TEST_CASE("RFC 7520 4.2 PS384: the published signature verifies, a fresh one differs and verifies") {
  Jwk key = public_part(parse_jwk(kPs384Jwk));
  Alg allowed[] = {Alg::PS384};
  VerifiedJws verified = verify_compact(kPs384Compact, std::span(&key, 1), allowed);
  CHECK(verified.alg == Alg::PS384);
  CHECK(verified.payload == kCookbookPayload);

  Jwk private_key = parse_jwk(kPs384Jwk);
  std::string fresh = sign_bytes(Alg::PS384, private_key, signing_input(kPs384Compact));
  CHECK(fresh != signature_bytes(kPs384Compact));  // PSS is randomized (salt)
  CHECK(verify_bytes(Alg::PS384, key, signing_input(kPs384Compact), fresh));
  // The same bytes under PS256 or RS384 padding must not verify.
  CHECK_FALSE(verify_bytes(Alg::RS384, key, signing_input(kPs384Compact), signature_bytes(kPs384Compact)));
  CHECK_FALSE(verify_bytes(Alg::PS256, key, signing_input(kPs384Compact), signature_bytes(kPs384Compact)));
}

TEST_CASE("RFC 7520 4.3 ES512: the published P-521 signature verifies and is 132 bytes") {
  Jwk key = public_part(parse_jwk(kEs512Jwk));
  CHECK(key.curve == "P-521");
  CHECK(signature_bytes(kEs512Compact).size() == 132);
  Alg allowed[] = {Alg::ES512};
  VerifiedJws verified = verify_compact(kEs512Compact, std::span(&key, 1), allowed);
  CHECK(verified.payload == kCookbookPayload);

  Jwk private_key = parse_jwk(kEs512Jwk);
  std::string fresh = sign_bytes(Alg::ES512, private_key, signing_input(kEs512Compact));
  CHECK(fresh.size() == 132);
  CHECK(verify_bytes(Alg::ES512, key, signing_input(kEs512Compact), fresh));
}

TEST_CASE("RFC 7520 4.4 HS256: MAC reproduced byte for byte and verified") {
  Jwk key = parse_jwk(kHs256Jwk);
  CHECK(key.alg == Alg::HS256);
  CHECK(sign_bytes(Alg::HS256, key, signing_input(kHs256Compact)) == signature_bytes(kHs256Compact));
  Alg allowed[] = {Alg::HS256};
  VerifiedJws verified = verify_compact(kHs256Compact, std::span(&key, 1), allowed);
  CHECK(verified.payload == kCookbookPayload);
}

TEST_CASE("RFC 8037 A.4 EdDSA: Ed25519 signature reproduced byte for byte and verified") {
  Jwk key = parse_jwk(kEdDsaJwk);
  CHECK(key.type == KeyType::okp);
  CHECK(key.curve == "Ed25519");
  CHECK(sign_compact({{"alg", "EdDSA"}}, "Example of Ed25519 signing", key) == kEdDsaCompact);

  Jwk public_key = public_part(key);
  Alg allowed[] = {Alg::EdDSA};
  VerifiedJws verified = verify_compact(kEdDsaCompact, std::span(&public_key, 1), allowed);
  CHECK(verified.payload == "Example of Ed25519 signing");
}

TEST_CASE("RFC 8037 A.5 EdDSA: a modified payload does not verify") {
  Jwk key = public_part(parse_jwk(kEdDsaJwk));
  std::string token = std::string(kEdDsaCompact);
  std::string tampered = segment(token, 0) + "." + b64("Example of Ed25519 signinG") + "." + segment(token, 2);
  Alg allowed[] = {Alg::EdDSA};
  CHECK(thrown_code([&] { verify_compact(tampered, std::span(&key, 1), allowed); }) == Errc::bad_signature);
}

TEST_CASE("RFC 7638 3.1 thumbprint of the RFC 7517 RSA key") {
  Jwk key = parse_jwk(kRfc7638RsaJwk);
  CHECK(key.kid == "2011-04-29");
  CHECK(thumbprint(key) == kRfc7638Thumbprint);
}

TEST_CASE("RFC 8037 A.3 thumbprint of the Ed25519 key, same for its private form") {
  Jwk key = parse_jwk(kEdDsaJwk);
  CHECK(thumbprint(key) == kRfc8037Thumbprint);
  CHECK(thumbprint(public_part(key)) == kRfc8037Thumbprint);
}
