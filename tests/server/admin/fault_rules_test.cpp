// The fault rules on a fixed clock (server/admin/fault_rules.h): count, duration, both,
// matching by route and path, how effects merge, the clock skew, and the spec's validation.
#include <doctest/doctest.h>

#include "server/admin/fault_rules.h"

using namespace swapi::server;
using namespace std::chrono_literals;

namespace {

struct Book {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  std::vector<std::string> notices;
  FaultBook book{[this] { return now; }, [this](const std::string& line) { notices.push_back(line); }};
};

FaultSpec spec_of(const nlohmann::json& body) {
  auto parsed = parse_fault_spec(body);
  if (auto* error = std::get_if<std::string>(&parsed)) FAIL("unexpected refusal: " << *error);
  return std::get<FaultSpec>(parsed);
}

std::string refusal_of(const nlohmann::json& body) {
  auto parsed = parse_fault_spec(body);
  auto* error = std::get_if<std::string>(&parsed);
  return error ? *error : "(accepted)";
}

}  // namespace

TEST_CASE("a fault with a count acts on exactly that many matching requests, then ends and says so") {
  Book b;
  auto id = b.book.add(spec_of({{"route", "jwks"}, {"status", 503}, {"count", 3}}));
  REQUIRE(id == 1u);
  for (int i = 0; i < 3; ++i) {
    auto effect = b.book.take(FaultRoute::jwks, "/.well-known/jwks.json");
    CHECK(effect.status == 503);
    CHECK(effect.ids == std::vector<std::uint64_t>{1});
  }
  CHECK_FALSE(b.book.take(FaultRoute::jwks, "/.well-known/jwks.json").any());
  CHECK(b.book.empty());
  REQUIRE(b.notices.size() == 1);
  CHECK(b.notices[0] == "fault #1 ended (jwks: status 503, for the next 3 requests): used up after 3 requests");
}

TEST_CASE("a fault for a duration acts until its time is over, however many requests come") {
  Book b;
  b.book.add(spec_of({{"route", "token"}, {"delay_ms", 1500}, {"for", 60}}));
  for (int i = 0; i < 10; ++i) CHECK(b.book.take(FaultRoute::token, "/oauth/token").delay == 1500ms);
  b.now += 59s;
  CHECK(b.book.take(FaultRoute::token, "/oauth/token").any());
  CHECK(to_json(b.book.list().at(0), b.now)["seconds_left"] == 1);
  b.now += 1s;
  CHECK_FALSE(b.book.take(FaultRoute::token, "/oauth/token").any());
  REQUIRE(b.notices.size() == 1);
  CHECK(b.notices[0] == "fault #1 ended (token: delay 1500 ms, for 60 s): time is over after 11 requests");
}

TEST_CASE("count and duration together: whichever ends first") {
  Book b;
  b.book.add(spec_of({{"route", "discovery"}, {"status", 500}, {"count", 5}, {"for", 10}}));
  CHECK(b.book.take(FaultRoute::discovery, "/.well-known/openid-configuration").any());
  b.now += 10s;
  CHECK_FALSE(b.book.take(FaultRoute::discovery, "/.well-known/openid-configuration").any());
  CHECK(b.book.list().empty());
}

TEST_CASE("a fault matches its route only, and an api fault only the paths of its pattern") {
  Book b;
  b.book.add(spec_of({{"route", "api"}, {"path", "/api/films*"}, {"status", 500}}));
  b.book.add(spec_of({{"route", "api"}, {"path", "/api/people/1/"}, {"status", 502}}));
  CHECK_FALSE(b.book.take(FaultRoute::jwks, "/.well-known/jwks.json").any());
  CHECK(b.book.take(FaultRoute::api, "/api/films/").status == 500);
  CHECK(b.book.take(FaultRoute::api, "/api/films/3/").status == 500);
  CHECK(b.book.take(FaultRoute::api, "/api/people/1/").status == 502);
  CHECK_FALSE(b.book.take(FaultRoute::api, "/api/people/2/").any());
  CHECK_FALSE(b.book.take(FaultRoute::api, "/api/planets/").any());
  // Unlimited faults stay; nothing was counted for requests they did not match.
  auto faults = b.book.list();
  REQUIRE(faults.size() == 2);
  CHECK(faults[0].applied == 2);
  CHECK(faults[1].applied == 1);
}

TEST_CASE("several faults on one request: delays add up, the newest status wins, kids to drop accumulate") {
  Book b;
  b.book.add(spec_of({{"route", "jwks"}, {"delay_ms", 100}, {"drop_kid", "a"}, {"count", 1}}));
  b.book.add(spec_of({{"route", "jwks"}, {"delay_ms", 200}, {"status", 500}, {"drop_kid", {"b", "c"}}}));
  b.book.add(spec_of({{"route", "jwks"}, {"status", 503}, {"cache_control", ""}}));
  auto effect = b.book.take(FaultRoute::jwks, "/.well-known/jwks.json");
  CHECK(effect.ids == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(effect.delay == 300ms);
  CHECK(effect.status == 503);
  CHECK(effect.drop_kids == std::vector<std::string>{"a", "b", "c"});
  CHECK(effect.cache_control == "");
  // #1 was for one request only.
  CHECK(b.book.take(FaultRoute::jwks, "/.well-known/jwks.json").ids == std::vector<std::uint64_t>{2, 3});
}

TEST_CASE("the clock skew: the newest clock fault, for its duration, never used up by readings") {
  Book b;
  CHECK(b.book.skew() == 0);
  b.book.add(spec_of({{"route", "clock"}, {"skew", 3600}}));
  b.book.add(spec_of({{"route", "clock"}, {"skew", -120}, {"for", 30}}));
  for (int i = 0; i < 5; ++i) CHECK(b.book.skew() == -120);
  CHECK_FALSE(b.book.take(FaultRoute::clock, "").any());  // a clock fault acts on no request
  b.now += 30s;
  CHECK(b.book.skew() == 3600);
  CHECK(b.book.clear() == 1);
  CHECK(b.book.skew() == 0);
}

TEST_CASE("remove and clear; ids are never reused") {
  Book b;
  b.book.add(spec_of({{"route", "jwks"}, {"status", 503}}));
  b.book.add(spec_of({{"route", "jwks"}, {"status", 500}}));
  CHECK(b.book.remove(1));
  CHECK_FALSE(b.book.remove(1));
  CHECK(b.book.take(FaultRoute::jwks, "/.well-known/jwks.json").status == 500);
  CHECK(b.book.clear() == 1);
  CHECK(b.book.empty());
  CHECK(b.book.add(spec_of({{"route", "jwks"}, {"status", 503}})) == 3u);
}

TEST_CASE("at most kMaxFaults at once") {
  Book b;
  for (std::size_t i = 0; i < kMaxFaults; ++i) REQUIRE(b.book.add(spec_of({{"route", "jwks"}, {"status", 503}})));
  CHECK_FALSE(b.book.add(spec_of({{"route", "jwks"}, {"status", 503}})));
}

TEST_CASE("the description the log and `fault list` show") {
  CHECK(describe(spec_of({{"route", "jwks"}, {"status", 503}, {"count", 1}})) == "jwks: status 503, for the next 1 request");
  CHECK(describe(spec_of({{"route", "jwks"}, {"body", "empty-set"}, {"cache_control", "no-store"}})) ==
        "jwks: body empty-set, Cache-Control 'no-store', until cleared");
  CHECK(describe(spec_of({{"route", "api"}, {"path", "/api/films*"}, {"delay_ms", 2000}, {"count", 2}, {"for", 30}})) ==
        "api /api/films*: delay 2000 ms, for the next 2 requests or for 30 s");
  CHECK(describe(spec_of({{"route", "clock"}, {"skew", 3600}})) == "clock: skew +3600 s, until cleared");
  CHECK(describe(spec_of({{"route", "jwks"}, {"cache_control", ""}})) == "jwks: no Cache-Control, until cleared");
}

TEST_CASE("a spec that makes no sense is refused with the reason") {
  CHECK(refusal_of(nlohmann::json::array()) == "the body must be a JSON object");
  CHECK(refusal_of({{"status", 503}}) == "'route' is required: jwks, discovery, token, api or clock");
  CHECK(refusal_of({{"route", "jkws"}, {"status", 503}}) == "unknown route 'jkws': use jwks, discovery, token, api or clock");
  CHECK(refusal_of({{"route", "jwks"}, {"status", 503}, {"cout", 3}}) == "unknown member 'cout'");
  CHECK(refusal_of({{"route", "jwks"}}) ==
        "the fault does nothing: give a status, a delay, a body, a kid to drop or a Cache-Control value");
  CHECK(refusal_of({{"route", "token"}, {"count", 3}}) == "the fault does nothing: give a status, a delay");
  CHECK(refusal_of({{"route", "jwks"}, {"status", 101}}) == "'status' must be between 200 and 599");
  CHECK(refusal_of({{"route", "jwks"}, {"status", 503}, {"count", 1.5}}) == "'count' must be an integer");
  CHECK(refusal_of({{"route", "jwks"}, {"status", 503}, {"count", 0}}) == "'count' must be between 1 and 1099511627776");
  CHECK(refusal_of({{"route", "jwks"}, {"delay_ms", 600001}}) == "'delay_ms' must be between 0 and 600000");
  CHECK(refusal_of({{"route", "jwks"}, {"body", "junk"}}) == "'body' must be garbage, empty-set or truncated");
  CHECK(refusal_of({{"route", "token"}, {"body", "garbage"}}) ==
        "'body', 'drop_kid' and 'cache_control' apply to the jwks route only");
  CHECK(refusal_of({{"route", "jwks"}, {"cache_control", "a\r\nSet-Cookie: x"}}) ==
        "'cache_control' must be a header value of at most 256 bytes (\"\" sends none)");
  CHECK(refusal_of({{"route", "jwks"}, {"status", 503}, {"path", "/api"}}) == "'path' applies to the api route only");
  CHECK(refusal_of({{"route", "api"}, {"status", 503}, {"path", "/healthz"}}) ==
        "'path' must be an /api path, or a prefix ending in '*' (/api/films*)");
  // A path that can never match (route_of_path sends only /api and /api/... here) is a typo.
  for (const char* typo : {"/apix", "/apifilms*"})
    CHECK(refusal_of({{"route", "api"}, {"status", 503}, {"path", typo}}) ==
          "'path' must be an /api path, or a prefix ending in '*' (/api/films*)");
  CHECK(std::holds_alternative<FaultSpec>(parse_fault_spec({{"route", "api"}, {"status", 503}, {"path", "/api*"}})));
  // Bounded, so 64 faults of a 1 MiB body each cannot hold the server's memory (1.4 GB RSS
  // measured with 95,000 kids per fault) or write megabyte log lines.
  nlohmann::json kids = nlohmann::json::array();
  for (int i = 0; i < 17; ++i) kids.push_back("kid-" + std::to_string(i));
  CHECK(refusal_of({{"route", "jwks"}, {"drop_kid", kids}}) == "'drop_kid' names at most 16 kids");
  CHECK(refusal_of({{"route", "jwks"}, {"drop_kid", std::string(257, 'k')}}) ==
        "'drop_kid' must be a kid or a list of kids (each at most 256 bytes)");
  CHECK(refusal_of({{"route", "jwks"}, {"cache_control", std::string(257, 'c')}}) ==
        "'cache_control' must be a header value of at most 256 bytes (\"\" sends none)");
  CHECK(refusal_of({{"route", "api"}, {"status", 500}, {"path", "/api/" + std::string(300, 'p')}}) ==
        "'path' must be an /api path, or a prefix ending in '*' (/api/films*), of at most 256 bytes");
  CHECK(refusal_of({{"route", "clock"}}) == "a clock fault needs 'skew' (seconds, may be negative)");
  CHECK(refusal_of({{"route", "clock"}, {"skew", 60}, {"count", 2}}) ==
        "a clock skew lasts 'for' a duration or until cleared, not a 'count'");
  CHECK(refusal_of({{"route", "clock"}, {"skew", 60}, {"status", 500}}) == "a clock fault takes only 'skew' and 'for'");
  CHECK(refusal_of({{"route", "jwks"}, {"skew", 60}}) == "'skew' applies to the clock route only");
}

TEST_CASE("route_of_path and path_matches") {
  CHECK(route_of_path("/.well-known/jwks.json") == FaultRoute::jwks);
  CHECK(route_of_path("/.well-known/openid-configuration") == FaultRoute::discovery);
  CHECK(route_of_path("/oauth/token") == FaultRoute::token);
  CHECK(route_of_path("/api") == FaultRoute::api);
  CHECK(route_of_path("/api/films/") == FaultRoute::api);
  CHECK_FALSE(route_of_path("/apix"));
  CHECK_FALSE(route_of_path("/healthz"));
  CHECK_FALSE(route_of_path("/_swapi/faults"));
  CHECK(path_matches("/api*", "/api/films/"));
  CHECK(path_matches("/api/films/", "/api/films/"));
  CHECK_FALSE(path_matches("/api/films/", "/api/films"));
}
