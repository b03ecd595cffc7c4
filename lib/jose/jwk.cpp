// JWK and JWKS parsing (RFC 7517 §4-5, RFC 7518 §6, RFC 8037 §2).
#include "jose/jwk.h"

#include <algorithm>
#include <map>
#include <utility>

#include "jose/base64url.h"
#include "jose/key_material.h"
#include "jose/strict_json.h"
#include <array>
#include <openssl/sha.h>
#include "jose/digest.h"
#include "jose/openssl_util.h"

namespace swapi::jose {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(std::string why) { throw Error(Errc::invalid_key, std::move(why)); }

const json* find_member(const json& object, const char* name) {
  auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

std::optional<std::string> optional_text(const json& object, const char* name) {
  const json* value = find_member(object, name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) invalid(std::string("member \"") + name + "\" is not a string");
  return value->get<std::string>();
}

// A base64url member decoded strictly; nullopt when absent.
std::optional<std::string> optional_bytes(const json& object, const char* name) {
  std::optional<std::string> text = optional_text(object, name);
  if (!text) return std::nullopt;
  std::optional<std::string> bytes = base64url_decode(*text);
  if (!bytes) invalid(std::string("member \"") + name + "\" is not strict base64url");
  return bytes;
}

std::string required_bytes(const json& object, const char* name, std::string_view kty) {
  std::optional<std::string> bytes = optional_bytes(object, name);
  if (!bytes) invalid(std::string(kty) + " key has no \"" + name + "\" member");
  if (bytes->empty()) invalid(std::string("member \"") + name + "\" is empty");
  return std::move(*bytes);
}

std::string exact_length(std::string bytes, std::size_t length, const char* name) {
  if (bytes.size() != length) {
    invalid(std::string("member \"") + name + "\" has " + std::to_string(bytes.size()) +
            " bytes, the curve needs exactly " + std::to_string(length));
  }
  return bytes;
}

void parse_rsa(const json& member, Jwk& key) {
  detail::RsaMembers members;
  members.n = required_bytes(member, "n", "RSA");
  members.e = required_bytes(member, "e", "RSA");
  members.d = optional_bytes(member, "d");
  members.p = optional_bytes(member, "p");
  members.q = optional_bytes(member, "q");
  members.dp = optional_bytes(member, "dp");
  members.dq = optional_bytes(member, "dq");
  members.qi = optional_bytes(member, "qi");
  if (member.contains("oth")) invalid("multi-prime RSA keys (\"oth\") are not supported");
  int crt_count = members.p.has_value() + members.q.has_value() + members.dp.has_value() +
                  members.dq.has_value() + members.qi.has_value();
  // RFC 7518 §6.3.2: the CRT members come as a set, and never without d.
  if (crt_count != 0 && crt_count != 5) {
    invalid("RSA key has some but not all of the CRT members p, q, dp, dq, qi");
  }
  if (crt_count == 5 && !members.d) invalid("RSA key has CRT members but no private exponent d");
  key.type = KeyType::rsa;
  key.is_private = members.d.has_value();
  key.pkey = detail::build_rsa_key(members);
}

void parse_ec(const json& member, Jwk& key) {
  detail::EcMembers members;
  std::optional<std::string> curve = optional_text(member, "crv");
  if (!curve) invalid("EC key has no \"crv\" member");
  std::size_t width = static_cast<std::size_t>(detail::curve_field_bytes(*curve));
  if (width == 0) invalid("EC curve \"" + *curve + "\" is not supported (P-256, P-384, P-521)");
  members.curve = *curve;
  // RFC 7518 §6.2.1.2/§6.2.2.1: coordinates and d are full-length, never shortened.
  members.x = exact_length(required_bytes(member, "x", "EC"), width, "x");
  members.y = exact_length(required_bytes(member, "y", "EC"), width, "y");
  if (auto d = optional_bytes(member, "d")) members.d = exact_length(std::move(*d), width, "d");
  key.type = KeyType::ec;
  key.curve = members.curve;
  key.is_private = members.d.has_value();
  key.pkey = detail::build_ec_key(members);
}

void parse_okp(const json& member, Jwk& key) {
  std::optional<std::string> curve = optional_text(member, "crv");
  if (!curve) invalid("OKP key has no \"crv\" member");
  if (*curve != "Ed25519") invalid("OKP curve \"" + *curve + "\" is not supported (Ed25519)");
  std::string x = exact_length(required_bytes(member, "x", "OKP"), 32, "x");
  std::optional<std::string> d = optional_bytes(member, "d");
  if (d) d = exact_length(std::move(*d), 32, "d");
  key.type = KeyType::okp;
  key.curve = *curve;
  key.is_private = d.has_value();
  key.pkey = detail::build_ed25519_key(x, d);
}

void parse_oct(const json& member, Jwk& key) {
  std::optional<std::string> secret = optional_bytes(member, "k");
  if (!secret) invalid("oct key has no \"k\" member");
  if (secret->empty()) invalid("oct key has an empty secret \"k\"");
  key.type = KeyType::oct;
  key.secret = std::move(*secret);
  key.is_private = true;
}

std::string describe(std::size_t index, const json& member) {
  std::string label = "key " + std::to_string(index + 1);
  if (member.is_object()) {
    auto kid = member.find("kid");
    if (kid != member.end() && kid->is_string()) {
      label += " (kid \"" + kid->get<std::string>() + "\")";
    }
  }
  return label;
}

}  // namespace

Jwk parse_jwk(const json& member) {
  if (!member.is_object()) invalid("a JWK must be a JSON object");
  Jwk key;
  std::optional<std::string> kty = optional_text(member, "kty");
  if (!kty) invalid("JWK has no \"kty\" member");
  if (auto kid = optional_text(member, "kid")) key.kid = std::move(*kid);
  if (auto alg = optional_text(member, "alg")) {
    // An unknown alg cannot be ignored: it restricts the key, and dropping it would widen it.
    key.alg = parse_alg(*alg);
    if (!key.alg) invalid("JWK alg \"" + *alg + "\" is not a JWS algorithm swapi supports");
  }
  if (auto use = optional_text(member, "use")) key.use = std::move(*use);
  if (const json* ops = find_member(member, "key_ops")) {
    if (!ops->is_array()) invalid("member \"key_ops\" is not an array");
    for (const json& op : *ops) {
      if (!op.is_string()) invalid("member \"key_ops\" holds a non-string value");
      std::string name = op.get<std::string>();
      // RFC 7517 §4.3: duplicate key operation values MUST NOT be present.
      if (std::find(key.key_ops.begin(), key.key_ops.end(), name) != key.key_ops.end()) {
        invalid("member \"key_ops\" lists \"" + name + "\" twice");
      }
      key.key_ops.push_back(std::move(name));
    }
  }
  if (*kty == "RSA") {
    parse_rsa(member, key);
  } else if (*kty == "EC") {
    parse_ec(member, key);
  } else if (*kty == "OKP") {
    parse_okp(member, key);
  } else if (*kty == "oct") {
    parse_oct(member, key);
  } else {
    invalid("kty \"" + *kty + "\" is not supported (RSA, EC, OKP, oct)");
  }
  return key;
}

Jwk parse_jwk(std::string_view json_text) {
  json document;
  try {
    document = parse_strict_object(json_text, "JWK");
  } catch (const Error& error) {
    invalid(error.detail());
  }
  return parse_jwk(document);
}

Jwk parse_jwk(const std::string& json_text) { return parse_jwk(std::string_view(json_text)); }
Jwk parse_jwk(const char* json_text) { return parse_jwk(std::string_view(json_text)); }

JwksLoad parse_jwks(const json& document) {
  if (!document.is_object()) invalid("a JWKS must be a JSON object {\"keys\":[...]}");
  auto keys = document.find("keys");
  if (keys == document.end() || !keys->is_array()) {
    invalid("a JWKS must have a \"keys\" array");
  }

  struct Loaded {
    std::size_t index;
    Jwk key;
  };
  std::vector<Loaded> loaded;
  std::vector<std::pair<std::size_t, std::string>> rejected;
  for (std::size_t index = 0; index < keys->size(); ++index) {
    const json& member = (*keys)[index];
    try {
      loaded.push_back({index, parse_jwk(member)});
    } catch (const Error& error) {
      rejected.emplace_back(index, describe(index, member) + ": " + error.detail());
    }
  }

  // Keys sharing a kid: a verifier cannot tell which one a token names, so none is trusted.
  // Entries that failed to load count too: the publisher meant two keys by that kid.
  std::map<std::string, std::vector<std::size_t>> by_kid;
  for (std::size_t index = 0; index < keys->size(); ++index) {
    const json& member = (*keys)[index];
    if (!member.is_object()) continue;
    auto kid = member.find("kid");
    if (kid != member.end() && kid->is_string() && !kid->get_ref<const std::string&>().empty()) {
      by_kid[kid->get<std::string>()].push_back(index);
    }
  }
  // A set mixing public keys with HMAC secrets is refused key by key (Wycheproof "MixedKeySet",
  // group jws_mixedSymmetryKeyset): a set that publishes public keys is a published set, and a
  // secret in it is known to everyone who can read it. The secrets go; private asymmetric keys
  // stay (they verify like their public halves and confuse nothing).
  bool has_public = std::any_of(loaded.begin(), loaded.end(),
                                [](const Loaded& entry) { return !entry.key.is_private; });

  JwksLoad result;
  for (Loaded& entry : loaded) {
    const json& member = (*keys)[entry.index];
    auto same_kid = entry.key.kid.empty() ? nullptr : &by_kid[entry.key.kid];
    if (same_kid != nullptr && same_kid->size() > 1) {
      rejected.emplace_back(entry.index,
                            describe(entry.index, member) + ": kid \"" + entry.key.kid + "\" is used by " +
                                std::to_string(same_kid->size()) + " keys in the set");
    } else if (has_public && entry.key.type == KeyType::oct) {
      rejected.emplace_back(entry.index, describe(entry.index, member) +
                                             ": an HMAC secret in a set that also holds public keys");
    } else {
      result.keys.push_back(std::move(entry.key));
    }
  }
  std::sort(rejected.begin(), rejected.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [index, reason] : rejected) result.rejected.push_back(std::move(reason));
  return result;
}

JwksLoad parse_jwks(std::string_view json_text) {
  json document;
  try {
    document = parse_strict_object(json_text, "JWKS");
  } catch (const Error& error) {
    invalid(error.detail());
  }
  return parse_jwks(document);
}

JwksLoad parse_jwks(const std::string& json_text) { return parse_jwks(std::string_view(json_text)); }
JwksLoad parse_jwks(const char* json_text) { return parse_jwks(std::string_view(json_text)); }


// JWK serialization, public halves and RFC 7638 thumbprints.
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
