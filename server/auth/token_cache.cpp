#include "server/auth/token_cache.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <list>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <variant>

#include <openssl/evp.h>

#include "jose/digest.h"

namespace swapi::server {

namespace {

struct DigestHash {
  std::size_t operator()(const TokenDigest& key) const noexcept {
    std::size_t value = 0;  // the digest is uniformly distributed already
    std::memcpy(&value, key.data(), sizeof value);
    return value;
  }
};

}  // namespace

TokenDigest digest_token(std::string_view token) { return jose::sha256(token); }

bool VerifiedToken::has_scope(std::string_view scope) const noexcept {
  auto it = std::lower_bound(scopes.begin(), scopes.end(), scope,
                             [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
  return it != scopes.end() && *it == scope;
}

// One LRU of either kind: the value is a verified token or a remembered failure.
struct TokenCache::Shard {
  using Value = std::variant<std::shared_ptr<const VerifiedToken>, std::shared_ptr<const jose::Error>>;
  struct Entry {
    TokenDigest key;
    Value value;
    std::int64_t expires_at;  // Unix seconds; the entry is dead at and after this instant
    std::int64_t stored_at;   // the clock when it was stored
    std::uint64_t generation;
  };

  mutable std::mutex mutex;
  std::list<Entry> lru;  // front = most recently used
  std::unordered_map<TokenDigest, std::list<Entry>::iterator, DigestHash> index;
  std::size_t capacity = 1;

  const Value* find(const TokenDigest& key, std::int64_t now, std::uint64_t generation) {
    auto found = index.find(key);
    if (found == index.end()) return nullptr;
    auto entry = found->second;
    // A clock that went back (a skew cleared: `swapi fault clock`, or NTP stepping the system
    // clock) makes a verdict taken "in the future" worthless: "expired" would otherwise stick
    // until the clock caught up again, days maybe.
    if (now >= entry->expires_at || now < entry->stored_at || entry->generation != generation) {
      index.erase(found);
      lru.erase(entry);
      return nullptr;
    }
    lru.splice(lru.begin(), lru, entry);
    return &entry->value;
  }

  void insert(const TokenDigest& key, Value value, std::int64_t expires_at, std::int64_t now, std::uint64_t generation) {
    if (auto found = index.find(key); found != index.end()) {
      *found->second = Entry{key, std::move(value), expires_at, now, generation};
      lru.splice(lru.begin(), lru, found->second);
      return;
    }
    if (lru.size() >= capacity) {
      index.erase(lru.back().key);
      lru.pop_back();
    }
    lru.push_front(Entry{key, std::move(value), expires_at, now, generation});
    index.emplace(key, lru.begin());
  }
};

TokenCache::TokenCache(TokenCacheLimits limits) : limits_(limits) {
  if (limits_.shards == 0) limits_.shards = 1;
  verified_ = std::make_unique<Shard[]>(limits_.shards);
  rejected_ = std::make_unique<Shard[]>(limits_.shards);
  // Capacity is split evenly; rounding up keeps a small cache usable (capacity >= 1 per shard).
  for (std::size_t i = 0; i < limits_.shards; ++i) {
    verified_[i].capacity = std::max<std::size_t>(1, (limits_.capacity + limits_.shards - 1) / limits_.shards);
    rejected_[i].capacity = std::max<std::size_t>(1, (limits_.rejected_capacity + limits_.shards - 1) / limits_.shards);
    verified_[i].index.reserve(verified_[i].capacity);
    rejected_[i].index.reserve(rejected_[i].capacity);
  }
}

TokenCache::~TokenCache() = default;

TokenCache::Shard& TokenCache::shard_of(std::unique_ptr<Shard[]>& shards, const TokenDigest& key) const {
  // A byte the bucket hash does not use, so a shard's buckets stay evenly filled.
  return shards[key[8] % limits_.shards];
}

std::shared_ptr<const VerifiedToken> TokenCache::find(const TokenDigest& key, std::int64_t now,
                                                      std::uint64_t generation) {
  auto& shard = shard_of(verified_, key);
  std::lock_guard lock(shard.mutex);
  const auto* value = shard.find(key, now, generation);
  return value ? std::get<std::shared_ptr<const VerifiedToken>>(*value) : nullptr;
}

void TokenCache::insert(const TokenDigest& key, std::shared_ptr<const VerifiedToken> token, std::int64_t now,
                        std::uint64_t generation) {
  if (limits_.capacity == 0 || !token) return;
  // floor(exp): an entry dies no later than the token (a fractional exp rounds down).
  std::int64_t expires_at = std::numeric_limits<std::int64_t>::max();
  if (token->times.exp) {
    double exp = std::floor(*token->times.exp);
    if (exp < 9.2e18) expires_at = exp > -9.2e18 ? static_cast<std::int64_t>(exp) : std::numeric_limits<std::int64_t>::min();
  }
  if (now >= expires_at) return;  // never outlives exp
  auto& shard = shard_of(verified_, key);
  std::lock_guard lock(shard.mutex);
  shard.insert(key, std::move(token), expires_at, now, generation);
}

std::shared_ptr<const jose::Error> TokenCache::find_rejected(const TokenDigest& key, std::int64_t now,
                                                             std::uint64_t generation) {
  auto& shard = shard_of(rejected_, key);
  std::lock_guard lock(shard.mutex);
  const auto* value = shard.find(key, now, generation);
  return value ? std::get<std::shared_ptr<const jose::Error>>(*value) : nullptr;
}

void TokenCache::insert_rejected(const TokenDigest& key, jose::Error error, std::int64_t now,
                                 std::uint64_t generation) {
  if (limits_.rejected_capacity == 0 || limits_.rejected_ttl.count() <= 0) return;
  auto& shard = shard_of(rejected_, key);
  std::lock_guard lock(shard.mutex);
  shard.insert(key, std::make_shared<const jose::Error>(std::move(error)), now + limits_.rejected_ttl.count(), now,
               generation);
}

std::size_t TokenCache::size() const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < limits_.shards; ++i) {
    std::lock_guard lock(verified_[i].mutex);
    total += verified_[i].lru.size();
  }
  return total;
}

std::size_t TokenCache::rejected_size() const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < limits_.shards; ++i) {
    std::lock_guard lock(rejected_[i].mutex);
    total += rejected_[i].lru.size();
  }
  return total;
}

}  // namespace swapi::server
