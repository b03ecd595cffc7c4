// JWK serialization, public halves and RFC 7638 thumbprints.
#include <array>

#include <openssl/sha.h>

#include "jose/base64url.h"
#include "jose/digest.h"
#include "jose/jwk.h"
#include "jose/key_material.h"
#include "jose/openssl_util.h"

namespace swapi::jose {
namespace {

using nlohmann::json;

void require_material(const Jwk& key) {
  if (key.type != KeyType::oct && !key.pkey) {
    throw Error(Errc::invalid_key, "JWK has no key material");
  }
}

// The members that define the key (RFC 7638 §3.2), base64url-encoded.
json key_members(const Jwk& key, bool include_private) {
  require_material(key);
  json members = json::object();
  switch (key.type) {
    case KeyType::rsa: {
      detail::RsaMembers rsa = detail::read_rsa_members(*key.pkey, include_private);
      members["kty"] = "RSA";
      members["n"] = base64url_encode(rsa.n);
      members["e"] = base64url_encode(rsa.e);
      if (rsa.d) members["d"] = base64url_encode(*rsa.d);
      if (rsa.p) {
        members["p"] = base64url_encode(*rsa.p);
        members["q"] = base64url_encode(*rsa.q);
        members["dp"] = base64url_encode(*rsa.dp);
        members["dq"] = base64url_encode(*rsa.dq);
        members["qi"] = base64url_encode(*rsa.qi);
      }
      break;
    }
    case KeyType::ec: {
      detail::EcMembers ec = detail::read_ec_members(*key.pkey, include_private);
      members["kty"] = "EC";
      members["crv"] = ec.curve;
      members["x"] = base64url_encode(ec.x);
      members["y"] = base64url_encode(ec.y);
      if (ec.d) members["d"] = base64url_encode(*ec.d);
      break;
    }
    case KeyType::okp: {
      members["kty"] = "OKP";
      members["crv"] = "Ed25519";
      members["x"] = base64url_encode(detail::read_ed25519_public(*key.pkey));
      if (include_private) {
        if (auto d = detail::read_ed25519_private(*key.pkey)) members["d"] = base64url_encode(*d);
      }
      break;
    }
    case KeyType::oct:
      members["kty"] = "oct";
      members["k"] = base64url_encode(key.secret);
      break;
  }
  return members;
}

}  // namespace

json to_json(const Jwk& key, bool include_private) {
  if (key.type == KeyType::oct && !include_private) {
    // A shared secret has no public form; printing "k" here would publish it.
    throw Error(Errc::invalid_key, "an oct (HMAC) key has no public form");
  }
  json member = key_members(key, include_private);
  if (!key.kid.empty()) member["kid"] = key.kid;
  if (key.alg) member["alg"] = std::string(alg_name(*key.alg));
  if (!key.use.empty()) member["use"] = key.use;
  if (!key.key_ops.empty()) member["key_ops"] = key.key_ops;
  return member;
}

json to_jwks(std::span<const Jwk> keys, bool include_private) {
  json list = json::array();
  for (const Jwk& key : keys) {
    // A public JWKS never carries secrets: oct keys are left out rather than exposed.
    if (key.type == KeyType::oct && !include_private) continue;
    list.push_back(to_json(key, include_private));
  }
  return json{{"keys", std::move(list)}};
}

Jwk public_part(const Jwk& key) {
  Jwk copy = key;
  if (key.type == KeyType::oct) return copy;
  require_material(key);
  if (key.is_private) copy.pkey = detail::public_pkey(*key.pkey);
  copy.is_private = false;
  return copy;
}

std::string thumbprint(const Jwk& key) {
  // RFC 7638 §3: the required members only, in lexicographic order, no whitespace. The values
  // are base64url or fixed names, so no JSON escaping is ever needed.
  json members = key_members(key, false);
  std::string canonical;
  switch (key.type) {
    case KeyType::rsa:
      canonical = R"({"e":")" + members["e"].get<std::string>() + R"(","kty":"RSA","n":")" +
                  members["n"].get<std::string>() + "\"}";
      break;
    case KeyType::ec:
      canonical = R"({"crv":")" + members["crv"].get<std::string>() + R"(","kty":"EC","x":")" +
                  members["x"].get<std::string>() + R"(","y":")" +
                  members["y"].get<std::string>() + "\"}";
      break;
    case KeyType::okp:
      canonical = R"({"crv":"Ed25519","kty":"OKP","x":")" + members["x"].get<std::string>() +
                  "\"}";
      break;
    case KeyType::oct:
      canonical = R"({"k":")" + members["k"].get<std::string>() + R"(","kty":"oct"})";
      break;
  }
  Sha256 digest = sha256(canonical);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

}  // namespace swapi::jose
