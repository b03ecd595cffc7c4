#pragma once
// The in-memory SWAPI store both REST flavors serve (DESIGN.md "Data", "HTTP surface").
//
// Six resources (films, people, planets, species, starships, vehicles), each a collection of
// records sorted by id. Readers take an immutable snapshot of a collection and never block:
// a write builds a new Collection and publishes it atomically (copy-on-write), so a snapshot
// stays valid and unchanged for as long as the reader holds it.
//
// Stored form of a record: `fields` is a JSON object WITHOUT "id" (the id is Record::id) and
// without the derived "url". Link fields (people.homeworld, films.characters, ... see
// resource_schema.h) hold server-relative paths such as "/api/planets/1/" (a string, or an
// array of strings; species.homeworld may be null); rendering prefixes them with the
// request's base URL. A link value that does not start with '/' (e.g. an absolute URL a
// client wrote) is rendered unchanged. Filters that compare link fields therefore see
// "/api/planets/1/", not an absolute URL.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
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

  // Cached serialisations, made by make_record():
  SplicedText swapi_text;     // swapi.dev shape: fields in swapi.dev order, then "url"
  SplicedText loopback_text;  // "id" first, then the fields (links absolute), then "url"
};
using RecordPtr = std::shared_ptr<const Record>;

// Builds a record with its cached serialisations. `fields` must be an object; any "id" member
// is dropped (the id argument wins). Throws std::invalid_argument when fields is not an object.
RecordPtr make_record(std::string_view resource, RecordId id, nlohmann::json fields);

struct Collection {
  std::vector<RecordPtr> records;  // sorted by id, ids unique and positive
  RecordId next_id = 1;            // > every id this collection has ever held: ids are never reused

  // Binary search; nullptr when absent.
  RecordPtr find(RecordId id) const;
};

class Store {
 public:
  using WriteHook = std::function<void(const nlohmann::json& next_state)>;

  // An empty store with the six SWAPI resources.
  Store();

  // "films", "people", "planets", "species", "starships", "vehicles" (this order).
  const std::vector<std::string>& resources() const;
  bool has(std::string_view resource) const;

  // The current collection, immutable; never blocks. Throws std::out_of_range for a resource
  // that is not in resources().
  std::shared_ptr<const Collection> snapshot(std::string_view resource) const;

  // Writes. Serialized by one mutex; each one builds the next collection, passes the complete
  // next state (same shape as to_json()) to the write hook if one is set, then publishes.
  // If the hook throws, nothing is published and the exception propagates: a persistence
  // failure never acknowledges a write. An unknown resource throws std::out_of_range.
  //
  // create: fields must be an object. Its "id", if present and not null, must be an integer
  // from 1 to kMaxChosenId not in use (else std::invalid_argument: "id 3 is already taken" /
  // "id must be a positive integer, not ..." / "id N is above ..."); otherwise the id is
  // next_id (highest id ever held + 1; ids have gaps and are never reused, also after a
  // delete or a restart with persistence).
  RecordPtr create(std::string_view resource, nlohmann::json fields);
  // replace: the record's fields become `fields` (an object). An "id" member must equal `id`
  // (std::invalid_argument otherwise). nullptr when the record is absent.
  RecordPtr replace(std::string_view resource, RecordId id, nlohmann::json fields);
  // merge: shallow merge, each member of `patch` (an object) sets that field (null included,
  // as LoopBack's updateAttributes). An "id" member must equal `id`. nullptr when absent.
  RecordPtr merge(std::string_view resource, RecordId id, const nlohmann::json& patch);
  // remove: false when absent.
  bool remove(std::string_view resource, RecordId id);

  // Set once at start-up, before serving (not synchronised with concurrent writes).
  void set_write_hook(WriteHook hook);

  // {"films":[{"id":1,...fields},...],"people":[...],...,"next_ids":{"films":7,...}}: every
  // resource, records by id, links in stored (relative) form, and each collection's next
  // automatic id (as LoopBack's memory connector keeps an "ids" counter in its file).
  nlohmann::json to_json() const;

  // Replaces every collection at once (all or nothing), without calling the write hook: used
  // for the dataset and the persist file at start-up. `state` must be an object whose members
  // are exactly the six resources, each an array of objects with a unique "id" from 1 to
  // kMaxRecordId, plus optionally "next_ids" (an object of resource -> positive integer; a
  // counter below a collection's highest id + 1 is raised to it, so a hand-added record can
  // never make an id repeat). Throws std::invalid_argument with a precise reason, e.g.
  // "people: record at index 3: \"id\" must be a positive integer".
  void load_json(const nlohmann::json& state);

  // Replaces one collection (no hook). `records` as one member of load_json's state; the
  // reason does not name the resource: "record at index 3: duplicate id 4".
  void load_resource(std::string_view resource, const nlohmann::json& records);

 private:
  struct Slot {
    std::string name;
    std::atomic<std::shared_ptr<const Collection>> current;
  };
  std::size_t index_of(std::string_view resource) const;  // std::out_of_range when unknown
  Slot& slot(std::string_view resource);
  const Slot& slot(std::string_view resource) const;
  // Hook, then publish; caller holds write_mutex_. `changed` is the next collection of `target`.
  void publish(Slot& target, std::shared_ptr<const Collection> changed);

  std::vector<std::string> names_;
  std::vector<std::unique_ptr<Slot>> slots_;  // same order as names_
  std::mutex write_mutex_;
  WriteHook hook_;
};

// Builds a collection from a JSON array of records (each an object with a positive integer
// "id"); throws std::invalid_argument("record at index N: ..."). Exposed for the store's tests.
std::shared_ptr<const Collection> collection_from_json(std::string_view resource, const nlohmann::json& records);

// The record as a client sees it, links made absolute with base_url ("http://127.0.0.1:8080",
// no trailing slash).
//  - with_id == false: swapi.dev shape, the fields plus "url": "<base>/api/<res>/<id>/".
//  - with_id == true: LoopBack shape, "id" plus the fields plus "url".
// The *_text members of Record hold the same bodies pre-serialised; prefer
// record.swapi_text.append_to(out, base) / record.loopback_text on hot paths.
nlohmann::json render_record(const std::string& resource, const Record& record,
                             std::string_view base_url, bool with_id);

}  // namespace swapi::server
