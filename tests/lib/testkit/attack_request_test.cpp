// Presenting a token: the header, twice, in the query, or not at all; and never printing it.
#include <doctest/doctest.h>

#include "testkit/attack_request.h"

using namespace swapi::testkit;
using Placement = Credentials::Placement;

TEST_CASE("present: each placement") {
  swapi::http::Request request;
  request.url = "http://h/api/films/";
  present({Placement::none, "Bearer", ""}, request);
  CHECK(request.headers.empty());
  present({Placement::header, "bearer", "t.o.k"}, request);
  REQUIRE(request.headers.size() == 1);
  CHECK(request.headers[0].name == "Authorization");
  CHECK(request.headers[0].value == "bearer t.o.k");

  swapi::http::Request twice;
  present({Placement::two_headers, "Bearer", "a.b.c"}, twice);
  REQUIRE(twice.headers.size() == 2);
  CHECK(twice.headers[1].value == "Bearer a.b.c");

  swapi::http::Request query;
  query.url = "http://h/api/films/?page=2#top";
  present({Placement::query, "Bearer", "a.b.c"}, query);
  CHECK(query.headers.empty());
  CHECK(query.url == "http://h/api/films/?page=2&access_token=a.b.c#top");
}

TEST_CASE("with_query_token and redacted_url") {
  CHECK(with_query_token("http://h/x", "t") == "http://h/x?access_token=t");
  CHECK(redacted_url("http://h/x?access_token=abc.def") == "http://h/x?access_token=REDACTED");
  CHECK(redacted_url("http://h/x?a=1&access_token=abc&b=2#f") == "http://h/x?a=1&access_token=REDACTED&b=2#f");
  CHECK(redacted_url("http://h/x?my_access_token=1") == "http://h/x?my_access_token=1");
  CHECK(redacted_url("http://h/x") == "http://h/x");
}
