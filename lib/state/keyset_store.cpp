#include "state/keyset_store.h"

#include <algorithm>

#include "base/diagnostic.h"
#include "jose/error.h"
#include "jose/key_policy.h"
#include "jose/keygen.h"
#include "jose/strict_json.h"
#include "state/state_dir.h"

namespace swapi::server {

namespace {

constexpr int kFormat = 1;

std::optional<KeyStatus> parse_status(std::string_view name) {
  if (name == "active") return KeyStatus::active;
  // "retired" is what swapi before 0.2 wrote for "previous".
  if (name == "previous" || name == "retired") return KeyStatus::previous;
  if (name == "published") return KeyStatus::published;
  return std::nullopt;
}

// Why a key cannot be the issuer's signing key, or empty when it can.
std::string why_cannot_sign(const jose::Jwk& key) {
  if (!key.is_private) return "it is a public key (nothing to sign with)";
  if (key.type == jose::KeyType::oct) return "it is an HMAC secret, which cannot be published in a JWKS";
  if (!key.alg) return "it has no \"alg\"";
  if (auto unfit = jose::key_unfit_for(key, *key.alg, /*for_signing=*/true)) return unfit->reason;
  return {};
}

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
  throw base::Diagnostic("keyset " + path, "corrupt: " + why,
                     "restore it from a backup, or move it away to start over with a new keyset");
}

}  // namespace

std::string_view status_name(KeyStatus status) noexcept {
  switch (status) {
    case KeyStatus::active: return "active";
    case KeyStatus::previous: return "previous";
    case KeyStatus::published: return "published";
  }
  return "published";
}

KeysetError::KeysetError(KeysetErrc code, std::string detail, std::string hint)
    : code_(code), detail_(std::move(detail)), hint_(std::move(hint)) {}

const StoredKey* Keyset::find(std::string_view kid) const {
  auto found = std::find_if(keys_.begin(), keys_.end(), [&](const StoredKey& k) { return k.key.kid == kid; });
  return found == keys_.end() ? nullptr : &*found;
}

const StoredKey& Keyset::active() const {
  for (const auto& stored : keys_)
    if (stored.status == KeyStatus::active) return stored;
  // Unreachable through the public API: generate/from_json/add establish an active key.
  throw KeysetError(KeysetErrc::unknown_kid, "the keyset has no active key");
}

std::vector<jose::Jwk> Keyset::public_keys() const {
  std::vector<jose::Jwk> result;
  for (const auto& stored : keys_)
    if (stored.key.type != jose::KeyType::oct) result.push_back(jose::public_part(stored.key));
  return result;
}

const StoredKey& Keyset::add(jose::Jwk key, std::int64_t now) {
  if (key.kid.empty()) key.kid = jose::thumbprint(key);
  if (find(key.kid))
    throw KeysetError(KeysetErrc::duplicate_kid, "the keyset already has a key with kid \"" + key.kid + "\"",
                      "`swapi keys list` shows the keys");
  KeyStatus status = KeyStatus::published;
  if (keys_.empty()) {
    if (auto why = why_cannot_sign(key); !why.empty())
      throw KeysetError(KeysetErrc::cannot_sign, "the first key of a keyset signs tokens, but " + why);
    status = KeyStatus::active;
  }
  keys_.push_back({std::move(key), status, now});
  return keys_.back();
}

void Keyset::activate(std::string_view kid) {
  auto target = std::find_if(keys_.begin(), keys_.end(), [&](const StoredKey& k) { return k.key.kid == kid; });
  if (target == keys_.end())
    throw KeysetError(KeysetErrc::unknown_kid, "no key with kid \"" + std::string(kid) + "\"",
                      "`swapi keys list` shows the keys");
  if (auto why = why_cannot_sign(target->key); !why.empty())
    throw KeysetError(KeysetErrc::cannot_sign, "key \"" + std::string(kid) + "\" cannot be the active key: " + why);
  if (target->status == KeyStatus::active) return;
  for (auto& stored : keys_)
    if (stored.status == KeyStatus::active) stored.status = KeyStatus::previous;
  target->status = KeyStatus::active;
}

const StoredKey& Keyset::rotate(jose::Alg alg, std::int64_t now, int rsa_bits) {
  if (jose::is_hmac(alg))
    throw KeysetError(KeysetErrc::cannot_sign,
                      std::string(jose::alg_name(alg)) + " keys cannot be the active key: an HMAC secret cannot be published in a JWKS",
                      "use `swapi keys gen --alg " + std::string(jose::alg_name(alg)) + "` to add one for minting");
  std::string kid = add(jose::generate_key(alg, rsa_bits), now).key.kid;
  activate(kid);
  return *find(kid);
}

void Keyset::retire(std::string_view kid) {
  auto target = std::find_if(keys_.begin(), keys_.end(), [&](const StoredKey& k) { return k.key.kid == kid; });
  if (target == keys_.end())
    throw KeysetError(KeysetErrc::unknown_kid, "no key with kid \"" + std::string(kid) + "\"",
                      "`swapi keys list` shows the keys");
  if (target->status == KeyStatus::active)
    throw KeysetError(KeysetErrc::retire_active, "key \"" + std::string(kid) + "\" is the active key",
                      "run `swapi keys rotate` first, then retire it");
  keys_.erase(target);
}

nlohmann::json Keyset::to_json() const {
  nlohmann::json jwks = nlohmann::json::array();
  nlohmann::json meta = nlohmann::json::object();
  for (const auto& stored : keys_) {
    jwks.push_back(jose::to_json(stored.key, /*include_private=*/true));
    meta[stored.key.kid] = {{"status", status_name(stored.status)}, {"created", stored.created}};
  }
  return {{"keys", std::move(jwks)}, {"swapi", {{"format", kFormat}, {"keys", std::move(meta)}}}};
}

Keyset Keyset::from_json(std::string_view text, const std::string& path) {
  nlohmann::json document;
  try {
    document = jose::parse_strict_object(text, "keyset");
  } catch (const jose::Error& error) {
    corrupt(path, error.detail());
  }
  jose::JwksLoad loaded;
  try {
    // Our own 0600 file, never served as is: a public key (`keys import` of a public PEM) and
    // an HMAC secret (`keys gen --alg HS256`) live in it side by side. What is published and
    // trusted from it is chosen later (public_keys()).
    loaded = jose::parse_jwks(document, jose::JwksRole::private_keyset);
  } catch (const jose::Error& error) {
    corrupt(path, error.detail());
  }
  // Our own file: a key we cannot load means the file was damaged, not that a remote issuer
  // published something odd, so it is fatal here rather than skipped.
  if (!loaded.rejected.empty()) corrupt(path, loaded.rejected.front());

  const nlohmann::json* meta = nullptr;
  if (auto swapi = document.find("swapi"); swapi != document.end()) {
    if (!swapi->is_object() || !swapi->contains("keys") || !(*swapi)["keys"].is_object())
      corrupt(path, "member \"swapi\" must be an object with a \"keys\" object");
    auto format = swapi->find("format");
    if (format != swapi->end() && (!format->is_number_integer() || format->get<int>() > kFormat))
      corrupt(path, "format " + format->dump() + " is not one this swapi understands (1)");
    meta = &(*swapi)["keys"];
  }

  Keyset keyset;
  for (auto& key : loaded.keys) {
    if (key.kid.empty()) corrupt(path, "a key has no \"kid\"");
    StoredKey stored{std::move(key), KeyStatus::published, 0};
    if (meta) {
      if (auto entry = meta->find(stored.key.kid); entry != meta->end()) {
        if (!entry->is_object()) corrupt(path, "swapi entry of key \"" + stored.key.kid + "\" is not an object");
        auto status = entry->find("status");
        auto parsed = status != entry->end() && status->is_string() ? parse_status(status->get<std::string>()) : std::nullopt;
        if (!parsed) corrupt(path, "key \"" + stored.key.kid + "\" has no valid status (active, previous or published)");
        stored.status = *parsed;
        if (auto created = entry->find("created"); created != entry->end()) {
          if (!created->is_number_integer()) corrupt(path, "key \"" + stored.key.kid + "\" has a non-integer \"created\"");
          stored.created = created->get<std::int64_t>();
        }
      }
    }
    keyset.keys_.push_back(std::move(stored));
  }

  if (!meta) {
    // A plain private JWKS: its first key able to sign becomes the active one.
    auto signer = std::find_if(keyset.keys_.begin(), keyset.keys_.end(),
                               [](const StoredKey& k) { return why_cannot_sign(k.key).empty(); });
    if (signer != keyset.keys_.end()) signer->status = KeyStatus::active;
  }
  auto active_count = std::count_if(keyset.keys_.begin(), keyset.keys_.end(),
                                    [](const StoredKey& k) { return k.status == KeyStatus::active; });
  if (active_count == 0) corrupt(path, "no active key");
  if (active_count > 1) corrupt(path, "more than one active key");
  if (auto why = why_cannot_sign(keyset.active().key); !why.empty())
    corrupt(path, "the active key \"" + keyset.active().key.kid + "\" cannot sign: " + why);
  return keyset;
}

Keyset Keyset::generate(std::int64_t now) {
  Keyset keyset;
  keyset.add(jose::generate_key(jose::Alg::RS256, 2048), now);
  return keyset;
}

std::optional<Keyset> load_keyset(const std::string& dir) {
  std::string path = state_file(dir, kKeysetFile);
  auto text = read_private_file(path, "keyset");
  if (!text) return std::nullopt;
  return Keyset::from_json(*text, path);
}

Keyset open_keyset(const std::string& dir, std::int64_t now, const WarningSink& warn) {
  // The common case (keyset exists) takes no lock: writers replace the file by rename, so a
  // reader sees a whole old or a whole new file.
  if (auto existing = load_keyset(dir)) return std::move(*existing);
  ensure_state_dir(dir);
  StateDirLock lock(dir);
  // Another process may have created it while we waited for the lock.
  if (auto existing = load_keyset(dir)) return std::move(*existing);
  Keyset keyset = Keyset::generate(now);
  write_private_file(state_file(dir, kKeysetFile), keyset.to_json().dump(2) + "\n", "keyset", warn);
  return keyset;
}

Keyset update_keyset(const std::string& dir, std::int64_t now, const std::function<void(Keyset&)>& change,
                     const WarningSink& warn) {
  ensure_state_dir(dir);
  StateDirLock lock(dir);
  auto existing = load_keyset(dir);
  Keyset keyset = existing ? std::move(*existing) : Keyset::generate(now);
  change(keyset);
  write_private_file(state_file(dir, kKeysetFile), keyset.to_json().dump(2) + "\n", "keyset", warn);
  return keyset;
}

}  // namespace swapi::server
