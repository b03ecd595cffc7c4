// --jwks-uri behaviour with an injected fetcher and clock: refresh after max-age (the
// response's Cache-Control or the configured one), unknown-kid refetch rate limit, last good
// set kept on failure, bad keys skipped one by one, https-or-loopback and the proxy rules.
// (The refresher thread and the request path: auth_remote_jwks_refresher_test.cpp.)
#include <doctest/doctest.h>

#include "base/diagnostic.h"
#include "server/auth/remote_jwks.h"
#include "tests/server/auth/fake_jwks_issuer.h"

using namespace swapi;
using namespace std::chrono_literals;
using server::RemoteJwks;
using server::RemoteJwksConfig;
using test::FakeIssuer;
using test::has_kid;

TEST_CASE("remote jwks: the first fetch happens at start and publishes the keys") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make();
  CHECK(source->current()->keys.empty());
  source->start(false);
  CHECK(issuer.fetches == 1);
  CHECK(has_kid(*source->current(), test::rsa_key().kid));
  CHECK(source->current()->algs == std::vector<jose::Alg>{jose::Alg::RS256});  // the key's alg member
  CHECK(source->describe() == "JWKS https://issuer.test/jwks.json, 1 key (RS256), refreshed every 600 s");
}

TEST_CASE("remote jwks: refreshed after the configured max-age") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make(10, 120s);
  source->start(false);
  issuer.now += 119s;
  CHECK_FALSE(source->refresh_if_due());
  issuer.body = test::jwks_text({test::other_rsa_key()});
  issuer.now += 1s;
  CHECK(source->refresh_if_due());
  CHECK(issuer.fetches == 2);
  CHECK(has_kid(*source->current(), test::other_rsa_key().kid));
  CHECK_FALSE(has_kid(*source->current(), test::rsa_key().kid));
}

TEST_CASE("remote jwks: the response's Cache-Control max-age wins, clamped to at least 30 s") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  issuer.cache_control = "public, max-age=45";
  auto source = issuer.make();
  source->start(false);
  issuer.now += 44s;
  CHECK_FALSE(source->refresh_if_due());
  issuer.now += 1s;
  CHECK(source->refresh_if_due());

  issuer.cache_control = "no-cache";  // would mean "every request": floored
  issuer.now += 45s;
  CHECK(source->refresh_if_due());
  issuer.now += 29s;
  CHECK_FALSE(source->refresh_if_due());
  issuer.now += 1s;
  CHECK(source->refresh_if_due());
}

TEST_CASE("remote jwks: an unchanged set keeps its generation (cached tokens stay valid)") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make();
  source->start(false);
  auto generation = source->generation();
  issuer.now += 600s;
  CHECK(source->refresh_if_due());
  CHECK(source->generation() == generation);
}

TEST_CASE("remote jwks: a failed fetch keeps the last good set and retries with backoff") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make();
  source->start(false);
  issuer.down = true;
  issuer.now += 600s;
  CHECK(source->refresh_if_due());
  CHECK(has_kid(*source->current(), test::rsa_key().kid));
  REQUIRE_FALSE(issuer.log.empty());
  CHECK(issuer.log.back() ==
        "swapi serve: --jwks-uri https://issuer.test/jwks.json (refresh): connect_failed: GET "
        "https://issuer.test/jwks.json: Connection refused; keeping the last good key set; next try in 1 s");
  issuer.now += 1s;
  CHECK(source->refresh_if_due());  // retried after 1 s
  issuer.now += 1s;
  CHECK_FALSE(source->refresh_if_due());  // then after 2 s
  issuer.now += 1s;
  CHECK(source->refresh_if_due());
  CHECK(issuer.fetches == 4);

  issuer.down = false;
  issuer.status = 503;
  issuer.now += 4s;
  CHECK(source->refresh_if_due());
  CHECK(issuer.log.back().find("HTTP 503 (expected 200); keeping the last good key set") != std::string::npos);
  issuer.status = 200;
  issuer.body = R"({"not":"a jwks"})";
  issuer.now += 8s;
  CHECK(source->refresh_if_due());
  CHECK(issuer.log.back().find("not a JWKS") != std::string::npos);
  CHECK(has_kid(*source->current(), test::rsa_key().kid));
}

TEST_CASE("remote jwks: unreachable at start: no keys, a warning, and the server still starts") {
  FakeIssuer issuer;
  issuer.down = true;
  auto source = issuer.make();
  source->start(false);
  CHECK(source->current()->keys.empty());
  REQUIRE(issuer.log.size() == 2);
  CHECK(issuer.log[1].find("no keys yet") != std::string::npos);
  CHECK(source->describe().find("no keys yet (connect_failed") != std::string::npos);
}

TEST_CASE("remote jwks: bad keys in a set are skipped one by one, the good ones kept") {
  FakeIssuer issuer;
  auto weak = jose::generate_key(jose::Alg::RS256, 2048);
  nlohmann::json document = nlohmann::json::parse(test::jwks_text({test::rsa_key(), test::hmac_key()}));
  document["keys"].push_back({{"kty", "RSA"}, {"kid", "broken"}, {"n", "!!"}, {"e", "AQAB"}});
  issuer.body = document.dump();
  auto source = issuer.make();
  source->start(false);
  CHECK(source->current()->keys.size() == 1);
  CHECK(has_kid(*source->current(), test::rsa_key().kid));
  std::string all;
  for (const auto& line : issuer.log) all += line + "\n";
  CHECK(all.find("kid \"broken\"") != std::string::npos);
  CHECK(all.find("skipped key 2 (kid \"" + test::hmac_key().kid + "\")") != std::string::npos);
}

TEST_CASE("remote jwks: an HMAC secret published at a URL is never trusted") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::hmac_key()});
  auto source = issuer.make();
  source->start(false);
  CHECK(source->current()->keys.empty());
  REQUIRE(issuer.log.size() >= 2);
  CHECK(issuer.log[0].ends_with("an oct (HMAC secret) key is only trusted from --jwks-file"));
  CHECK(issuer.log[1].find("the key set has no usable key") != std::string::npos);
}

TEST_CASE("remote jwks: a set with no usable key is a failed fetch") {
  FakeIssuer issuer;
  issuer.body = R"({"keys":[]})";
  auto source = issuer.make();
  source->start(false);
  CHECK(issuer.log.front().find("the key set has no usable key") != std::string::npos);
}

TEST_CASE("remote jwks: an unknown kid refetches, at most --jwks-rpm times a minute") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make(3);
  source->start(false);

  issuer.body = test::jwks_text({test::rsa_key(), test::other_rsa_key()});
  CHECK(source->refresh_for_unknown_kid(test::other_rsa_key().kid));
  CHECK(issuer.fetches == 2);
  CHECK(has_kid(*source->current(), test::other_rsa_key().kid));

  // Made-up kids: 2 more refetches fit in the minute, then none.
  for (int i = 0; i < 10; ++i) CHECK_FALSE(source->refresh_for_unknown_kid("made-up-" + std::to_string(i)));
  CHECK(issuer.fetches == 4);
  CHECK(issuer.log.back().find("not refetching, 3 refetches a minute at most (--jwks-rpm)") != std::string::npos);
  issuer.now += 60s;
  CHECK_FALSE(source->refresh_for_unknown_kid("made-up-again"));
  CHECK(issuer.fetches == 5);
}

TEST_CASE("remote jwks: --jwks-rpm 0 never refetches for unknown kids") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make(0);
  source->start(false);
  CHECK_FALSE(source->refresh_for_unknown_kid("x"));
  CHECK(issuer.fetches == 1);
}

TEST_CASE("remote jwks: --jwks-proxy is passed to the fetch and shown without its credentials") {
  FakeIssuer issuer;
  issuer.body = test::jwks_text({test::rsa_key()});
  auto source = issuer.make(10, 600s, [](RemoteJwksConfig& config) { config.proxy = "http://user:secret@proxy.example:3128"; });
  source->start(false);  // the fetcher checks options.proxy
  CHECK(issuer.fetches == 1);
  CHECK(source->describe() == "JWKS https://issuer.test/jwks.json through proxy http://proxy.example:3128, 1 key (RS256), refreshed every 600 s");
}

TEST_CASE("remote jwks: a proxy only for a non-loopback JWKS, and only a proxy URL") {
  CHECK_NOTHROW(server::check_jwks_url("https://tenant.example/jwks", "http://proxy.example:3128"));
  CHECK_NOTHROW(server::check_jwks_url("https://tenant.example/jwks", "socks5h://[::1]:1080"));
  auto refusal = [](const std::string& url, const std::string& proxy) {
    try {
      server::check_jwks_url(url, proxy);
    } catch (const base::Diagnostic& error) {
      CHECK(error.what_failed == "serve: --jwks-proxy");
      return error.why;
    }
    FAIL("expected a swapi::base::Diagnostic");
    return std::string();
  };
  CHECK(refusal("http://127.0.0.1:8080/jwks", "http://proxy.example:3128") ==
        "a loopback --jwks-uri is always fetched directly, never through a proxy");
  CHECK(refusal("https://localhost/jwks", "http://proxy.example:3128") ==
        "a loopback --jwks-uri is always fetched directly, never through a proxy");
  CHECK(refusal("https://tenant.example/jwks", "ftp://proxy.example") == "unsupported proxy scheme 'ftp' in ftp://proxy.example");
  CHECK(refusal("https://tenant.example/jwks", "proxy.example:3128").find("is not a valid absolute URL") != std::string::npos);
}

TEST_CASE("remote jwks: https required, http only to loopback hosts") {
  CHECK_NOTHROW(server::check_jwks_url("https://tenant.example/.well-known/jwks.json"));
  CHECK_NOTHROW(server::check_jwks_url("http://127.0.0.1:8080/.well-known/jwks.json"));
  CHECK_NOTHROW(server::check_jwks_url("http://127.1.2.3/jwks"));
  CHECK_NOTHROW(server::check_jwks_url("http://[::1]:9000/jwks"));
  CHECK_NOTHROW(server::check_jwks_url("http://localhost:9000/jwks"));
  try {
    server::check_jwks_url("http://tenant.example/jwks");
    FAIL("expected a swapi::base::Diagnostic");
  } catch (const swapi::base::Diagnostic& error) {
    CHECK(error.what_failed == "serve: --jwks-uri");
    CHECK(error.why == "refusing plain http to tenant.example: keys fetched in clear text could be replaced on the way");
  }
  CHECK_THROWS_AS(server::check_jwks_url("http://127.0.0.1.evil.example/jwks"), swapi::base::Diagnostic);
  CHECK_THROWS_AS(server::check_jwks_url("file:///etc/jwks.json"), swapi::base::Diagnostic);
  CHECK_THROWS_AS(server::check_jwks_url("tenant.example/jwks"), swapi::base::Diagnostic);
}
