// swapi.dev's Wookiee spelling: every lower-case ASCII letter, nothing else.
#include <doctest/doctest.h>

#include "server/swapi/wookiee.h"

using swapi::server::to_wookiee;

TEST_CASE("wookiee: swapi.dev's letters, keys, values and JSON literals alike") {
  CHECK(to_wookiee("swapi") == "cohraakah");  // swapi.dev's own test
  CHECK(to_wookiee("") == "");
  CHECK(to_wookiee("abcdefghijklmnopqrstuvwxyz") == "rarhoawawowwrracahshoranscwhooakrqrccaohuhoohkrouf");
  CHECK(to_wookiee(R"({"name":"Luke","x":null,"y":true,"n":172})") ==
        R"({"whrascwo":"Lhuorwo","k":whhuanan,"ro":aorchuwo,"wh":172})");
  CHECK(to_wookiee("Padm\xC3\xA9 ABC-3PO") == "Prawasc\xC3\xA9 ABC-3PO");
}
