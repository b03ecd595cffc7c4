// JWS compact serialization (RFC 7515 §7.1) and the verification order of jws.h.
#include "jose/jws.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "base/ascii.h"
#include "jose/base64url.h"
#include "jose/key_policy.h"
#include "jose/strict_json.h"
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include "jose/ecdsa_signature.h"
#include "jose/key_material.h"
#include "jose/openssl_util.h"

namespace swapi::jose {
namespace {

using nlohmann::json;

[[noreturn]] void malformed(std::string why) { throw Error(Errc::malformed, std::move(why)); }

std::string decode_segment(std::string_view segment, const char* name) {
  std::optional<std::string> bytes = base64url_decode(segment);
  if (!bytes) malformed(std::string(name) + " segment is not strict base64url");
  return std::move(*bytes);
}

std::string alg_list(std::span<const Alg> algs) {
  std::string text;
  for (Alg alg : algs) {
    if (!text.empty()) text += ", ";
    text += alg_name(alg);
  }
  return text.empty() ? "none configured" : text;
}

Alg allowed_alg(const json& header, std::span<const Alg> allowed) {
  const std::string& name = header["alg"].get_ref<const std::string&>();
  // RFC 8725 §3.1: an unsecured token is never accepted, whatever the spelling.
  if (base::iequals(name, "none")) {
    throw Error(Errc::alg_not_allowed,
                "alg \"" + name + "\" (an unsigned token) is never accepted");
  }
  std::optional<Alg> alg = parse_alg(name);
  if (!alg) throw Error(Errc::alg_not_allowed, "alg \"" + name + "\" is not a JWS algorithm swapi knows");
  if (std::find(allowed.begin(), allowed.end(), *alg) == allowed.end()) {
    throw Error(Errc::alg_not_allowed,
                "alg " + name + " is not allowed (allowed: " + alg_list(allowed) + ")");
  }
  return *alg;
}

std::string quote_kid(std::string_view kid) { return "\"" + std::string(kid) + "\""; }

const Jwk& choose_key(const json& header, Alg alg, std::span<const Jwk> keys) {
  std::string name(alg_name(alg));
  auto kid_member = header.find("kid");
  if (kid_member != header.end()) {
    if (!kid_member->is_string()) malformed("header member \"kid\" is not a string");
    const std::string& kid = kid_member->get_ref<const std::string&>();
    const Jwk* chosen = nullptr;
    std::optional<KeyUnfit> first_unfit;
    std::size_t named = 0, fitting = 0;
    for (const Jwk& key : keys) {
      if (key.kid.empty() || key.kid != kid) continue;  // kid "" names no key, not kid-less ones
      ++named;
      if (auto unfit = key_unfit_for(key, alg)) {
        if (!first_unfit) first_unfit = std::move(unfit);
        continue;
      }
      ++fitting;
      chosen = &key;
    }
    if (named == 0) throw Error(Errc::unknown_kid, "kid " + quote_kid(kid) + " names no trusted key");
    if (fitting == 0) {
      // key_mismatch, or weak_key when the named key is of the right kind but too weak.
      throw Error(first_unfit->code, "key " + quote_kid(kid) + " cannot verify " + name + ": " +
                                         first_unfit->reason);
    }
    if (fitting > 1) {
      throw Error(Errc::no_matching_key,
                  std::to_string(fitting) + " trusted keys with kid " + quote_kid(kid) + " fit " + name);
    }
    return *chosen;
  }

  const Jwk* chosen = nullptr;
  std::size_t fitting = 0;
  std::string unfit_reasons;
  for (const Jwk& key : keys) {
    if (auto unfit = key_unfit_for(key, alg)) {
      // Worth telling when the only candidate was refused as weak or restricted.
      if (unfit->code == Errc::weak_key) unfit_reasons += "; " + unfit->reason;
      continue;
    }
    ++fitting;
    chosen = &key;
  }
  if (fitting == 1) return *chosen;
  if (fitting == 0) {
    throw Error(Errc::no_matching_key,
                "token has no kid and no trusted key fits " + name + unfit_reasons);
  }
  throw Error(Errc::no_matching_key, "token has no kid and " + std::to_string(fitting) +
                                         " trusted keys fit " + name + ": a kid is needed");
}

}  // namespace

std::string sign_compact(const json& header, std::string_view payload, const Jwk& key) {
  auto alg_member = header.find("alg");
  if (!header.is_object() || alg_member == header.end() || !alg_member->is_string()) {
    throw Error(Errc::malformed, "header must be an object with a string \"alg\"");
  }
  std::optional<Alg> alg = parse_alg(alg_member->get_ref<const std::string&>());
  if (!alg) {
    throw Error(Errc::alg_not_allowed,
                "alg \"" + alg_member->get<std::string>() + "\" is not a JWS algorithm swapi knows");
  }
  std::string header_text;
  try {
    header_text = header.dump();
  } catch (const nlohmann::json::type_error& error) {  // e.g. a string that is not UTF-8
    throw Error(Errc::malformed, std::string("header cannot be serialized: ") + error.what());
  }
  std::string token = base64url_encode(header_text) + "." + base64url_encode(payload);
  std::string signature = sign_bytes(*alg, key, token);
  token += ".";
  token += base64url_encode(signature);
  return token;
}

CompactJws parse_compact(std::string_view token) {
  std::size_t segments = static_cast<std::size_t>(std::count(token.begin(), token.end(), '.')) + 1;
  if (segments == 5) {
    malformed("token has 5 segments: it is a JWE (encrypted token), which is not accepted; a "
              "signed JWS has 3");
  }
  if (segments != 3) {
    malformed("a compact JWS has 3 segments separated by '.', this token has " +
              std::to_string(segments));
  }
  std::size_t first_dot = token.find('.');
  std::size_t second_dot = token.find('.', first_dot + 1);
  std::string_view header_segment = token.substr(0, first_dot);
  std::string_view payload_segment = token.substr(first_dot + 1, second_dot - first_dot - 1);
  std::string_view signature_segment = token.substr(second_dot + 1);

  CompactJws jws;
  jws.header = parse_strict_object(decode_segment(header_segment, "header"), "header");
  auto alg = jws.header.find("alg");
  if (alg == jws.header.end() || !alg->is_string()) {
    malformed("header has no string \"alg\" member");
  }
  // RFC 7515 allows an empty payload (Wycheproof's emptyPayload cases are valid JWS). A JWT
  // needs a claims object, so the claims parser refuses it; a detached-content JWS (RFC 7515
  // Appendix F) is verified over the empty payload and so fails its signature.
  jws.payload = decode_segment(payload_segment, "payload");
  jws.signature = decode_segment(signature_segment, "signature");
  jws.signing_input = token.substr(0, second_dot);
  return jws;
}

VerifiedJws verify_compact(std::string_view token, std::span<const Jwk> keys,
                           std::span<const Alg> allowed) {
  CompactJws jws = parse_compact(token);
  Alg alg = allowed_alg(jws.header, allowed);
  // RFC 7515 §4.1.11: extensions we do not understand must make the token invalid, and we
  // understand none. jku/x5u/jwk/x5c are simply never read (RFC 8725 §3.10).
  if (jws.header.contains("crit")) {
    throw Error(Errc::crit_unsupported, "header has \"crit\"; swapi supports no JWS extensions");
  }
  const Jwk& key = choose_key(jws.header, alg, keys);
  if (!verify_bytes(alg, key, jws.signing_input, jws.signature)) {
    std::string who = key.kid.empty() ? "the trusted key" : "key " + quote_kid(key.kid);
    throw Error(Errc::bad_signature,
                "the " + std::string(alg_name(alg)) + " signature does not verify with " + who);
  }
  return VerifiedJws{std::move(jws.header), std::move(jws.payload), alg, &key};
}


// The signature primitives of JWS (RFC 7518 §3, RFC 8037 §3.1), all through EVP_DigestSign /
// EVP_DigestVerify except HMAC, whose tag is compared in constant time.
namespace {

using detail::MdCtxPtr;

bool is_rsa_pss(Alg alg) { return alg == Alg::PS256 || alg == Alg::PS384 || alg == Alg::PS512; }
bool is_ecdsa(Alg alg) { return !alg_curve(alg).empty(); }

void require_fit(const Jwk& key, Alg alg, bool for_signing) {
  if (auto unfit = key_unfit_for(key, alg, for_signing)) {
    throw Error(unfit->code, std::move(unfit->reason));
  }
}

std::string hmac_tag(Alg alg, std::string_view secret, std::string_view input) {
  unsigned char tag[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(detail::alg_digest(alg), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), tag,
           &length) == nullptr) {
    detail::throw_openssl(Errc::crypto_error, "HMAC failed");
  }
  return std::string(reinterpret_cast<const char*>(tag), length);
}

// RFC 7518 §3.5: PSS with MGF1 over the same hash and a salt as long as the hash. On verify,
// RSA_PSS_SALTLEN_DIGEST makes OpenSSL insist on exactly that salt length.
void configure_padding(Alg alg, EVP_PKEY_CTX* context) {
  if (!is_rsa_pss(alg)) return;
  if (EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(context, detail::alg_digest(alg)) != 1) {
    detail::throw_openssl(Errc::crypto_error, "cannot set RSA-PSS parameters");
  }
}

}  // namespace

std::string sign_bytes(Alg alg, const Jwk& key, std::string_view signing_input) {
  require_fit(key, alg, true);
  if (is_hmac(alg)) return hmac_tag(alg, key.secret, signing_input);

  MdCtxPtr context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  if (!context || EVP_DigestSignInit(context.get(), &key_context, detail::alg_digest(alg), nullptr,
                                     key.pkey.get()) != 1) {
    detail::throw_openssl(Errc::crypto_error, "cannot start signing");
  }
  configure_padding(alg, key_context);
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  std::size_t length = 0;
  if (EVP_DigestSign(context.get(), nullptr, &length, data, signing_input.size()) != 1) {
    detail::throw_openssl(Errc::crypto_error, "cannot size the signature");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     data, signing_input.size()) != 1) {
    detail::throw_openssl(Errc::crypto_error, "signing failed");
  }
  signature.resize(length);
  if (is_ecdsa(alg)) {
    return detail::ecdsa_der_to_raw(signature, detail::curve_field_bytes(key.curve));
  }
  return signature;
}

Signer::Signer(Alg alg, const Jwk& key) : alg_(alg), key_(&key) {
  require_fit(key, alg, true);
  if (is_hmac(alg) || alg == Alg::EdDSA) return;  // no prehash step to split off
  prepared_ = EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr);
  bool ok = prepared_ && EVP_PKEY_sign_init(prepared_) == 1 &&
            EVP_PKEY_CTX_set_signature_md(prepared_, detail::alg_digest(alg)) == 1;
  if (!ok) {
    EVP_PKEY_CTX_free(prepared_);
    prepared_ = nullptr;
    detail::throw_openssl(Errc::crypto_error, "cannot prepare signing");
  }
  // RSA: PKCS#1 v1.5 (the default padding, DigestInfo from the signature md) or PSS as above.
  configure_padding(alg, prepared_);
}

Signer::~Signer() { EVP_PKEY_CTX_free(prepared_); }

Signer::Signer(Signer&& other) noexcept : alg_(other.alg_), key_(other.key_), prepared_(other.prepared_) {
  other.prepared_ = nullptr;
}

std::string Signer::sign(std::string_view signing_input) {
  if (!prepared_) return sign_bytes(alg_, *key_, signing_input);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_Digest(signing_input.data(), signing_input.size(), digest, &digest_length, detail::alg_digest(alg_),
                 nullptr) != 1)
    detail::throw_openssl(Errc::crypto_error, "cannot hash the signing input");
  std::size_t length = 0;
  if (EVP_PKEY_sign(prepared_, nullptr, &length, digest, digest_length) != 1)
    detail::throw_openssl(Errc::crypto_error, "cannot size the signature");
  std::string signature(length, '\0');
  if (EVP_PKEY_sign(prepared_, reinterpret_cast<unsigned char*>(signature.data()), &length, digest, digest_length) != 1)
    detail::throw_openssl(Errc::crypto_error, "signing failed");
  signature.resize(length);
  if (is_ecdsa(alg_)) return detail::ecdsa_der_to_raw(signature, detail::curve_field_bytes(key_->curve));
  return signature;
}

bool verify_bytes(Alg alg, const Jwk& key, std::string_view signing_input,
                  std::string_view signature) {
  require_fit(key, alg, false);
  if (is_hmac(alg)) {
    // The tag must be the full hash output: a truncated tag is never an HS* signature.
    return detail::equal_constant_time(hmac_tag(alg, key.secret, signing_input), signature);
  }

  std::string der;
  std::string_view presented = signature;
  if (is_ecdsa(alg)) {
    std::optional<std::string> converted = detail::ecdsa_raw_to_der(signature, key.curve);
    if (!converted) return false;
    der = std::move(*converted);
    presented = der;
  } else if (alg != Alg::EdDSA &&
             signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey.get()))) {
    return false;  // RSA signatures are exactly the modulus length (RFC 8017 §8.1.2 step 1)
  }

  MdCtxPtr context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  if (!context || EVP_DigestVerifyInit(context.get(), &key_context, detail::alg_digest(alg),
                                       nullptr, key.pkey.get()) != 1) {
    detail::throw_openssl(Errc::crypto_error, "cannot start verifying");
  }
  configure_padding(alg, key_context);
  int verdict = EVP_DigestVerify(
      context.get(), reinterpret_cast<const unsigned char*>(presented.data()), presented.size(),
      reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  // A bad signature leaves reasons on the queue; they are not news, only clutter.
  detail::drain_openssl_errors();
  return verdict == 1;
}

}  // namespace swapi::jose
