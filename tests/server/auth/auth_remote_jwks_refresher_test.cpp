// --jwks-uri keeps the network off the request path: the refresher thread does every fetch;
// a request waits at most kid_wait, and only for a fetch it asked for; an unknown kid while a
// fetch runs is refused at once; the schedule runs by itself; nothing a fetch throws can end
// the process; destruction cancels a fetch in flight.
#include <doctest/doctest.h>

#include "tests/server/auth/fake_jwks_issuer.h"

using namespace swapi;
using namespace std::chrono_literals;
using server::RemoteJwks;
using server::RemoteJwksConfig;
using test::eventually;
using test::FakeIssuer;
using test::has_kid;
using test::since;

TEST_CASE("remote jwks: an unknown kid while a fetch runs is refused at once and uses no budget") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make(2, 600s, [](RemoteJwksConfig& config) { config.kid_wait = 50ms; });
  source->start(false);
  issuer.body = test::jwks_text({test::rsa_key(), test::other_rsa_key()});
  issuer.close_gate();  // the issuer stops answering

  // The kid's own request asks for a refetch and waits for it at most kid_wait.
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(source->refresh_for_unknown_kid(test::other_rsa_key().kid));
  CHECK(since(start) >= 50ms);
  CHECK(since(start) < 2s);
  REQUIRE(eventually([&] { return issuer.in_gate == 1; }));  // the fetch runs on, in the background

  // Meanwhile: other unknown kids are refused without waiting and start nothing; known keys
  // are there as before.
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) CHECK_FALSE(source->refresh_for_unknown_kid("made-up-" + std::to_string(i)));
  CHECK(since(start) < 50ms);  // ten refusals, not one kid_wait
  CHECK(source->fetch_count() == 2);
  CHECK(has_kid(*source->current(), test::rsa_key().kid));

  issuer.open_gate();
  REQUIRE(eventually([&] { return has_kid(*source->current(), test::other_rsa_key().kid); }));
  CHECK(source->refresh_for_unknown_kid(test::other_rsa_key().kid));  // known now: no fetch
  CHECK(source->fetch_count() == 2);

  // The refusals spent nothing of the budget of 2: one refetch is left, then the limit.
  CHECK_FALSE(source->refresh_for_unknown_kid("made-up-again"));
  CHECK(source->fetch_count() == 3);
  CHECK_FALSE(source->refresh_for_unknown_kid("made-up-once-more"));
  CHECK(source->fetch_count() == 3);
  CHECK(issuer.log.back().find("not refetching, 2 refetches a minute at most (--jwks-rpm)") != std::string::npos);
}

TEST_CASE("remote jwks: the request that asked for a refetch gets the new key when the issuer answers in time") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make();
  source->start(false);
  issuer.body = test::jwks_text({test::rsa_key(), test::other_rsa_key()});
  auto start = std::chrono::steady_clock::now();
  CHECK(source->refresh_for_unknown_kid(test::other_rsa_key().kid));
  CHECK(since(start) < 500ms);  // it waited for the fetch's end, not for kid_wait
  CHECK(has_kid(*source->current(), test::other_rsa_key().kid));
}

TEST_CASE("remote jwks: destroying the source cancels a fetch in flight") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make(10, 600s, [](RemoteJwksConfig& config) { config.kid_wait = 1ms; });
  source->start(false);
  issuer.close_gate();
  CHECK_FALSE(source->refresh_for_unknown_kid("new"));
  REQUIRE(eventually([&] { return issuer.in_gate == 1; }));
  auto start = std::chrono::steady_clock::now();
  source.reset();
  CHECK(since(start) < 2s);
  CHECK(issuer.saw_cancel);
}

TEST_CASE("remote jwks: on schedule, the refresher refreshes by itself after max-age") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  RemoteJwksConfig config;
  config.url = "https://issuer.test/jwks.json";
  config.max_age = 1s;
  RemoteJwks source(config, server::AlgPolicy{}, {}, issuer.fetcher());  // the real clock
  source.start();
  CHECK(issuer.fetches == 1);
  issuer.body = test::jwks_text({test::other_rsa_key()});  // read by the next fetch, a second away
  CHECK(eventually([&] { return has_kid(*source.current(), test::other_rsa_key().kid); }));
  // At least the one scheduled refresh; on a loaded machine the poll may see the key only after
  // another second's refresh, so the exact count is not the point.
  CHECK(source.fetch_count() >= 2);
}

TEST_CASE("remote jwks: an exception from the fetcher or the parser is a failed fetch, never a crash") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make();
  source->start(false);
  issuer.body = R"({"keys":[{"kty":"RSA","kid":"x","n":1E400,"e":"AQAB"}]})";  // a number beyond double range
  issuer.now += 600s;
  CHECK(source->refresh_if_due());
  CHECK(issuer.log.back().find("(refresh): not a JWKS") != std::string::npos);
  CHECK(has_kid(*source->current(), test::rsa_key().kid));

  RemoteJwksConfig config;
  config.url = "https://issuer.test/jwks.json";
  std::vector<std::string> log;
  RemoteJwks throwing(config, server::AlgPolicy{}, [&](const std::string& line) { log.push_back(line); },
                      [](const http::Request&, const http::Options&) -> http::Response { throw std::runtime_error("boom"); });
  throwing.start(false);
  REQUIRE_FALSE(log.empty());
  CHECK(log.front().find("(start): transfer_failed: boom; keeping the last good key set") != std::string::npos);
}
