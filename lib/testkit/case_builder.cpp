// The token surgery the defect builders share.
#include "testkit/case_builder.h"

#include <algorithm>

#include "jose/base64url.h"
#include "jose/error.h"
#include "jose/jws.h"
#include "testkit/forgery.h"

namespace swapi::testkit::detail {

AttackCase make_case(const Defect& defect, std::string name, std::string description, std::string token,
                     Credentials::Placement placement, std::string scheme) {
  AttackCase attack;
  attack.name = std::move(name);
  attack.defect = std::string(defect.name);
  attack.description = std::move(description);
  attack.expected = defect.expected;
  attack.credentials.placement = placement;
  attack.credentials.scheme = std::move(scheme);
  attack.credentials.token = std::move(token);
  attack.challenge_required = std::find(defect.expected.begin(), defect.expected.end(), 401) != defect.expected.end();
  return attack;
}

std::vector<KidVariant> kid_variants(const Basis& basis) {
  std::vector<KidVariant> variants;
  if (!basis.trusted_kid.empty()) variants.push_back({"-kid", true});
  variants.push_back({"-nokid", false});
  return variants;
}

nlohmann::json with_kid(nlohmann::json header, const Basis& basis, bool kid) {
  if (kid && !basis.trusted_kid.empty()) {
    header["kid"] = basis.trusted_kid;
  } else {
    header.erase("kid");
  }
  return header;
}

std::string encode_json(const nlohmann::json& value) { return jose::base64url_encode(value.dump()); }

std::string assemble(const nlohmann::json& header, std::string_view payload_segment, std::string_view signature) {
  std::string token = encode_json(header);
  token += '.';
  token += payload_segment;
  token += '.';
  token += jose::base64url_encode(signature);
  return token;
}

std::string sign_segments(const nlohmann::json& header, std::string_view payload_segment, const jose::Jwk& key) {
  std::string input = encode_json(header) + "." + std::string(payload_segment);
  auto alg = jose::parse_alg(header.value("alg", ""));
  if (!alg) throw jose::Error(jose::Errc::alg_not_allowed, "no alg to sign the case with");
  std::string signature = jose::is_hmac(*alg) ? hmac_any(*alg, key.secret, input) : jose::sign_bytes(*alg, key, input);
  return input + "." + jose::base64url_encode(signature);
}

std::string resign(const Basis& basis, const nlohmann::json& claims) {
  return resign_text(basis, claims.dump());
}

std::string resign_text(const Basis& basis, std::string_view payload_text) {
  if (!basis.signer) throw jose::Error(jose::Errc::invalid_key, "this defect needs the local signing key");
  return sign_segments(basis.header, jose::base64url_encode(payload_text), *basis.signer);
}

jose::Alg asymmetric_alg(const Basis& basis) {
  if (basis.alg && !jose::is_hmac(*basis.alg)) return *basis.alg;
  return jose::Alg::ES256;
}

}  // namespace swapi::testkit::detail
