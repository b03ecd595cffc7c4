#pragma once
// One SWAPI record and its cached serialisations (DESIGN.md "Data"): the stored form (fields
// without "id" and "url", links as server-relative paths; see store.h), the id space, and the
// two bodies the flavors send, built once per record so answering a request is a few appends.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/data/record_id.h"

namespace swapi::server {

// A JSON text with splice points where the request's base URL ("http://host:port", no
// trailing slash) goes. Built once per record, so answering a request is a few appends, not a
// re-serialisation.
class SplicedText {
 public:
  // Appends the text with base_url at every splice point.
  void append_to(std::string& out, std::string_view base_url) const;
  std::string render(std::string_view base_url) const;

  // Building: literal text, then a splice point, then more literal text...
  void append_literal(std::string_view text);
  void append_splice();

 private:
  std::vector<std::string> parts_{1};  // the base URL goes between consecutive parts
  std::size_t literal_size_ = 0;
};

struct Record {
  RecordId id = 0;
  nlohmann::json fields;  // object; no "id", no "url"; links as "/api/<res>/<id>/"
  std::string resource;   // the collection it belongs to (its schema orders the fields)

  // Cached serialisations, each made on first use and kept: a server answers in one flavor
  // only, and serialising all 260 records in both shapes was 30% of the instructions of a
  // start (issue 10). Safe to call from any number of threads at once.
  const SplicedText& swapi_text() const;     // swapi.dev shape: fields in swapi.dev order, then "url"
  const SplicedText& loopback_text() const;  // "id" first, then the fields (links absolute), then "url"

 private:
  mutable std::once_flag swapi_once_, loopback_once_;
  mutable SplicedText swapi_text_, loopback_text_;
};
using RecordPtr = std::shared_ptr<const Record>;

// Builds a record (its serialisations are made when first asked for). `fields` must be an object; any "id" member
// is dropped (the id argument wins). Throws std::invalid_argument when fields is not an object.
RecordPtr make_record(std::string_view resource, RecordId id, nlohmann::json fields);

// Throws std::invalid_argument("a record must be a JSON object, not <type>") unless an object.
void require_record_object(const nlohmann::json& fields);

// The record as a client sees it, links made absolute with base_url ("http://127.0.0.1:8080",
// no trailing slash).
//  - with_id == false: swapi.dev shape, the fields plus "url": "<base>/api/<res>/<id>/".
//  - with_id == true: LoopBack shape, "id" plus the fields plus "url".
// The *_text members of Record hold the same bodies pre-serialised; prefer
// record.swapi_text().append_to(out, base) / record.loopback_text() on hot paths.
nlohmann::json render_record(const std::string& resource, const Record& record,
                             std::string_view base_url, bool with_id);

}  // namespace swapi::server
