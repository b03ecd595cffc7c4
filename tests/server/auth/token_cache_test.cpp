// The verified-token cache: LRU bound, never past exp, key-set generations, the short negative
// cache, concurrent use. A fixed clock (plain integers) drives every time rule.
#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "server/auth/token_cache.h"

using swapi::jose::Errc;
using swapi::jose::Error;
using swapi::server::digest_token;
using swapi::server::TokenCache;
using swapi::server::TokenCacheLimits;
using swapi::server::VerifiedToken;

namespace {

std::shared_ptr<const VerifiedToken> token_expiring_at(std::optional<double> exp, std::vector<std::string> scopes = {}) {
  auto token = std::make_shared<VerifiedToken>();
  token->times.exp = exp;
  token->scopes = std::move(scopes);
  token->claims = {{"sub", "x"}};
  return token;
}

TokenCacheLimits single_shard(std::size_t capacity, std::size_t rejected = 4) {
  TokenCacheLimits limits;
  limits.capacity = capacity;
  limits.rejected_capacity = rejected;
  limits.shards = 1;  // exact LRU order for the assertions
  return limits;
}

}  // namespace

TEST_CASE("token cache: the key is SHA-256 of the token") {
  auto digest = digest_token("abc");
  // FIPS 180-2 example: SHA-256("abc") = ba7816bf...
  CHECK(digest[0] == 0xba);
  CHECK(digest[1] == 0x78);
  CHECK(digest[31] == 0xad);
  CHECK(digest_token("abc") == digest);
  CHECK(digest_token("abd") != digest);
}

TEST_CASE("token cache: a hit returns the stored token, a miss nullptr") {
  TokenCache cache(single_shard(4));
  auto stored = token_expiring_at(2000, {"read:films"});
  cache.insert(digest_token("t1"), stored, 1000, 1);
  CHECK(cache.find(digest_token("t1"), 1000, 1) == stored);
  CHECK(cache.find(digest_token("t2"), 1000, 1) == nullptr);
  CHECK(cache.size() == 1);
}

TEST_CASE("token cache: an entry never outlives exp") {
  TokenCache cache(single_shard(4));
  cache.insert(digest_token("t"), token_expiring_at(2000), 1000, 1);
  CHECK(cache.find(digest_token("t"), 1999, 1) != nullptr);
  CHECK(cache.find(digest_token("t"), 2000, 1) == nullptr);
  CHECK(cache.size() == 0);  // dropped, not just hidden
}

TEST_CASE("token cache: a fractional exp rounds the entry's life down") {
  TokenCache cache(single_shard(4));
  cache.insert(digest_token("t"), token_expiring_at(1500.9), 1000, 1);
  CHECK(cache.find(digest_token("t"), 1499, 1) != nullptr);
  CHECK(cache.find(digest_token("t"), 1500, 1) == nullptr);
}

TEST_CASE("token cache: a token already past exp is not inserted") {
  TokenCache cache(single_shard(4));
  cache.insert(digest_token("t"), token_expiring_at(1000), 1000, 1);
  CHECK(cache.size() == 0);
  cache.insert(digest_token("u"), token_expiring_at(-1e300), 1000, 1);
  CHECK(cache.size() == 0);
}

TEST_CASE("token cache: a token without exp lives until evicted") {
  TokenCache cache(single_shard(4));
  cache.insert(digest_token("t"), token_expiring_at(std::nullopt), 1000, 1);
  CHECK(cache.find(digest_token("t"), 4'000'000'000LL, 1) != nullptr);
}

TEST_CASE("token cache: bounded; the least recently used entry goes first") {
  TokenCache cache(single_shard(2));
  cache.insert(digest_token("a"), token_expiring_at(9000), 1000, 1);
  cache.insert(digest_token("b"), token_expiring_at(9000), 1000, 1);
  REQUIRE(cache.find(digest_token("a"), 1000, 1) != nullptr);  // a is now the most recent
  cache.insert(digest_token("c"), token_expiring_at(9000), 1000, 1);
  CHECK(cache.size() == 2);
  CHECK(cache.find(digest_token("a"), 1000, 1) != nullptr);
  CHECK(cache.find(digest_token("b"), 1000, 1) == nullptr);
  CHECK(cache.find(digest_token("c"), 1000, 1) != nullptr);
}

TEST_CASE("token cache: the default bound is 4096 entries over 16 shards") {
  TokenCache cache;
  for (int i = 0; i < 6000; ++i) cache.insert(digest_token("token-" + std::to_string(i)), token_expiring_at(9000), 1000, 1);
  CHECK(cache.size() <= 4096);
  CHECK(cache.size() > 3500);  // the shards fill evenly
}

TEST_CASE("token cache: entries of another key-set generation do not match") {
  TokenCache cache(single_shard(4));
  cache.insert(digest_token("t"), token_expiring_at(9000), 1000, 1);
  CHECK(cache.find(digest_token("t"), 1000, 2) == nullptr);
  CHECK(cache.find(digest_token("t"), 1000, 1) == nullptr);  // dropped on the mismatch
}

TEST_CASE("token cache: a rejected token is remembered for the TTL only") {
  TokenCacheLimits limits = single_shard(4);
  limits.rejected_ttl = std::chrono::seconds(10);
  TokenCache cache(limits);
  cache.insert_rejected(digest_token("bad"), Error(Errc::bad_signature, "nope"), 1000, 1);
  auto found = cache.find_rejected(digest_token("bad"), 1009, 1);
  REQUIRE(found != nullptr);
  CHECK(found->code() == Errc::bad_signature);
  CHECK(found->detail() == "nope");
  CHECK(cache.find_rejected(digest_token("bad"), 1010, 1) == nullptr);
  CHECK(cache.find(digest_token("bad"), 1000, 1) == nullptr);  // never a positive entry
}

TEST_CASE("token cache: a verdict taken at a later time does not hold once the clock went back") {
  // `swapi fault clock --skew 2d` then `fault clear`: a token found expired two days ahead is
  // fine again now, and must not stay "expired" until the clock reaches that instant.
  TokenCache cache(single_shard(4));
  cache.insert_rejected(digest_token("expired"), Error(Errc::expired, "token expired"), 172800 + 1000, 1);
  CHECK(cache.find_rejected(digest_token("expired"), 1000, 1) == nullptr);
  cache.insert(digest_token("good"), token_expiring_at(500000), 172800 + 1000, 1);
  CHECK(cache.find(digest_token("good"), 1000, 1) == nullptr);  // verified again, not trusted blind
  cache.insert(digest_token("good"), token_expiring_at(500000), 1000, 1);
  CHECK(cache.find(digest_token("good"), 1000, 1) != nullptr);
}

TEST_CASE("token cache: the negative cache is bounded too") {
  TokenCache cache(single_shard(4, 3));
  for (int i = 0; i < 10; ++i) cache.insert_rejected(digest_token("bad-" + std::to_string(i)), Error(Errc::bad_signature, "x"), 1000, 1);
  CHECK(cache.rejected_size() == 3);
  CHECK(cache.find_rejected(digest_token("bad-9"), 1000, 1) != nullptr);
  CHECK(cache.find_rejected(digest_token("bad-0"), 1000, 1) == nullptr);
}

TEST_CASE("token cache: has_scope is an exact match on the sorted scopes") {
  auto token = token_expiring_at(9000, {"read:films", "read:people", "write:films"});
  CHECK(token->has_scope("read:people"));
  CHECK_FALSE(token->has_scope("read:planets"));
  CHECK_FALSE(token->has_scope("read:film"));
  CHECK_FALSE(token->has_scope(""));
}

TEST_CASE("token cache: concurrent readers and writers keep it consistent and bounded") {
  TokenCacheLimits limits;
  limits.capacity = 64;
  TokenCache cache(limits);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        auto key = digest_token("k" + std::to_string((i * 7 + t) % 200));
        if (auto found = cache.find(key, 1000, 1)) {
          CHECK(found->claims["sub"] == "x");
        } else {
          cache.insert(key, token_expiring_at(9000), 1000, 1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(cache.size() <= 64);
}
