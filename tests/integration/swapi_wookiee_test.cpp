// swapi.dev's ?format=wookiee on the real binary: a known record translated exactly (keys,
// values, links), the paging links keeping the format, errors and the root translated too,
// and an unknown format a 404.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/server_process.h"

using swapi::test::ServerProcess;

namespace {

std::string with_host(std::string text, const std::string& host) {
  for (auto at = text.find("{HOST}"); at != std::string::npos; at = text.find("{HOST}", at + host.size()))
    text.replace(at, 6, host);
  return text;
}

// /api/species/1/ in Wookiee, as swapi.dev's renderer spells it ({HOST} is 127.0.0.1:port; the
// digits, upper-case letters and punctuation stay). Worked out letter by letter from the
// fixture, not by the server's code.
const std::string kHumanInWookiee =
    R"w({"whrascwo":"Hhuscrawh","oaanraccahwwahoaraaoahoowh":"scrascscraan","wawocahrrwhraaoahoowh)w"
    R"w(":"cwowhaoahwowhao","rahoworcrarrwo_acwoahrracao":"180","corahwh_oaooanoorcc":"oarahuoarac)w"
    R"w(ahrawh, rhanraoaor, racahrawh, acahcakrawhahoa","acraahrc_oaooanoorcc":"rhanoowhwawo, rhrc)w"
    R"w(ooohwh, rhanraoaor, rcwowa","worowo_oaooanoorcc":"rhrcooohwh, rhanhuwo, rrrcwowowh, acrauf)w"
    R"w(woan, rrrcworo, rascrhworc","rahoworcrarrwo_anahwwwocakrawh":"120","acooscwoohoorcanwa":"a)w"
    R"w(caoaoak://{HOST}/raakah/akanrawhwoaoc/9/","anrawhrrhurarrwo":"Graanraoaaoahoa Bracahoa","a)w"
    R"w(kwoooakanwo":["acaoaoak://{HOST}/raakah/akwoooakanwo/66/","acaoaoak://{HOST}/raakah/akwooo)w"
    R"w(akanwo/67/","acaoaoak://{HOST}/raakah/akwoooakanwo/68/","acaoaoak://{HOST}/raakah/akwoooak)w"
    R"w(anwo/74/"],"wwahanscc":["acaoaoak://{HOST}/raakah/wwahanscc/1/","acaoaoak://{HOST}/raakah/)w"
    R"w(wwahanscc/2/","acaoaoak://{HOST}/raakah/wwahanscc/3/","acaoaoak://{HOST}/raakah/wwahanscc/)w"
    R"w(4/","acaoaoak://{HOST}/raakah/wwahanscc/5/","acaoaoak://{HOST}/raakah/wwahanscc/6/"],"oarc)w"
    R"w(woraaowowa":"2014-12-10T13:52:11.567Z","wowaahaowowa":"2014-12-20T21:36:42.136Z","hurcan":)w"
    R"w("acaoaoak://{HOST}/raakah/cakwooaahwoc/1/"})w";

}  // namespace

TEST_CASE("swapi wookiee: a known record, translated key by key and value by value") {
  ServerProcess server({"--no-auth"});
  std::string host = server.base_url().substr(std::string("http://").size());
  for (const char* path : {"/api/species/1/?format=wookiee", "/api/species/1?format=wookiee"}) {
    CAPTURE(path);
    auto res = server.client().Get(path);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    CHECK(res->body == with_host(kHumanInWookiee, host));
  }
  auto json = server.client().Get("/api/species/1/?format=json");
  REQUIRE(json);
  CHECK(json->body.starts_with(R"({"name":"Human","classification":"mammal",)"));
}

TEST_CASE("swapi wookiee: pages keep the format in their links; errors and the root are translated") {
  ServerProcess server({"--no-auth"});
  std::string host = server.base_url().substr(std::string("http://").size());
  auto page = server.client().Get("/api/species/?format=wookiee&page=2");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.starts_with(with_host(
      R"w({"oaoohuwhao":37,"whwokao":"acaoaoak://{HOST}/raakah/cakwooaahwoc/?wwoorcscraao=ohooooorahwowo&akrarrwo=3",)w"
      R"w("akrcwohoahoohuc":"acaoaoak://{HOST}/raakah/cakwooaahwoc/?wwoorcscraao=ohooooorahwowo&akrarrwo=1","rcwochuanaoc":[)w",
      host)));
  auto first = server.client().Get("/api/films/?format=wookiee&search=hope");
  REQUIRE(first);
  CHECK(first->body.starts_with(R"w({"oaoohuwhao":1,"whwokao":whhuanan,"akrcwohoahoohuc":whhuanan,)w"));

  auto missing = server.client().Get("/api/species/999/?format=wookiee");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->body == R"({"wawoaoraahan":"Nooao wwoohuwhwa"})");
  auto post = server.client().Post("/api/species/?format=wookiee", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->body == R"w({"wawoaoraahan":"Mwoaoacoowa \"POST\" whooao raananooohwowa."})w");
  auto root = server.client().Get("/api/?format=wookiee");
  REQUIRE(root);
  CHECK(root->body.starts_with(with_host(R"w({"akwoooakanwo":"acaoaoak://{HOST}/raakah/akwoooakanwo/",)w", host)));

  auto unknown = server.client().Get("/api/species/1/?format=xml");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(unknown->body == R"({"detail":"Not found"})");
}
