// The LoopBack filter parser and evaluator (server/loopback/loopback_filter.h,
// loopback_query.h) over the embedded SWAPI dataset, as GET /api/<resource>?filter=... runs
// them. The input is either a JSON filter text (?filter=<JSON>) or, when it starts with '?',
// a decoded query string in bracket form ("?filter[where][height][gt]=180&filter[limit]=2",
// split at '&' and the first '='). The first byte after that picks the resource. The only
// refusal allowed is FilterError (a 400 INVALID_FILTER); a filter that parses is evaluated,
// counted and rendered.
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "server/data/dataset.h"
#include "server/data/store.h"
#include "server/loopback/filter_params.h"
#include "server/loopback/loopback_filter.h"
#include "server/loopback/loopback_query.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using namespace swapi::server;

const Store& dataset() {
  static const std::unique_ptr<Store> store = load_embedded_dataset();
  return *store;
}

std::multimap<std::string, std::string> query_params(std::string_view query) {
  std::multimap<std::string, std::string> params;
  while (!query.empty()) {
    auto [pair, rest] = swapi::fuzz::split_once(query, '&');
    auto [name, value] = swapi::fuzz::split_once(pair, '=');
    params.emplace(std::string(name), std::string(value));
    query = rest;
  }
  return params;
}

}  // namespace

// The dataset loads before the first input, so its parse is not timed as an input's.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)dataset();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = swapi::fuzz::as_text(data, size);
  const auto& resources = dataset().resources();
  std::string resource = resources[text.empty() ? 0 : static_cast<unsigned char>(text[0]) % resources.size()];
  if (!text.empty()) text.remove_prefix(1);
  auto collection = dataset().snapshot(resource);
  try {
    Filter filter;
    if (!text.empty() && text.front() == '?') {
      auto params = query_params(text.substr(1));
      if (auto where = query_parameter_json(params, "where")) (void)count_matches(*collection, parse_where(*where));
      if (auto given = query_parameter_json(params, "filter")) filter = parse_filter(*given);
    } else {
      filter = parse_filter(parse_filter_text(text, "filter"));
    }
    auto selected = select_records(*collection, filter);
    (void)count_matches(*collection, filter.where);
    (void)render_records(selected, filter.fields, "http://127.0.0.1:1");
  } catch (const FilterError&) {
  }
  return 0;
}
