#include "jose/error.h"

#include <utility>

namespace swapi::jose {

std::string_view code_name(Errc code) noexcept {
  switch (code) {
    case Errc::malformed: return "malformed";
    case Errc::token_too_large: return "token_too_large";
    case Errc::alg_not_allowed: return "alg_not_allowed";
    case Errc::crit_unsupported: return "crit_unsupported";
    case Errc::unknown_kid: return "unknown_kid";
    case Errc::no_matching_key: return "no_matching_key";
    case Errc::key_mismatch: return "key_mismatch";
    case Errc::weak_key: return "weak_key";
    case Errc::bad_signature: return "bad_signature";
    case Errc::missing_exp: return "missing_exp";
    case Errc::expired: return "expired";
    case Errc::not_yet_valid: return "not_yet_valid";
    case Errc::issued_in_future: return "issued_in_future";
    case Errc::wrong_iss: return "wrong_iss";
    case Errc::wrong_aud: return "wrong_aud";
    case Errc::wrong_typ: return "wrong_typ";
    case Errc::insufficient_scope: return "insufficient_scope";
    case Errc::invalid_key: return "invalid_key";
    case Errc::crypto_error: return "crypto_error";
  }
  return "unknown";
}

Error::Error(Errc code, std::string detail) : code_(code), detail_(std::move(detail)) {}

}  // namespace swapi::jose
