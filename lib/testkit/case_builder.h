#pragma once
// Internal to lib/testkit: what every defect's cases are built from, and the small token
// surgery they share (defect_catalogue.cpp dispatches, token_cases.cpp and
// structural_cases.cpp build).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jose/alg.h"
#include "jose/jwk.h"
#include "testkit/defect_catalogue.h"

namespace swapi::testkit::detail {

// The good token a run starts from, and who trusts what.
struct Basis {
  const CaseContext* context = nullptr;
  bool black_box = false;
  nlohmann::json header;         // the good token's header
  nlohmann::json claims;         // its claims (normal mode; black-box: parsed when possible)
  std::string payload_segment;   // its payload as sent: black-box keeps the foreign bytes
  std::string good_token;        // empty when none can be made (no signing key)
  std::string trusted_kid;       // the kid the good token names (may be empty)
  std::optional<jose::Alg> alg;  // the good token's alg
  const jose::Jwk* signer = nullptr;        // the local private key (normal mode only)
  std::optional<jose::Jwk> trusted_public;  // the public key the target verifies with
};

// Throws jose::Error(malformed) for a foreign token that is not a JWS.
Basis make_basis(const CaseContext& context);

// One case of `defect` presenting token in the usual header.
AttackCase make_case(const Defect& defect, std::string name, std::string description, std::string token,
                     Credentials::Placement placement = Credentials::Placement::header,
                     std::string scheme = "Bearer");

// The kid variants of a structural attack: {"-kid", with the trusted kid} when the trusted key
// has one, and {"-nokid", without}.
struct KidVariant {
  std::string suffix;
  bool with_kid;
};
std::vector<KidVariant> kid_variants(const Basis& basis);
// header with kid set to the trusted kid, or removed.
nlohmann::json with_kid(nlohmann::json header, const Basis& basis, bool kid);

std::string encode_json(const nlohmann::json& value);
// header.payload_segment.signature, the signature base64url-encoded.
std::string assemble(const nlohmann::json& header, std::string_view payload_segment, std::string_view signature);
// Signs b64(header).payload_segment with key under the header's alg (HMAC via hmac_any).
std::string sign_segments(const nlohmann::json& header, std::string_view payload_segment, const jose::Jwk& key);
// The good token's header over new claims, signed by the local key (normal mode).
std::string resign(const Basis& basis, const nlohmann::json& claims);
// The good token's header over raw payload text (duplicate members survive), signed locally.
std::string resign_text(const Basis& basis, std::string_view payload_text);

// An alg for attacker keys: the trusted alg when asymmetric (so an alg allow-list cannot hide
// the flaw), else ES256.
jose::Alg asymmetric_alg(const Basis& basis);

using CaseList = std::vector<AttackCase>;
// Transport and claims defects, signatures (token_cases.cpp).
CaseList valid_cases(const Defect&, const Basis&);
CaseList lowercase_bearer_cases(const Defect&, const Basis&);
CaseList no_token_cases(const Defect&, const Basis&);
CaseList wrong_scheme_cases(const Defect&, const Basis&);
CaseList two_headers_cases(const Defect&, const Basis&);
CaseList query_token_cases(const Defect&, const Basis&);
CaseList expired_cases(const Defect&, const Basis&);
CaseList not_yet_valid_cases(const Defect&, const Basis&);
CaseList issued_in_future_cases(const Defect&, const Basis&);
CaseList no_exp_cases(const Defect&, const Basis&);
CaseList wrong_iss_cases(const Defect&, const Basis&);
CaseList iss_slash_cases(const Defect&, const Basis&);
CaseList wrong_aud_cases(const Defect&, const Basis&);
CaseList no_aud_cases(const Defect&, const Basis&);
CaseList missing_scope_cases(const Defect&, const Basis&);
CaseList bad_signature_cases(const Defect&, const Basis&);
CaseList empty_signature_cases(const Defect&, const Basis&);
CaseList wrong_key_cases(const Defect&, const Basis&);
CaseList unknown_kid_cases(const Defect&, const Basis&);
CaseList malformed_cases(const Defect&, const Basis&);
CaseList padded_base64_cases(const Defect&, const Basis&);
CaseList duplicate_claims_cases(const Defect&, const Basis&);
CaseList oversize_cases(const Defect&, const Basis&);
// Header attacks (structural_cases.cpp).
CaseList alg_none_cases(const Defect&, const Basis&);
CaseList hs256_public_key_cases(const Defect&, const Basis&);
CaseList embedded_jwk_cases(const Defect&, const Basis&);
CaseList jku_cases(const Defect&, const Basis&);
CaseList x5u_cases(const Defect&, const Basis&);
CaseList x5c_cases(const Defect&, const Basis&);
CaseList crit_cases(const Defect&, const Basis&);
CaseList kid_path_traversal_cases(const Defect&, const Basis&);
CaseList psychic_signature_cases(const Defect&, const Basis&);

}  // namespace swapi::testkit::detail
