// The swapi.dev query rules without HTTP: ids, pages, search terms, paging links.
#include <doctest/doctest.h>

#include "server/swapi/swapi_query.h"

using namespace swapi::server;

TEST_CASE("swapi query: record ids are positive decimal integers up to 2^53 - 1") {
  CHECK(parse_record_id("1") == 1);
  CHECK(parse_record_id("007") == 7);
  CHECK(parse_record_id("2147483647") == 2147483647);
  CHECK(parse_record_id("2147483648") == 2147483648);  // automatic ids go past 2^31 (store.h)
  CHECK(parse_record_id("9007199254740991") == 9007199254740991);
  CHECK_FALSE(parse_record_id("9007199254740992"));
  CHECK_FALSE(parse_record_id("99999999999999999999999999999"));
  CHECK_FALSE(parse_record_id("0"));
  CHECK_FALSE(parse_record_id(""));
  CHECK_FALSE(parse_record_id("abc"));
  CHECK_FALSE(parse_record_id("-1"));
  CHECK_FALSE(parse_record_id("+1"));
  CHECK_FALSE(parse_record_id("1.0"));
  CHECK_FALSE(parse_record_id(" 1"));
}

TEST_CASE("swapi query: pages are 1..count, or last; an empty result still has page 1") {
  CHECK(page_count(0) == 1);
  CHECK(page_count(10) == 1);
  CHECK(page_count(82) == 9);
  CHECK(parse_page("1", 9) == 1u);
  CHECK(parse_page("9", 9) == 9u);
  CHECK(parse_page("last", 9) == 9u);
  CHECK_FALSE(parse_page("10", 9));
  CHECK_FALSE(parse_page("0", 9));
  CHECK_FALSE(parse_page("", 9));
  CHECK_FALSE(parse_page("abc", 9));
  CHECK_FALSE(parse_page("99999999999999999999999999999", 9));
}

TEST_CASE("swapi query: search splits on spaces and commas, lower-cases, and ANDs the terms") {
  CHECK(search_terms("") == std::vector<std::string>{});
  CHECK(search_terms("  Sky ") == std::vector<std::string>{"sky"});
  CHECK(search_terms("luke,SKY walker") == std::vector<std::string>{"luke", "sky", "walker"});

  auto luke = make_record("people", 1, {{"name", "Luke Skywalker"}});
  auto falcon = make_record("starships", 10, {{"name", "Millennium Falcon"}, {"model", "YT-1300 light freighter"}});
  std::string_view name[] = {"name"};
  std::string_view name_model[] = {"name", "model"};
  CHECK(matches_search(*luke, name, search_terms("SKY")));
  CHECK(matches_search(*luke, name, search_terms("luke sky")));
  CHECK_FALSE(matches_search(*luke, name, search_terms("luke vader")));
  CHECK(matches_search(*luke, name, {}));
  CHECK(matches_search(*falcon, name_model, search_terms("yt-1300")));
  CHECK(matches_search(*falcon, name_model, search_terms("falcon freighter")));  // terms may hit different fields
  CHECK_FALSE(matches_search(*falcon, name, search_terms("yt-1300")));
  auto nameless = make_record("people", 2, {{"name", 5}});
  CHECK_FALSE(matches_search(*nameless, name, search_terms("5")));
}

TEST_CASE("swapi query: paging links keep the search, form-encoded") {
  CHECK(page_link("http://h:1", "people", 2, "") == "http://h:1/api/people/?page=2");
  CHECK(page_link("http://h:1", "people", 3, "r2 d2&x=ü") == "http://h:1/api/people/?page=3&search=r2+d2%26x%3D%C3%BC");
}
