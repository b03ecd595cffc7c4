#include "jose/ecdsa_signature.h"

#include <memory>

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "jose/key_material.h"
#include "jose/openssl_util.h"

namespace swapi::jose::detail {
namespace {

using GroupPtr = std::unique_ptr<EC_GROUP, OpenSslDeleter<EC_GROUP_free>>;

// The group order n of a JOSE curve; the groups are built once and shared read-only.
const BIGNUM* curve_order(std::string_view curve) {
  static const GroupPtr p256(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  static const GroupPtr p384(EC_GROUP_new_by_curve_name(NID_secp384r1));
  static const GroupPtr p521(EC_GROUP_new_by_curve_name(NID_secp521r1));
  const EC_GROUP* group = curve == "P-256"   ? p256.get()
                          : curve == "P-384" ? p384.get()
                          : curve == "P-521" ? p521.get()
                                             : nullptr;
  return group == nullptr ? nullptr : EC_GROUP_get0_order(group);
}

bool in_signature_range(const BIGNUM& value, const BIGNUM& order) {
  return !BN_is_zero(&value) && !BN_is_negative(&value) && BN_cmp(&value, &order) < 0;
}

}  // namespace

std::string ecdsa_der_to_raw(std::string_view der, int width) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!signature) throw_openssl(Errc::crypto_error, "OpenSSL produced an unreadable ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(signature.get(), &r, &s);
  return bignum_to_bytes(*r, width) + bignum_to_bytes(*s, width);
}

std::optional<std::string> ecdsa_raw_to_der(std::string_view raw, std::string_view curve) {
  std::size_t width = static_cast<std::size_t>(curve_field_bytes(curve));
  const BIGNUM* order = curve_order(curve);
  if (width == 0 || order == nullptr || raw.size() != 2 * width) return std::nullopt;
  BignumPtr r = bignum_from_bytes(raw.substr(0, width));
  BignumPtr s = bignum_from_bytes(raw.substr(width));
  if (!in_signature_range(*r, *order) || !in_signature_range(*s, *order)) return std::nullopt;

  EcdsaSigPtr signature(ECDSA_SIG_new());
  if (!signature || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) {
    throw_openssl(Errc::crypto_error, "cannot build an ECDSA signature");
  }
  r.release();  // owned by the signature now
  s.release();
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(signature.get(), &der);
  if (length <= 0) throw_openssl(Errc::crypto_error, "cannot encode an ECDSA signature");
  std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return bytes;
}

}  // namespace swapi::jose::detail
