#pragma once
// The attacker's tools for the defect catalogue: keys nobody trusts, the byte forms a public
// key takes when a confused verifier uses it as an HMAC secret, self-signed certificates for
// x5c/x5u, and HMAC with any secret (jose::sign_bytes refuses weak secrets, as it should; an
// attack needs the empty one). None of this is ever used to verify anything.
#include <string>
#include <string_view>

#include "jose/alg.h"
#include "jose/jwk.h"

namespace swapi::testkit {

// A private key for alg that no target trusts, generated once per process (RSA generation is
// slow) and shared by every case that needs one. Thread-safe. For HS* a random secret.
const jose::Jwk& attacker_key(jose::Alg alg);

// The forms in which libraries have been fooled into using a public key as an HMAC secret
// (CVE-2016-10555 and its relatives): the key's PEM as a server would load it from disk,
// with and without the final newline, PKCS#1 for RSA, the DER bytes, the JWK text.
enum class PublicKeyForm { spki_pem, spki_pem_no_newline, pkcs1_pem, pkcs1_pem_no_newline, der, jwk };
// The bytes of `key`'s public half in `form`. Throws jose::Error(invalid_key) for PKCS#1 of a
// non-RSA key (callers skip that form) or an oct key.
std::string public_key_bytes(const jose::Jwk& key, PublicKeyForm form);
// "spki-pem", "spki-pem-nonl", "pkcs1-pem", "pkcs1-pem-nonl", "der", "jwk" (case-name parts).
std::string_view form_name(PublicKeyForm form);

// HMAC-SHA-256/384/512 (by alg) of input under any secret, empty included.
std::string hmac_any(jose::Alg alg, std::string_view secret, std::string_view input);

// A self-signed X.509 certificate (CN "swapi attacker", valid from an hour ago for a day) for
// `key`, which signs it. DER bytes; pem_certificate gives the PEM text.
std::string self_signed_certificate_der(const jose::Jwk& key);
std::string pem_certificate(std::string_view der);

// RFC 4648 §4 base64 with padding: what x5c holds (RFC 7515 §4.1.6), unlike base64url.
std::string base64_standard(std::string_view bytes);

}  // namespace swapi::testkit
