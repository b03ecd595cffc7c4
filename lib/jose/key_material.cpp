#include "jose/key_material.h"

#include <utility>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/x509.h>

#include "jose/openssl_util.h"

namespace swapi::jose::detail {
namespace {

using BnCtxPtr = std::unique_ptr<BN_CTX, OpenSslDeleter<BN_CTX_free>>;

[[noreturn]] void invalid(std::string why) { throw Error(Errc::invalid_key, std::move(why)); }

// OpenSSL's names for the JOSE curves (RFC 7518 §6.2.1.1).
const char* group_name_for(std::string_view curve) noexcept {
  if (curve == "P-256") return "prime256v1";
  if (curve == "P-384") return "secp384r1";
  if (curve == "P-521") return "secp521r1";
  return nullptr;
}

std::string curve_for_group(std::string_view group) {
  if (group == "prime256v1" || group == "P-256" || group == "secp256r1") return "P-256";
  if (group == "secp384r1" || group == "P-384") return "P-384";
  if (group == "secp521r1" || group == "P-521") return "P-521";
  return {};
}

// Builds a key from an OSSL_PARAM list. The BIGNUMs pushed into `builder` must stay alive until
// this returns (OSSL_PARAM_BLD copies them only in OSSL_PARAM_BLD_to_param).
PkeyPtr from_params(const char* type, int selection, OSSL_PARAM_BLD& builder,
                    std::string_view what) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(&builder));
  if (!params) throw_openssl(Errc::crypto_error, "cannot build key parameters");
  PkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!context || EVP_PKEY_fromdata_init(context.get()) != 1) {
    throw_openssl(Errc::crypto_error, "cannot create a key context");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &raw, selection, params.get()) != 1) {
    throw_openssl(Errc::invalid_key, std::string(what));
  }
  return adopt_pkey(raw);
}

class ParamBuilder {
 public:
  ParamBuilder() : builder_(OSSL_PARAM_BLD_new()) {
    if (!builder_) throw_openssl(Errc::crypto_error, "cannot allocate key parameters");
  }
  void push_number(const char* name, std::string_view bytes) {
    numbers_.emplace_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                    static_cast<int>(bytes.size()), nullptr));
    if (!numbers_.back() || OSSL_PARAM_BLD_push_BN(builder_.get(), name, numbers_.back().get()) != 1) {
      throw_openssl(Errc::crypto_error, "cannot push a key parameter");
    }
  }
  void push_text(const char* name, const char* text) {
    if (OSSL_PARAM_BLD_push_utf8_string(builder_.get(), name, text, 0) != 1) {
      throw_openssl(Errc::crypto_error, "cannot push a key parameter");
    }
  }
  void push_octets(const char* name, std::string_view bytes) {
    if (OSSL_PARAM_BLD_push_octet_string(builder_.get(), name, bytes.data(), bytes.size()) != 1) {
      throw_openssl(Errc::crypto_error, "cannot push a key parameter");
    }
  }
  OSSL_PARAM_BLD& get() { return *builder_; }

 private:
  ParamBldPtr builder_;
  std::vector<SecureBignumPtr> numbers_;
};

std::optional<std::string> get_number(EVP_PKEY& key, const char* name, int width = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(&key, name, &raw) != 1) {
    drain_openssl_errors();  // "not present" is an answer here, not a failure
    return std::nullopt;
  }
  SecureBignumPtr owned(raw);
  return bignum_to_bytes(*owned, width);
}

// RSA checks done with plain big-number arithmetic: OpenSSL's own RSA key validation applies
// SP 800-56B size rules that would refuse a 1024-bit key outright, and we want such a key to
// load and then be refused with Errc::weak_key by the policy instead.
void check_rsa_members(const RsaMembers& members) {
  BnCtxPtr context(BN_CTX_new());
  if (!context) throw_openssl(Errc::crypto_error, "cannot allocate a big-number context");
  BignumPtr n = bignum_from_bytes(members.n);
  BignumPtr e = bignum_from_bytes(members.e);
  if (!BN_is_odd(n.get()) || BN_num_bits(n.get()) < 256) {
    invalid("RSA modulus n is not an odd number of at least 256 bits");
  }
  if (!BN_is_odd(e.get()) || BN_is_one(e.get())) {
    invalid("RSA public exponent e must be odd and greater than 1");
  }
  if (BN_cmp(e.get(), n.get()) >= 0) invalid("RSA public exponent e is not smaller than n");
  if (!members.d) return;

  SecureBignumPtr d(BN_bin2bn(reinterpret_cast<const unsigned char*>(members.d->data()),
                              static_cast<int>(members.d->size()), nullptr));
  BignumPtr probe(BN_new()), round_trip(BN_new());
  if (!d || !probe || !round_trip || BN_set_word(probe.get(), 2) != 1) {
    throw_openssl(Errc::crypto_error, "cannot check the RSA private exponent");
  }
  if (!members.p) {
    // d must undo e: (2^e)^d = 2 (mod n).
    if (BN_mod_exp(round_trip.get(), probe.get(), e.get(), n.get(), context.get()) != 1 ||
        BN_mod_exp(round_trip.get(), round_trip.get(), d.get(), n.get(), context.get()) != 1) {
      throw_openssl(Errc::crypto_error, "cannot check the RSA private exponent");
    }
    if (BN_cmp(round_trip.get(), probe.get()) != 0) invalid("RSA private exponent d does not match n and e");
    return;
  }

  SecureBignumPtr p(BN_bin2bn(reinterpret_cast<const unsigned char*>(members.p->data()),
                              static_cast<int>(members.p->size()), nullptr));
  SecureBignumPtr q(BN_bin2bn(reinterpret_cast<const unsigned char*>(members.q->data()),
                              static_cast<int>(members.q->size()), nullptr));
  SecureBignumPtr dp(BN_bin2bn(reinterpret_cast<const unsigned char*>(members.dp->data()),
                               static_cast<int>(members.dp->size()), nullptr));
  SecureBignumPtr dq(BN_bin2bn(reinterpret_cast<const unsigned char*>(members.dq->data()),
                               static_cast<int>(members.dq->size()), nullptr));
  SecureBignumPtr qi(BN_bin2bn(reinterpret_cast<const unsigned char*>(members.qi->data()),
                               static_cast<int>(members.qi->size()), nullptr));
  SecureBignumPtr scratch(BN_new()), minus_one(BN_new());
  if (!p || !q || !dp || !dq || !qi || !scratch || !minus_one) {
    throw_openssl(Errc::crypto_error, "cannot check the RSA CRT members");
  }
  auto fail_unless = [](bool ok) {
    if (!ok) throw_openssl(Errc::crypto_error, "cannot check the RSA CRT members");
  };
  fail_unless(BN_mul(scratch.get(), p.get(), q.get(), context.get()) == 1);
  if (BN_cmp(scratch.get(), n.get()) != 0) invalid("RSA factors p and q do not multiply to n");
  // With the factors, (2^e)^d = 2 (mod n) is checked modulo p and q, which costs a quarter of
  // the 2048-bit exponentiation (that one was 30% of the instructions of a server start). For
  // a factor f with its exponent df: df = d mod (f-1), e*df = 1 (mod f-1) and 2^(f-1) = 1
  // (mod f) give 2^(e*d) = 2^(e*df) = 2 (mod f); both factors, and the CRT, give it mod n.
  auto check_factor = [&](const BIGNUM* factor, const BIGNUM* exponent, const char* mismatch) {
    fail_unless(BN_sub(minus_one.get(), factor, BN_value_one()) == 1 &&
                BN_mod(scratch.get(), d.get(), minus_one.get(), context.get()) == 1);
    if (BN_cmp(scratch.get(), exponent) != 0) invalid(mismatch);
    fail_unless(BN_mod_mul(scratch.get(), e.get(), exponent, minus_one.get(), context.get()) == 1 &&
                BN_mod_exp(round_trip.get(), probe.get(), minus_one.get(), factor, context.get()) == 1);
    if (!BN_is_one(scratch.get()) || !BN_is_one(round_trip.get())) invalid("RSA private exponent d does not match n and e");
  };
  check_factor(p.get(), dp.get(), "RSA CRT exponent dp is not d mod (p-1)");
  check_factor(q.get(), dq.get(), "RSA CRT exponent dq is not d mod (q-1)");
  fail_unless(BN_mod_mul(scratch.get(), qi.get(), q.get(), p.get(), context.get()) == 1);
  if (!BN_is_one(scratch.get())) invalid("RSA CRT coefficient qi is not the inverse of q mod p");
}

// The point must be on the curve and in the prime-order subgroup; a private scalar must be in
// [1, n-1] and match the point (invalid-curve attacks, RFC 7518 §6.2.1).
void check_ec_key(EVP_PKEY& key, bool is_private) {
  PkeyCtxPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, &key, nullptr));
  if (!context) throw_openssl(Errc::crypto_error, "cannot create a key context");
  if (EVP_PKEY_public_check(context.get()) != 1) {
    throw_openssl(Errc::invalid_key, "EC public key is not a valid point on its curve");
  }
  if (is_private && EVP_PKEY_check(context.get()) != 1) {
    throw_openssl(Errc::invalid_key, "EC private key d does not match the public point");
  }
}

}  // namespace

int curve_field_bytes(std::string_view curve) noexcept {
  if (curve == "P-256") return 32;
  if (curve == "P-384") return 48;
  if (curve == "P-521") return 66;
  return 0;
}

PkeyPtr build_rsa_key(const RsaMembers& members) {
  check_rsa_members(members);
  ParamBuilder builder;
  builder.push_number(OSSL_PKEY_PARAM_RSA_N, members.n);
  builder.push_number(OSSL_PKEY_PARAM_RSA_E, members.e);
  if (members.d) builder.push_number(OSSL_PKEY_PARAM_RSA_D, *members.d);
  if (members.p) {
    builder.push_number(OSSL_PKEY_PARAM_RSA_FACTOR1, *members.p);
    builder.push_number(OSSL_PKEY_PARAM_RSA_FACTOR2, *members.q);
    builder.push_number(OSSL_PKEY_PARAM_RSA_EXPONENT1, *members.dp);
    builder.push_number(OSSL_PKEY_PARAM_RSA_EXPONENT2, *members.dq);
    builder.push_number(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, *members.qi);
  }
  return from_params("RSA", members.d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, builder.get(),
                     "OpenSSL refused the RSA key");
}

PkeyPtr build_ec_key(const EcMembers& members) {
  const char* group = group_name_for(members.curve);
  if (group == nullptr) invalid("EC curve \"" + members.curve + "\" is not supported");
  ParamBuilder builder;
  builder.push_text(OSSL_PKEY_PARAM_GROUP_NAME, group);
  std::string point = "\x04" + members.x + members.y;  // SEC 1 uncompressed point
  builder.push_octets(OSSL_PKEY_PARAM_PUB_KEY, point);
  if (members.d) builder.push_number(OSSL_PKEY_PARAM_PRIV_KEY, *members.d);
  PkeyPtr key = from_params("EC", members.d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                            builder.get(), "EC public key is not a valid point on its curve");
  check_ec_key(*key, members.d.has_value());
  return key;
}

PkeyPtr build_ed25519_key(std::string_view x, const std::optional<std::string>& d) {
  const auto* public_bytes = reinterpret_cast<const unsigned char*>(x.data());
  if (!d) {
    PkeyPtr key = adopt_pkey(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_bytes, x.size()));
    if (!key) throw_openssl(Errc::invalid_key, "OpenSSL refused the Ed25519 public key");
    return key;
  }
  PkeyPtr key = adopt_pkey(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(d->data()), d->size()));
  if (!key) throw_openssl(Errc::invalid_key, "OpenSSL refused the Ed25519 private key");
  if (read_ed25519_public(*key) != x) {
    invalid("Ed25519 public key x does not match the private key d");
  }
  return key;
}

RsaMembers read_rsa_members(EVP_PKEY& key, bool include_private) {
  RsaMembers members;
  auto n = get_number(key, OSSL_PKEY_PARAM_RSA_N);
  auto e = get_number(key, OSSL_PKEY_PARAM_RSA_E);
  if (!n || !e) throw_openssl(Errc::invalid_key, "RSA key has no modulus or exponent");
  members.n = std::move(*n);
  members.e = std::move(*e);
  if (!include_private) return members;
  members.d = get_number(key, OSSL_PKEY_PARAM_RSA_D);
  if (!members.d) return members;
  members.p = get_number(key, OSSL_PKEY_PARAM_RSA_FACTOR1);
  members.q = get_number(key, OSSL_PKEY_PARAM_RSA_FACTOR2);
  members.dp = get_number(key, OSSL_PKEY_PARAM_RSA_EXPONENT1);
  members.dq = get_number(key, OSSL_PKEY_PARAM_RSA_EXPONENT2);
  members.qi = get_number(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
  if (!members.p || !members.q || !members.dp || !members.dq || !members.qi) {
    members.p = members.q = members.dp = members.dq = members.qi = std::nullopt;
  }
  return members;
}

EcMembers read_ec_members(EVP_PKEY& key, bool include_private) {
  char group[64] = {};
  std::size_t group_length = 0;
  if (EVP_PKEY_get_utf8_string_param(&key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &group_length) != 1) {
    throw_openssl(Errc::invalid_key, "EC key has no named curve (explicit parameters are refused)");
  }
  EcMembers members;
  members.curve = curve_for_group(std::string_view(group, group_length));
  if (members.curve.empty()) {
    invalid("EC curve \"" + std::string(group, group_length) +
            "\" is not supported (P-256, P-384, P-521)");
  }
  int width = curve_field_bytes(members.curve);
  auto x = get_number(key, OSSL_PKEY_PARAM_EC_PUB_X, width);
  auto y = get_number(key, OSSL_PKEY_PARAM_EC_PUB_Y, width);
  if (!x || !y) throw_openssl(Errc::invalid_key, "EC key has no public point");
  members.x = std::move(*x);
  members.y = std::move(*y);
  if (include_private) members.d = get_number(key, OSSL_PKEY_PARAM_PRIV_KEY, width);
  return members;
}

std::string read_ed25519_public(EVP_PKEY& key) {
  std::string bytes(32, '\0');
  std::size_t length = bytes.size();
  if (EVP_PKEY_get_raw_public_key(&key, reinterpret_cast<unsigned char*>(bytes.data()),
                                  &length) != 1 || length != 32) {
    throw_openssl(Errc::invalid_key, "Ed25519 key has no public key");
  }
  return bytes;
}

std::optional<std::string> read_ed25519_private(EVP_PKEY& key) {
  std::string bytes(32, '\0');
  std::size_t length = bytes.size();
  if (EVP_PKEY_get_raw_private_key(&key, reinterpret_cast<unsigned char*>(bytes.data()),
                                   &length) != 1 || length != 32) {
    drain_openssl_errors();  // a public key simply has none
    return std::nullopt;
  }
  return bytes;
}

Jwk jwk_from_pkey(PkeyPtr key) {
  if (!key) invalid("no key");
  Jwk jwk;
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    RsaMembers members = read_rsa_members(*key, true);
    check_rsa_members(members);
    jwk.type = KeyType::rsa;
    jwk.is_private = members.d.has_value();
  } else if (EVP_PKEY_is_a(key.get(), "EC")) {
    EcMembers members = read_ec_members(*key, true);
    jwk.type = KeyType::ec;
    jwk.curve = members.curve;
    jwk.is_private = members.d.has_value();
    check_ec_key(*key, jwk.is_private);
  } else if (EVP_PKEY_is_a(key.get(), "ED25519")) {
    jwk.type = KeyType::okp;
    jwk.curve = "Ed25519";
    jwk.is_private = read_ed25519_private(*key).has_value();
  } else {
    const char* name = EVP_PKEY_get0_type_name(key.get());
    invalid(std::string("key type ") + (name != nullptr ? name : "?") +
            " is not supported (RSA, EC P-256/P-384/P-521, Ed25519)");
  }
  jwk.pkey = std::move(key);
  return jwk;
}

PkeyPtr public_pkey(EVP_PKEY& key) {
  // A DER SubjectPublicKeyInfo round trip keeps exactly the public half for every key type.
  unsigned char* der = nullptr;
  int length = i2d_PUBKEY(&key, &der);
  if (length <= 0) throw_openssl(Errc::crypto_error, "cannot encode the public key");
  const unsigned char* cursor = der;
  PkeyPtr copy = adopt_pkey(d2i_PUBKEY(nullptr, &cursor, length));
  OPENSSL_free(der);
  if (!copy) throw_openssl(Errc::crypto_error, "cannot decode the public key");
  return copy;
}

}  // namespace swapi::jose::detail
