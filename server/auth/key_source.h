#pragma once
// Where the resource server's trusted keys come from (DESIGN.md "Key sources"): the local
// keyset (default), a JWKS file (--jwks-file) or a JWKS URL (--jwks-uri, remote_jwks.h).
//
// A KeySet is immutable once published; a source swaps in a new one (with a new generation)
// when its keys change, so a request holds one consistent set for its whole verification and
// cached verdicts of an older set stop matching (token_cache.h).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jose/alg.h"
#include "jose/jwk.h"
#include "jose/key_policy.h"

namespace swapi::server {

// Where start-up warnings and fetch failures go (the server's log).
using LogSink = std::function<void(const std::string&)>;

struct KeySet {
  std::vector<jose::Jwk> keys;   // public keys (and configured HMAC secrets), usable ones only
  std::vector<jose::Alg> algs;   // the allow-list for tokens verified against this set
  std::uint64_t generation = 0;
};

class KeySource {
 public:
  virtual ~KeySource() = default;
  // The trusted keys now; never null (possibly empty while a remote set is unreachable).
  virtual std::shared_ptr<const KeySet> current() const = 0;
  // current()->generation without the shared_ptr copy: one atomic load on the hot path.
  virtual std::uint64_t generation() const noexcept = 0;
  // A verified-looking token named a kid the current set lacks. A source that can refetch
  // does so (rate-limited) and returns true when the set changed; the default cannot.
  virtual bool refresh_for_unknown_kid(std::string_view kid);
  // For the banner: "local keyset, 1 key (RS256)", "JWKS file keys.json, 2 keys (...)".
  virtual std::string describe() const = 0;
};

// How a set's allow-list is chosen: explicit (--alg) or the algorithms its keys can verify.
struct AlgPolicy {
  std::vector<jose::Alg> explicit_algs;  // empty = derived from the keys
};

// --alg values parsed; an unknown name throws base::Diagnostic("serve: --alg", ...) with a
// "did you mean" hint ("rs256" -> RS256; "none" is explained, not suggested).
std::vector<jose::Alg> parse_alg_list(const std::vector<std::string>& names);

// The algorithms `key` can verify: its "alg" member when set, else every alg of its family
// (RSA: RS*/PS*, EC: the ES* of its curve, OKP Ed25519: EdDSA, oct: HS*) that key_unfit_for
// accepts. Empty means the key is unusable for verification.
std::vector<jose::Alg> verifiable_algs(const jose::Jwk& key);

// Builds a set: keeps each key that can verify something (its public part; oct keys only when
// allow_secrets), records one "why" sentence per key skipped, and computes algs. A key whose
// algs are all outside an explicit allow-list is kept (harmless) but reported.
struct KeySetBuild {
  KeySet set;
  std::vector<std::string> skipped;
};
KeySetBuild build_key_set(std::vector<jose::Jwk> keys, const AlgPolicy& policy, bool allow_secrets,
                          std::uint64_t generation);

// "RS256, ES256" for messages.
std::string alg_names(std::span<const jose::Alg> algs);

// Same keys, same order, same algs: a refetch that changed nothing keeps the generation.
bool same_keys(const KeySet& a, const KeySet& b);

// A set that never changes: the local keyset or a JWKS file.
class StaticKeySource : public KeySource {
 public:
  StaticKeySource(KeySet set, std::string description);
  std::shared_ptr<const KeySet> current() const override { return set_; }
  std::uint64_t generation() const noexcept override { return set_->generation; }
  std::string describe() const override { return description_; }

 private:
  std::shared_ptr<const KeySet> set_;
  std::string description_;
};

// The local keyset's published keys (LocalIssuer::public_keys()). replace() swaps in a new
// set when `swapi keys` edited the keyset (DESIGN.md "Keys"): requests that already hold the
// old set finish with it, later ones see the new one, and the new generation makes the token
// cache forget verdicts reached with the old keys (a retired key's tokens stop at once).
class LocalKeySource : public KeySource {
 public:
  LocalKeySource(std::vector<jose::Jwk> public_keys, AlgPolicy policy, LogSink log);
  std::shared_ptr<const KeySet> current() const override;
  std::uint64_t generation() const noexcept override { return generation_.load(std::memory_order_acquire); }
  std::string describe() const override;
  void replace(std::vector<jose::Jwk> public_keys);

 private:
  AlgPolicy policy_;
  LogSink log_;
  mutable std::mutex mutex_;  // guards set_
  std::shared_ptr<const KeySet> set_;
  std::atomic<std::uint64_t> generation_{0};
};

std::unique_ptr<LocalKeySource> make_local_key_source(std::vector<jose::Jwk> public_keys, const AlgPolicy& policy,
                                                      const LogSink& log);

// --jwks-file: parsed with jose::parse_jwks; each skipped key is reported on `log`
// ("swapi serve: --jwks-file F: skipped key 2 (kid "x"): why"); oct keys are accepted here
// (the one place an HMAC secret is explicitly configured). Throws base::Diagnostic when the file
// cannot be read, is not a JWKS, or leaves no usable key.
std::unique_ptr<KeySource> make_jwks_file_source(const std::string& path, const AlgPolicy& policy,
                                                 const LogSink& log);

}  // namespace swapi::server
