#pragma once
// swapi.dev's ?format=wookiee: the JSON text of an answer with each lower-case ASCII letter
// replaced by its two-letter (or one-letter) Wookiee spelling, as swapi.dev's renderer does
// after serialising. Keys, values, URLs and the JSON literals are all translated, so
// {"name":"Luke","x":null} becomes {"whrascwo":"Lhuorwo","k":whhuanan} — no longer JSON for a
// strict parser, exactly as on swapi.dev. Upper-case letters, digits and punctuation stay.
#include <string>
#include <string_view>

namespace swapi::server {

std::string to_wookiee(std::string_view text);

}  // namespace swapi::server
