#pragma once
// Key generation and PEM import/export.
#include <string>
#include <string_view>

#include "jose/alg.h"
#include "jose/jwk.h"

namespace swapi::jose {

// A fresh private key for `alg`: RSA of rsa_bits (2048/3072/4096) for RS*/PS*, the alg's curve
// for ES*, Ed25519 for EdDSA, a random secret of the hash size for HS*. The JWK gets alg=alg,
// use="sig" and kid = its RFC 7638 thumbprint. Throws Error(invalid_key) for a bad rsa_bits.
Jwk generate_key(Alg alg, int rsa_bits = 2048);

// Loads a PEM key: PKCS#8 private, SubjectPublicKeyInfo public, traditional "RSA PRIVATE KEY",
// "RSA PUBLIC KEY" and "EC PRIVATE KEY". Supported: RSA, EC P-256/384/521, Ed25519. The JWK
// has no kid or alg set. Throws Error(invalid_key) with OpenSSL's reason.
Jwk import_pem(std::string_view pem);

// PKCS#8 ("PRIVATE KEY") when include_private, else SPKI ("PUBLIC KEY"). Throws
// Error(invalid_key) for oct keys (a secret has no PEM form) or a missing private half.
std::string export_pem(const Jwk& key, bool include_private);

}  // namespace swapi::jose
