#pragma once
// One error type for the token core. Each failed rule has a stable machine code (what the
// server puts in error_description and the CLI prints); the detail is a human sentence.
#include <exception>
#include <string>
#include <string_view>

namespace swapi::jose {

enum class Errc {
  malformed,           // token structure: segments, base64url, JSON, duplicate members, types
  token_too_large,     // over the configured size limit
  alg_not_allowed,     // "none" in any spelling, unknown alg, or not in the allow-list
  crit_unsupported,    // a "crit" header is present (we understand no extensions)
  unknown_kid,         // kid names no key in the trusted set
  no_matching_key,     // no kid and zero or several trusted keys fit the alg
  key_mismatch,        // the key chosen by kid cannot be used with this alg (type, curve, alg, use)
  weak_key,            // RSA under 2048 bits, HMAC secret shorter than the hash, e < 65537...
  bad_signature,       // the signature does not verify
  missing_exp,         // exp absent while required
  expired,             // exp + leeway <= now
  not_yet_valid,       // nbf - leeway > now
  issued_in_future,    // iat - leeway > now
  wrong_iss,           // iss missing or not exactly the expected issuer
  wrong_aud,           // aud missing or not containing an expected audience
  wrong_typ,           // typ header not one of the required values
  insufficient_scope,  // valid token, scopes missing (403, not 401)
  invalid_key,         // a JWK / PEM that cannot be loaded
  crypto_error,        // OpenSSL failed for a reason that is not the input's fault
};

// The stable machine code, e.g. "bad_signature".
std::string_view code_name(Errc code) noexcept;

class Error : public std::exception {
 public:
  Error(Errc code, std::string detail);
  Errc code() const noexcept { return code_; }
  // The human sentence, e.g. "token expired at 2026-11-28T12:00:00Z".
  const std::string& detail() const noexcept { return detail_; }
  const char* what() const noexcept override { return detail_.c_str(); }

 private:
  Errc code_;
  std::string detail_;
};

}  // namespace swapi::jose
