#include "server/auth/key_source.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "base/ascii.h"
#include "base/closest_match.h"
#include "base/diagnostic.h"
#include "jose/key_policy.h"

namespace swapi::server {

namespace {

using jose::Alg;

std::vector<Alg> family_algs(const jose::Jwk& key) {
  switch (key.type) {
    case jose::KeyType::rsa:
      return {Alg::RS256, Alg::RS384, Alg::RS512, Alg::PS256, Alg::PS384, Alg::PS512};
    case jose::KeyType::ec:
      for (Alg alg : {Alg::ES256, Alg::ES384, Alg::ES512}) {
        if (jose::alg_curve(alg) == key.curve) return {alg};
      }
      return {};
    case jose::KeyType::okp:
      return key.curve == "Ed25519" ? std::vector<Alg>{Alg::EdDSA} : std::vector<Alg>{};
    case jose::KeyType::oct:
      return {Alg::HS256, Alg::HS384, Alg::HS512};
  }
  return {};
}

std::string key_label(const jose::Jwk& key, std::size_t index) {
  std::string label = "key " + std::to_string(index + 1);
  if (!key.kid.empty()) label += " (kid \"" + key.kid + "\")";
  return label;
}

std::string describe_set(std::string what, const KeySet& set) {
  std::size_t count = set.keys.size();
  return what + ", " + std::to_string(count) + (count == 1 ? " key" : " keys") + " (" + alg_names(set.algs) + ")";
}

// A server that can verify no token at all is a misconfiguration, not a server: with --alg,
// at least one trusted key must verify one of the allowed algorithms. Throws
// base::Diagnostic("serve: --alg", ...) otherwise; `where` names the keys ("the local keyset").
void require_usable_alg(const KeySet& set, const AlgPolicy& policy, const std::string& where,
                        const std::string& hint) {
  if (policy.explicit_algs.empty()) return;
  std::vector<Alg> available;
  for (const auto& key : set.keys) {
    for (Alg alg : verifiable_algs(key)) {
      if (std::find(policy.explicit_algs.begin(), policy.explicit_algs.end(), alg) != policy.explicit_algs.end()) return;
      if (std::find(available.begin(), available.end(), alg) == available.end()) available.push_back(alg);
    }
  }
  std::string why = "no trusted key verifies " + alg_names(policy.explicit_algs) + ": " + where + " has keys for " +
                    alg_names(available) + " only, so every token would be refused";
  throw base::Diagnostic("serve: --alg", why, hint);
}

}  // namespace

bool KeySource::refresh_for_unknown_kid(std::string_view) { return false; }

std::string alg_names(std::span<const Alg> algs) {
  std::string text;
  for (Alg alg : algs) {
    if (!text.empty()) text += ", ";
    text += jose::alg_name(alg);
  }
  return text.empty() ? "none" : text;
}

std::vector<Alg> parse_alg_list(const std::vector<std::string>& names) {
  std::vector<Alg> algs;
  for (const auto& raw : names) {
    std::string name = raw;
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty()) continue;
    if (auto alg = jose::parse_alg(name)) {
      if (std::find(algs.begin(), algs.end(), *alg) == algs.end()) algs.push_back(*alg);
      continue;
    }
    std::string known = alg_names(jose::all_algs());
    if (base::iequals(name, "none"))
      throw base::Diagnostic("serve: --alg", "\"" + name + "\" is never allowed: an unsigned token proves nothing (RFC 8725 section 3.1)",
                             "choose from " + known);
    std::vector<std::string_view> alg_names_known;
    for (Alg candidate : jose::all_algs()) alg_names_known.push_back(jose::alg_name(candidate));
    std::string best = base::closest_match(name, alg_names_known).value_or("");
    std::string hint = best.empty() ? "choose from " + known
                                    : "did you mean " + best + "? (names are case-sensitive; known: " + known + ")";
    throw base::Diagnostic("serve: --alg", "unknown algorithm \"" + name + "\"", hint);
  }
  return algs;
}

std::vector<Alg> verifiable_algs(const jose::Jwk& key) {
  std::vector<Alg> candidates = key.alg ? std::vector<Alg>{*key.alg} : family_algs(key);
  std::vector<Alg> usable;
  for (Alg alg : candidates) {
    if (!jose::key_unfit_for(key, alg)) usable.push_back(alg);
  }
  return usable;
}

KeySetBuild build_key_set(std::vector<jose::Jwk> keys, const AlgPolicy& policy, bool allow_secrets,
                          std::uint64_t generation) {
  KeySetBuild build;
  build.set.generation = generation;
  std::vector<Alg> derived;
  for (std::size_t index = 0; index < keys.size(); ++index) {
    jose::Jwk& key = keys[index];
    if (key.type == jose::KeyType::oct && !allow_secrets) {
      build.skipped.push_back(key_label(key, index) + ": an oct (HMAC secret) key is only trusted from --jwks-file");
      continue;
    }
    std::vector<Alg> algs = verifiable_algs(key);
    if (algs.empty()) {
      std::string why = "cannot verify any algorithm";
      std::vector<Alg> candidates = key.alg ? std::vector<Alg>{*key.alg} : family_algs(key);
      if (!candidates.empty()) {
        if (auto unfit = jose::key_unfit_for(key, candidates.front())) why = unfit->reason;
      }
      build.skipped.push_back(key_label(key, index) + ": " + why);
      continue;
    }
    if (!policy.explicit_algs.empty() &&
        std::none_of(algs.begin(), algs.end(), [&](Alg alg) {
          return std::find(policy.explicit_algs.begin(), policy.explicit_algs.end(), alg) != policy.explicit_algs.end();
        })) {
      build.skipped.push_back(key_label(key, index) + ": verifies only " + alg_names(algs) +
                              ", none of which --alg allows (kept, unused)");
    }
    for (Alg alg : algs) {
      if (std::find(derived.begin(), derived.end(), alg) == derived.end()) derived.push_back(alg);
    }
    build.set.keys.push_back(key.type == jose::KeyType::oct || !key.is_private ? std::move(key) : jose::public_part(key));
  }
  if (policy.explicit_algs.empty()) {
    // Registry order, so the banner and error messages read the same on every run.
    for (Alg alg : jose::all_algs()) {
      if (std::find(derived.begin(), derived.end(), alg) != derived.end()) build.set.algs.push_back(alg);
    }
  } else {
    build.set.algs = policy.explicit_algs;
  }
  return build;
}

bool same_keys(const KeySet& a, const KeySet& b) {
  if (a.keys.size() != b.keys.size() || a.algs != b.algs) return false;
  for (std::size_t i = 0; i < a.keys.size(); ++i) {
    if (jose::to_json(a.keys[i], true) != jose::to_json(b.keys[i], true)) return false;
  }
  return true;
}

StaticKeySource::StaticKeySource(KeySet set, std::string description)
    : set_(std::make_shared<const KeySet>(std::move(set))), description_(std::move(description)) {}

LocalKeySource::LocalKeySource(std::vector<jose::Jwk> public_keys, AlgPolicy policy, LogSink log)
    : policy_(std::move(policy)), log_(std::move(log)) {
  replace(std::move(public_keys));
}

std::shared_ptr<const KeySet> LocalKeySource::current() const {
  std::lock_guard lock(mutex_);
  return set_;
}

std::string LocalKeySource::describe() const { return describe_set("local keyset", *current()); }

void LocalKeySource::replace(std::vector<jose::Jwk> public_keys) {
  std::uint64_t next = generation_.load(std::memory_order_acquire) + 1;
  KeySetBuild build = build_key_set(std::move(public_keys), policy_, false, next);
  for (const auto& why : build.skipped) log_("swapi serve: local keyset: skipped " + why);
  auto set = std::make_shared<const KeySet>(std::move(build.set));
  std::lock_guard lock(mutex_);
  set_ = std::move(set);
  generation_.store(next, std::memory_order_release);
}

std::unique_ptr<LocalKeySource> make_local_key_source(std::vector<jose::Jwk> public_keys, const AlgPolicy& policy,
                                                      const LogSink& log) {
  // Judged once, at start: a later `swapi keys` edit that leaves nothing usable is logged by
  // replace(), not fatal to a running server.
  if (!policy.explicit_algs.empty()) {
    Alg wanted = policy.explicit_algs.front();
    std::string hint = jose::is_hmac(wanted)
        ? "HMAC secrets are never trusted from the local keyset (its JWKS is public); give the secret with "
          "--jwks-file, or drop --alg"
        : "drop --alg (it defaults to the keys' algorithms), or add such a key: swapi keys gen --alg " +
              std::string(jose::alg_name(wanted)) + " --activate";
    require_usable_alg(build_key_set(public_keys, policy, false, 0).set, policy, "the local keyset", hint);
  }
  return std::make_unique<LocalKeySource>(std::move(public_keys), policy, log);
}

std::unique_ptr<KeySource> make_jwks_file_source(const std::string& path, const AlgPolicy& policy,
                                                 const LogSink& log) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw base::Diagnostic("serve: --jwks-file", "cannot read " + path, "check the path and permissions");
  std::ostringstream text;
  text << in.rdbuf();
  jose::JwksLoad load;
  try {
    load = jose::parse_jwks(std::string_view(text.str()));
  } catch (const jose::Error& error) {
    throw base::Diagnostic("serve: --jwks-file", path + ": " + error.detail(),
                       R"(the file must be a JWKS: {"keys":[{"kty":"RSA","kid":"...","n":"...","e":"AQAB"}]})");
  }
  for (const auto& why : load.rejected) log("swapi serve: --jwks-file " + path + ": skipped " + why);
  KeySetBuild build = build_key_set(std::move(load.keys), policy, true, 1);
  for (const auto& why : build.skipped) log("swapi serve: --jwks-file " + path + ": skipped " + why);
  if (build.set.keys.empty())
    throw base::Diagnostic("serve: --jwks-file", path + " has no usable key",
                       "each key needs kty, its public members and, for HMAC, a secret of at least the hash size");
  require_usable_alg(build.set, policy, "--jwks-file " + path,
                     "drop --alg (it defaults to the keys' algorithms), or add a key for it to the file");
  std::string description = describe_set("JWKS file " + path, build.set);
  return std::make_unique<StaticKeySource>(std::move(build.set), std::move(description));
}

}  // namespace swapi::server
