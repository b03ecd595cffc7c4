// The defects of transport, claims, signature and syntax (DESIGN.md "Defective tokens").
#include <string>

#include "jose/base64url.h"
#include "jose/jws.h"
#include "testkit/case_builder.h"
#include "testkit/forgery.h"

namespace swapi::testkit::detail {

namespace {

using Placement = Credentials::Placement;

CaseList one(AttackCase attack) {
  CaseList list;
  list.push_back(std::move(attack));
  return list;
}

CaseList with_claims(const Defect& defect, const Basis& basis, std::string description,
                     void (*change)(nlohmann::json&, const CaseContext&)) {
  nlohmann::json claims = basis.claims;
  change(claims, *basis.context);
  return one(make_case(defect, std::string(defect.name), std::move(description), resign(basis, claims)));
}

std::string signature_segment(const std::string& token) { return token.substr(token.rfind('.') + 1); }
std::string signing_input(const std::string& token) { return token.substr(0, token.rfind('.')); }

// base64url with '=' padding to a multiple of 4 (RFC 4648 §5 with padding kept).
std::string padded(std::string segment) {
  while (segment.size() % 4 != 0) segment += '=';
  return segment;
}

}  // namespace

CaseList valid_cases(const Defect& defect, const Basis& basis) {
  std::string what = basis.black_box ? "the given token, unchanged" : "a good token signed by the active key";
  return one(make_case(defect, "valid", what, basis.good_token));
}

CaseList lowercase_bearer_cases(const Defect& defect, const Basis& basis) {
  return one(make_case(defect, "lowercase-bearer", "the good token as 'Authorization: bearer <token>'",
                       basis.good_token, Placement::header, "bearer"));
}

CaseList no_token_cases(const Defect& defect, const Basis&) {
  return one(make_case(defect, "no-token", "no Authorization header at all", "", Placement::none, ""));
}

CaseList wrong_scheme_cases(const Defect& defect, const Basis& basis) {
  CaseList list;
  list.push_back(make_case(defect, "wrong-scheme-basic", "the good token as 'Authorization: Basic <token>'",
                           basis.good_token, Placement::header, "Basic"));
  list.push_back(make_case(defect, "wrong-scheme-token", "the good token as 'Authorization: Token <token>'",
                           basis.good_token, Placement::header, "Token"));
  return list;
}

CaseList two_headers_cases(const Defect& defect, const Basis& basis) {
  return one(make_case(defect, "two-authorization-headers", "the good token in two Authorization headers",
                       basis.good_token, Placement::two_headers));
}

CaseList query_token_cases(const Defect& defect, const Basis& basis) {
  return one(make_case(defect, "query-token", "the good token only as ?access_token= (RFC 6750 section 2.3)",
                       basis.good_token, Placement::query));
}

CaseList expired_cases(const Defect& defect, const Basis& basis) {
  return with_claims(defect, basis, "exp one hour ago (iat two hours ago)", [](nlohmann::json& c, const CaseContext& x) {
    c["iat"] = x.now - 7200;
    c["exp"] = x.now - 3600;
  });
}

CaseList not_yet_valid_cases(const Defect& defect, const Basis& basis) {
  return with_claims(defect, basis, "nbf one hour from now", [](nlohmann::json& c, const CaseContext& x) {
    c["nbf"] = x.now + 3600;
    c["exp"] = x.now + 3600 + x.ttl;
  });
}

CaseList issued_in_future_cases(const Defect& defect, const Basis& basis) {
  return with_claims(defect, basis, "iat one hour from now", [](nlohmann::json& c, const CaseContext& x) {
    c["iat"] = x.now + 3600;
    c["exp"] = x.now + 3600 + x.ttl;
  });
}

CaseList no_exp_cases(const Defect& defect, const Basis& basis) {
  return with_claims(defect, basis, "no exp claim", [](nlohmann::json& c, const CaseContext&) { c.erase("exp"); });
}

CaseList wrong_iss_cases(const Defect& defect, const Basis& basis) {
  return with_claims(defect, basis, "iss https://attacker.example/",
                     [](nlohmann::json& c, const CaseContext&) { c["iss"] = "https://attacker.example/"; });
}

CaseList iss_slash_cases(const Defect& defect, const Basis& basis) {
  const std::string& issuer = basis.context->issuer;
  if (issuer.empty()) return {};
  std::string changed = issuer.ends_with('/') ? issuer.substr(0, issuer.size() - 1) : issuer + "/";
  nlohmann::json claims = basis.claims;
  claims["iss"] = changed;
  std::string what = issuer.ends_with('/') ? "iss without its trailing slash: " : "iss with a trailing slash added: ";
  return one(make_case(defect, "iss-slash", what + changed, resign(basis, claims)));
}

CaseList wrong_aud_cases(const Defect& defect, const Basis& basis) {
  return with_claims(defect, basis, "aud https://attacker.example/api",
                     [](nlohmann::json& c, const CaseContext&) { c["aud"] = "https://attacker.example/api"; });
}

CaseList no_aud_cases(const Defect& defect, const Basis& basis) {
  return with_claims(defect, basis, "no aud claim", [](nlohmann::json& c, const CaseContext&) { c.erase("aud"); });
}

CaseList missing_scope_cases(const Defect& defect, const Basis& basis) {
  const auto& scopes = basis.context->scopes;
  if (scopes.empty()) return {};  // the route needs no scope: nothing can be missing
  // Every needed scope but the last, so a server that checks only some of them is caught too.
  nlohmann::json claims = basis.claims;
  std::string kept;
  for (std::size_t i = 0; i + 1 < scopes.size(); ++i) kept += (kept.empty() ? "" : " ") + scopes[i];
  if (kept.empty()) {
    claims.erase("scope");
  } else {
    claims["scope"] = kept;
  }
  claims.erase("scp");
  claims.erase("permissions");
  return one(make_case(defect, "missing-scope", "a good token without scope " + scopes.back(), resign(basis, claims)));
}

CaseList bad_signature_cases(const Defect& defect, const Basis& basis) {
  auto signature = jose::base64url_decode(signature_segment(basis.good_token));
  if (!signature || signature->empty()) return {};
  (*signature)[signature->size() / 2] ^= 0x01;  // one bit of one byte, mid-signature
  std::string token = signing_input(basis.good_token) + "." + jose::base64url_encode(*signature);
  return one(make_case(defect, "bad-signature", "the good token with one signature byte changed", token));
}

CaseList empty_signature_cases(const Defect& defect, const Basis& basis) {
  return one(make_case(defect, "empty-signature", "the good token with its signature segment empty",
                       signing_input(basis.good_token) + "."));
}

CaseList wrong_key_cases(const Defect& defect, const Basis& basis) {
  if (!basis.alg) return {};
  const jose::Jwk& attacker = attacker_key(*basis.alg);
  std::string token = sign_segments(with_kid(basis.header, basis, true), basis.payload_segment, attacker);
  return one(make_case(defect, "wrong-key", "the good claims signed by an untrusted " +
                                                std::string(jose::alg_name(*basis.alg)) + " key under the trusted kid",
                       token));
}

CaseList unknown_kid_cases(const Defect& defect, const Basis& basis) {
  nlohmann::json header = basis.header;
  header["kid"] = "swapi-unknown-kid";
  std::string token = sign_segments(header, basis.payload_segment, *basis.signer);
  return one(make_case(defect, "unknown-kid", "signed by the trusted key, but with kid \"swapi-unknown-kid\"", token));
}

CaseList malformed_cases(const Defect& defect, const Basis& basis) {
  std::string header_segment = encode_json(basis.header);
  std::string signature = basis.good_token.empty() ? "" : signature_segment(basis.good_token);
  CaseList list;
  list.push_back(make_case(defect, "malformed-two-segments", "header and payload only, no signature segment",
                           header_segment + "." + basis.payload_segment));
  list.push_back(make_case(defect, "malformed-header-not-json", "a header segment that is not JSON",
                           jose::base64url_encode("not json") + "." + basis.payload_segment + "." + signature));
  // Signed when we can: a server that verifies first and parses loosely must still refuse it.
  std::string not_json = jose::base64url_encode("not json");
  std::string payload_token = basis.signer ? sign_segments(basis.header, not_json, *basis.signer)
                                           : header_segment + "." + not_json + "." + signature;
  list.push_back(make_case(defect, "malformed-payload-not-json", "a payload that is not JSON", payload_token));
  return list;
}

CaseList padded_base64_cases(const Defect& defect, const Basis& basis) {
  // A header whose length is not a multiple of 3 needs padding (JSON allows the space), so at
  // least one segment carries '='; the signature covers the padded text as sent, so a server
  // that strips padding before decoding but verifies the bytes it received accepts it.
  std::string header_text = basis.header.dump();
  if (header_text.size() % 3 == 0) header_text.insert(1, " ");
  std::string input = padded(jose::base64url_encode(header_text)) + "." +
                      padded(jose::base64url_encode(basis.claims.dump()));
  std::string signature = jose::sign_bytes(*basis.alg, *basis.signer, input);
  return one(make_case(defect, "padded-base64", "the good token with '=' padding in its segments",
                       input + "." + padded(jose::base64url_encode(signature))));
}

CaseList duplicate_claims_cases(const Defect& defect, const Basis& basis) {
  // Both exp values lie ahead, so a parser that keeps either one accepts the token: only a
  // parser that refuses duplicates (RFC 7519 §4) is right.
  nlohmann::json claims = basis.claims;
  claims.erase("exp");
  std::string text = claims.dump();
  std::int64_t exp = basis.context->now + basis.context->ttl;
  text.insert(text.size() - 1, (claims.empty() ? "" : ",") + std::string("\"exp\":") + std::to_string(exp) +
                                   ",\"exp\":" + std::to_string(exp + 60));
  return one(make_case(defect, "duplicate-claims", "a payload with exp twice", resign_text(basis, text)));
}

CaseList oversize_cases(const Defect& defect, const Basis& basis) {
  nlohmann::json claims = basis.claims;
  claims["padding"] = std::string(12400, 'x');  // 12,400 bytes of JSON are 16.5 KiB of base64url
  std::string token = resign(basis, claims);
  return one(make_case(defect, "oversize",
                       "a good token padded to " + std::to_string(token.size()) + " bytes with a filler claim", token));
}

}  // namespace swapi::testkit::detail
