// The catalogue table (DESIGN.md "Defective tokens") and the basis every case starts from.
#include "testkit/defect_catalogue.h"

#include <algorithm>
#include <array>

#include "base/closest_match.h"
#include "jose/base64url.h"
#include "jose/error.h"
#include "jose/jws.h"
#include "jose/key_policy.h"
#include "jose/strict_json.h"
#include "testkit/case_builder.h"
#include "testkit/mint.h"

namespace swapi::testkit {

namespace {

using namespace detail;
using Builder = CaseList (*)(const Defect&, const Basis&);

struct Entry {
  Defect defect;
  Builder build;
};

// In the order `token defects` lists them and `check` runs them: the baseline first, then
// transport, claims, signatures, header attacks, syntax.
const std::vector<Entry>& entries() {
  static const std::vector<Entry> table = {
      {{"valid", "a good token with the requested scopes", {200}, true, true}, valid_cases},
      {{"lowercase-bearer", "the good token sent as 'bearer <t>' (RFC 7235: the scheme is case-insensitive)", {200},
        true, true}, lowercase_bearer_cases},
      {{"no-token", "no Authorization header", {401}, false, true}, no_token_cases},
      {{"wrong-scheme", "the good token under Basic or Token instead of Bearer", {401}, true, true},
       wrong_scheme_cases},
      {{"two-authorization-headers", "the good token twice, in two Authorization headers", {400, 401}, true, true},
       two_headers_cases},
      {{"query-token", "the good token only in ?access_token=", {400, 401}, true, true}, query_token_cases},
      {{"expired", "exp one hour ago", {401}, true, false}, expired_cases},
      {{"not-yet-valid", "nbf in one hour", {401}, true, false}, not_yet_valid_cases},
      {{"issued-in-future", "iat in one hour", {401}, true, false}, issued_in_future_cases},
      {{"no-exp", "no exp claim", {401}, true, false}, no_exp_cases},
      {{"wrong-iss", "another issuer", {401}, true, false}, wrong_iss_cases},
      {{"iss-slash", "the issuer with its trailing slash added or removed", {401}, true, false}, iss_slash_cases},
      {{"wrong-aud", "another audience", {401}, true, false}, wrong_aud_cases},
      {{"no-aud", "no aud claim", {401}, true, false}, no_aud_cases},
      {{"missing-scope", "valid, but without the scope the route needs", {403}, true, false}, missing_scope_cases},
      {{"bad-signature", "one signature byte changed", {401}, true, true}, bad_signature_cases},
      {{"empty-signature", "the signature segment empty", {401}, true, true}, empty_signature_cases},
      {{"wrong-key", "signed by a key outside the set, under the trusted kid", {401}, false, true}, wrong_key_cases},
      {{"unknown-kid", "signed by the trusted key under a kid the set does not have", {401}, true, false},
       unknown_kid_cases},
      {{"alg-none", "alg none, None, NONE and nOnE with an empty signature (one case each)", {401}, false, true},
       alg_none_cases},
      {{"hs256-with-public-key",
        "HS256 keyed with the trusted public key: SPKI and PKCS#1 PEM, each with and without the final newline, "
        "DER, the JWK text (one case each)",
        {401}, false, true}, hs256_public_key_cases},
      {{"embedded-jwk", "signed by an attacker key carried in the jwk header", {401}, false, true},
       embedded_jwk_cases},
      {{"jku", "signed by an attacker key whose JWKS the canary serves at the URL in jku (must never be fetched)",
        {401}, false, true}, jku_cases},
      {{"x5u", "signed by an attacker key whose certificate the canary serves at the URL in x5u (must never be "
        "fetched)", {401}, false, true}, x5u_cases},
      {{"x5c", "signed by an attacker key with its self-signed certificate in x5c", {401}, false, true}, x5c_cases},
      // crit needs the trusted private key although DESIGN.md's kid-variant paragraph lists it
      // among the attacks that need none: the case asks whether a server refuses a token that
      // is valid in every other respect for its crit header, and only the trusted key makes
      // such a token. Without it the header change breaks the signature, every server refuses
      // the token for that, and a server that ignores crit would pass: a case that cannot fail.
      // So black-box mode leaves it out, and it is sent with and without the kid like the rest.
      {{"crit", "signed by the trusted key, with crit [\"exp\"] or an unknown extension", {401}, true, false},
       crit_cases},
      {{"kid-path-traversal", "kid ../../../../../../dev/null, HS256 with an empty key", {401}, false, true},
       kid_path_traversal_cases},
      {{"psychic-signature", "ES256 with r = s = 0 (CVE-2022-21449), when an EC key is trusted", {401}, false, true},
       psychic_signature_cases},
      {{"malformed", "two segments, or a header or payload that is not JSON", {401}, false, true}, malformed_cases},
      {{"padded-base64", "the good token's segments with '=' padding, signed as sent", {401}, true, false},
       padded_base64_cases},
      {{"duplicate-claims", "a signed payload with exp twice", {401}, true, false}, duplicate_claims_cases},
      {{"oversize", "a signed token over 16 KiB", {400, 401, 413, 431}, true, false}, oversize_cases},
  };
  return table;
}

const std::vector<Defect>& defects() {
  static const std::vector<Defect> list = [] {
    std::vector<Defect> result;
    for (const auto& entry : entries()) result.push_back(entry.defect);
    return result;
  }();
  return list;
}

// The trusted public key a foreign token names (by kid), else the first asymmetric one.
std::optional<jose::Jwk> trusted_for(const CaseContext& context, std::string_view kid) {
  const jose::Jwk* first = nullptr;
  for (const auto& key : context.trusted_public_keys) {
    if (key.type == jose::KeyType::oct || !key.pkey) continue;
    if (!kid.empty() && key.kid == kid) return jose::public_part(key);
    if (!first) first = &key;
  }
  if (first) return jose::public_part(*first);
  return std::nullopt;
}

}  // namespace

namespace detail {

Basis make_basis(const CaseContext& context) {
  Basis basis;
  basis.context = &context;
  if (context.foreign_token) {
    basis.black_box = true;
    const std::string& token = *context.foreign_token;
    jose::CompactJws jws;
    try {
      jws = jose::parse_compact(token);
    } catch (const jose::Error& error) {
      throw jose::Error(jose::Errc::malformed, "the token to mutate is not a JWS: " + error.detail());
    }
    basis.good_token = token;
    basis.header = jws.header;
    std::size_t first = token.find('.');
    basis.payload_segment = token.substr(first + 1, token.rfind('.') - first - 1);
    try {
      basis.claims = jose::parse_strict_object(jws.payload, "payload");
    } catch (const jose::Error&) {
      basis.claims = nlohmann::json::object();
    }
    if (auto kid = basis.header.find("kid"); kid != basis.header.end() && kid->is_string())
      basis.trusted_kid = kid->get<std::string>();
    basis.alg = jose::parse_alg(basis.header["alg"].get<std::string>());
    basis.trusted_public = trusted_for(context, basis.trusted_kid);
    return basis;
  }

  TokenSpec spec;
  spec.issuer = context.issuer;
  if (!context.audience.empty()) spec.audiences = {context.audience};
  spec.subject = context.subject;
  spec.scopes = context.scopes;
  spec.issued_at = context.now;
  spec.expires_at = context.now + context.ttl;
  spec.extra_claims = context.extra_claims;
  basis.claims = build_claims(spec, new_jti());
  basis.payload_segment = jose::base64url_encode(basis.claims.dump());

  if (context.signing_key && context.signing_key->is_private && context.signing_key->alg) {
    basis.signer = &*context.signing_key;
    basis.header = build_header(*basis.signer, context.extra_header);
    basis.alg = basis.signer->alg;
    basis.trusted_kid = basis.signer->kid;
    basis.good_token = sign_segments(basis.header, basis.payload_segment, *basis.signer);
    if (basis.signer->type != jose::KeyType::oct) basis.trusted_public = jose::public_part(*basis.signer);
  }
  if (!basis.trusted_public) basis.trusted_public = trusted_for(context, basis.trusted_kid);
  if (!basis.signer) {
    // No private key: the unsigned attacks still name the trusted key's kid and alg.
    basis.header = {{"typ", "JWT"}};
    if (basis.trusted_public) {
      basis.alg = jose::default_alg(*basis.trusted_public);
      basis.trusted_kid = basis.trusted_public->kid;
    }
    basis.header["alg"] = basis.alg ? std::string(jose::alg_name(*basis.alg)) : "RS256";
    if (!basis.trusted_kid.empty()) basis.header["kid"] = basis.trusted_kid;
    merge_members(basis.header, context.extra_header);
  }
  return basis;
}

}  // namespace detail

std::span<const Defect> defect_catalogue() { return defects(); }

const Defect* find_defect(std::string_view name) {
  for (const auto& defect : defects())
    if (defect.name == name) return &defect;
  return nullptr;
}

std::optional<std::string> suggest_defect(std::string_view name) {
  std::vector<std::string_view> names;
  for (const auto& defect : defects()) names.push_back(defect.name);
  return base::closest_match(name, names);
}

std::string statuses_text(std::span<const int> statuses) {
  std::string text;
  for (int status : statuses) text += (text.empty() ? "" : "|") + std::to_string(status);
  return text;
}

std::vector<AttackCase> cases_for(const Defect& defect, const CaseContext& context) {
  const auto& table = entries();
  auto entry = std::find_if(table.begin(), table.end(), [&](const Entry& e) { return e.defect.name == defect.name; });
  if (entry == table.end()) return {};
  Basis basis = make_basis(context);
  if (basis.black_box && !defect.black_box) return {};
  if (!basis.black_box && defect.needs_private_key && !basis.signer) return {};
  return entry->build(entry->defect, basis);
}

std::vector<AttackCase> all_cases(const CaseContext& context) {
  std::vector<AttackCase> cases;
  Basis basis = make_basis(context);
  for (const auto& entry : entries()) {
    if (basis.black_box && !entry.defect.black_box) continue;
    if (!basis.black_box && entry.defect.needs_private_key && !basis.signer) continue;
    auto more = entry.build(entry.defect, basis);
    for (auto& item : more) cases.push_back(std::move(item));
  }
  return cases;
}

}  // namespace swapi::testkit
