#include "server/data/store.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>

#include "server/data/resource_schema.h"

namespace swapi::server {

namespace {

constexpr auto kDumpErrors = nlohmann::json::error_handler_t::replace;

std::string dump(const nlohmann::json& value) { return value.dump(-1, ' ', false, kDumpErrors); }

// The id a create asks for: 1..kMaxChosenId (store.h: the ids above are automatic ones only,
// so that no choice of a client can use up the id space).
RecordId chosen_id(const nlohmann::json& value) {
  auto id = positive_id(value, std::numeric_limits<RecordId>::max());
  if (!id) throw std::invalid_argument("id must be a positive integer, not " + dump(value));
  if (*id > kMaxChosenId)
    throw std::invalid_argument("id " + std::to_string(*id) + " is above " + std::to_string(kMaxChosenId) +
                                ", the largest id a client may choose (larger ones are handed out automatically)");
  return *id;
}

// "id" in a replace/merge body may repeat the record's id but not change it.
void require_same_id(const nlohmann::json& fields, RecordId id) {
  auto found = fields.find("id");
  if (found == fields.end() || found->is_null()) return;
  auto given = positive_id(*found, kMaxRecordId);
  if (!given || *given != id)
    throw std::invalid_argument("id " + dump(*found) + " does not match the record's id " + std::to_string(id));
}

// kMaxRecordId + 1 once the automatic ids are used up (store.h: not within centuries).
RecordId next_id_after(RecordId id) { return id + 1; }

nlohmann::json collection_json(const Collection& collection) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& record : collection.records) {
    nlohmann::json stored = record->fields;
    stored["id"] = record->id;
    records.push_back(std::move(stored));
  }
  return records;
}

}  // namespace

RecordPtr Collection::find(RecordId id) const {
  auto found = std::lower_bound(records.begin(), records.end(), id,
                                [](const RecordPtr& record, RecordId wanted) { return record->id < wanted; });
  if (found == records.end() || (*found)->id != id) return nullptr;
  return *found;
}

std::shared_ptr<const Collection> collection_from_json(std::string_view resource, const nlohmann::json& records) {
  if (!records.is_array())
    throw std::invalid_argument(std::string("expected a JSON array of records, not ") + records.type_name());
  auto collection = std::make_shared<Collection>();
  collection->records.reserve(records.size());
  for (std::size_t index = 0; index < records.size(); ++index) {
    const auto& element = records[index];
    std::string where = "record at index " + std::to_string(index) + ": ";
    if (!element.is_object())
      throw std::invalid_argument(where + "expected a JSON object, not " + element.type_name());
    auto found = element.find("id");
    if (found == element.end()) throw std::invalid_argument(where + "no \"id\"");
    auto id = positive_id(*found, kMaxRecordId);
    if (!id) throw std::invalid_argument(where + "\"id\" must be a positive integer, not " + dump(*found));
    collection->records.push_back(make_record(resource, *id, element));
  }
  auto& list = collection->records;
  std::sort(list.begin(), list.end(), [](const RecordPtr& a, const RecordPtr& b) { return a->id < b->id; });
  auto duplicate = std::adjacent_find(list.begin(), list.end(),
                                      [](const RecordPtr& a, const RecordPtr& b) { return a->id == b->id; });
  if (duplicate != list.end()) throw std::invalid_argument("duplicate id " + std::to_string((*duplicate)->id));
  if (!list.empty()) collection->next_id = next_id_after(list.back()->id);
  return collection;
}

Store::Store() {
  for (const auto& schema : resource_schemas()) {
    names_.emplace_back(schema.name);
    auto slot = std::make_unique<Slot>();
    slot->name = schema.name;
    slot->current.store(std::make_shared<const Collection>());
    slots_.push_back(std::move(slot));
  }
}

const std::vector<std::string>& Store::resources() const { return names_; }

bool Store::has(std::string_view resource) const {
  return std::find(names_.begin(), names_.end(), resource) != names_.end();
}

std::size_t Store::index_of(std::string_view resource) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == resource) return i;
  }
  throw std::out_of_range("unknown resource '" + std::string(resource) + "'");
}

Store::Slot& Store::slot(std::string_view resource) { return *slots_[index_of(resource)]; }

const Store::Slot& Store::slot(std::string_view resource) const { return *slots_[index_of(resource)]; }

std::shared_ptr<const Collection> Store::snapshot(std::string_view resource) const {
  return slot(resource).current.load();
}

void Store::publish(Slot& target, std::shared_ptr<const Collection> changed) {
  if (hook_) {
    nlohmann::json next_state = nlohmann::json::object();
    for (const auto& candidate : slots_) {
      next_state[candidate->name] = collection_json(&*candidate == &target ? *changed : *candidate->current.load());
    }
    nlohmann::json next_ids = nlohmann::json::object();
    for (const auto& candidate : slots_)
      next_ids[candidate->name] = &*candidate == &target ? changed->next_id : candidate->current.load()->next_id;
    next_state["next_ids"] = std::move(next_ids);
    hook_(next_state);  // may throw: then nothing is published
  }
  target.current.store(std::move(changed));
}

RecordPtr Store::create(std::string_view resource, nlohmann::json fields) {
  require_record_object(fields);
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  RecordPtr record;
  publish(target, with_created(resource, *target.current.load(), std::move(fields), record));
  return record;
}

RecordPtr Store::replace(std::string_view resource, RecordId id, nlohmann::json fields) {
  require_record_object(fields);
  require_same_id(fields, id);
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  auto current = target.current.load();
  if (!current->find(id)) return nullptr;
  auto record = make_record(resource, id, std::move(fields));
  publish(target, with_replaced(*current, {record}));
  return record;
}

RecordPtr Store::merge(std::string_view resource, RecordId id, const nlohmann::json& patch) {
  require_record_object(patch);
  require_same_id(patch, id);
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  auto current = target.current.load();
  auto existing = current->find(id);
  if (!existing) return nullptr;
  auto record = make_record(resource, id, merged(existing->fields, patch));
  publish(target, with_replaced(*current, {record}));
  return record;
}

Store::PutResult Store::put(std::string_view resource, nlohmann::json fields, bool merge_fields) {
  require_record_object(fields);
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  auto current = target.current.load();
  auto given = fields.find("id");
  RecordPtr existing;
  if (given != fields.end() && !given->is_null()) {
    auto id = positive_id(*given, kMaxRecordId);
    if (id) existing = current->find(*id);
  }
  PutResult result;
  if (!existing) {
    result.created = true;
    publish(target, with_created(resource, *current, std::move(fields), result.record));
    return result;
  }
  result.record = make_record(resource, existing->id,
                              merge_fields ? merged(existing->fields, fields) : std::move(fields));
  publish(target, with_replaced(*current, {result.record}));
  return result;
}

std::size_t Store::update_all(std::string_view resource, const RecordFilter& select, const nlohmann::json& patch) {
  require_record_object(patch);
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  auto current = target.current.load();
  std::vector<RecordPtr> changed;
  for (const auto& record : current->records) {
    if (select(*record)) changed.push_back(make_record(resource, record->id, merged(record->fields, patch)));
  }
  // Even an empty patch is one write, as LoopBack saves the memory file after every updateAll.
  publish(target, with_replaced(*current, changed));
  return changed.size();
}

Store::UpsertResult Store::upsert_where(std::string_view resource, const RecordFilter& select, nlohmann::json fields) {
  require_record_object(fields);
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  auto current = target.current.load();
  UpsertResult result;
  RecordPtr found;
  for (const auto& record : current->records) {
    if (!select(*record)) continue;
    if (++result.matches > 1) return result;
    found = record;
  }
  if (!found) {
    publish(target, with_created(resource, *current, std::move(fields), result.record));
    return result;
  }
  require_same_id(fields, found->id);
  result.record = make_record(resource, found->id, merged(found->fields, fields));
  publish(target, with_replaced(*current, {result.record}));
  return result;
}

std::shared_ptr<const Collection> Store::with_created(std::string_view resource, const Collection& current,
                                                      nlohmann::json fields, RecordPtr& record) {
  RecordId id = current.next_id;
  auto given = fields.find("id");
  if (given != fields.end() && !given->is_null()) {
    id = chosen_id(*given);
    if (current.find(id)) throw std::invalid_argument("id " + std::to_string(id) + " is already taken");
  } else if (id > kMaxRecordId) {
    throw std::invalid_argument("no free id left");  // after 2^53 - 2^31 creates at the least
  }
  record = make_record(resource, id, std::move(fields));
  auto next = std::make_shared<Collection>(current);
  auto position = std::lower_bound(next->records.begin(), next->records.end(), id,
                                   [](const RecordPtr& r, RecordId wanted) { return r->id < wanted; });
  next->records.insert(position, record);
  next->next_id = std::max(next->next_id, next_id_after(id));
  return next;
}

std::shared_ptr<const Collection> Store::with_replaced(const Collection& current, const std::vector<RecordPtr>& records) {
  auto next = std::make_shared<Collection>(current);
  for (const auto& record : records) {
    auto position = std::lower_bound(next->records.begin(), next->records.end(), record->id,
                                     [](const RecordPtr& r, RecordId wanted) { return r->id < wanted; });
    *position = record;  // present: the caller found it in `current`
  }
  return next;
}

nlohmann::json Store::merged(const nlohmann::json& fields, const nlohmann::json& patch) {
  nlohmann::json result = fields;
  for (const auto& [name, value] : patch.items()) {
    if (name != "id") result[name] = value;
  }
  return result;
}

bool Store::remove(std::string_view resource, RecordId id) {
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  auto current = target.current.load();
  if (!current->find(id)) return false;
  auto next = std::make_shared<Collection>(*current);
  std::erase_if(next->records, [id](const RecordPtr& record) { return record->id == id; });
  publish(target, std::move(next));  // next_id is kept (and saved): the id is never handed out again
  return true;
}

void Store::set_write_hook(WriteHook hook) { hook_ = std::move(hook); }

nlohmann::json Store::to_json() const {
  nlohmann::json state = nlohmann::json::object();
  nlohmann::json next_ids = nlohmann::json::object();
  for (const auto& candidate : slots_) {
    auto collection = candidate->current.load();
    state[candidate->name] = collection_json(*collection);
    next_ids[candidate->name] = collection->next_id;
  }
  state["next_ids"] = std::move(next_ids);
  return state;
}

void Store::load_json(const nlohmann::json& state) {
  if (!state.is_object())
    throw std::invalid_argument(std::string("expected a JSON object of resources, not ") + state.type_name());
  const nlohmann::json* next_ids = nullptr;
  for (const auto& [name, value] : state.items()) {
    if (name == "next_ids") {
      if (!value.is_object()) throw std::invalid_argument(std::string("next_ids must be an object, not ") + value.type_name());
      next_ids = &value;
      continue;
    }
    if (!has(name)) throw std::invalid_argument("unknown resource \"" + name + "\"");
  }
  if (next_ids) {
    for (const auto& [name, value] : next_ids->items()) {
      if (!has(name)) throw std::invalid_argument("next_ids: unknown resource \"" + name + "\"");
      if (!positive_id(value, kMaxRecordId + 1))
        throw std::invalid_argument("next_ids: " + name + " must be a positive integer, not " + dump(value));
    }
  }
  std::vector<std::shared_ptr<const Collection>> loaded;
  for (const auto& name : names_) {
    auto found = state.find(name);
    if (found == state.end()) throw std::invalid_argument("missing resource \"" + name + "\"");
    try {
      auto collection = collection_from_json(name, *found);
      // The saved high-water mark is above every id the collection ever held, deleted ones
      // included, which the records alone no longer show.
      RecordId saved_next_id = 0;
      if (next_ids && next_ids->contains(name)) saved_next_id = *positive_id(next_ids->at(name), kMaxRecordId + 1);
      if (saved_next_id > collection->next_id) {
        auto raised = std::make_shared<Collection>(*collection);
        raised->next_id = saved_next_id;
        collection = std::move(raised);
      }
      loaded.push_back(std::move(collection));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(name + ": " + e.what());
    }
  }
  std::lock_guard lock(write_mutex_);
  for (std::size_t i = 0; i < slots_.size(); ++i) slots_[i]->current.store(std::move(loaded[i]));
}

void Store::load_resource(std::string_view resource, const nlohmann::json& records) {
  auto& target = slot(resource);
  auto loaded = collection_from_json(resource, records);
  std::lock_guard lock(write_mutex_);
  target.current.store(std::move(loaded));
}

}  // namespace swapi::server
