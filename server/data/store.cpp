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

// A link value the server should prefix with its base URL: a server-relative path.
bool is_relative_link(const nlohmann::json& value) {
  return value.is_string() && value.get_ref<const std::string&>().starts_with('/');
}

// Appends one JSON value; link paths get a splice point for the base URL in front.
void append_value(SplicedText& text, const FieldSpec* spec, const nlohmann::json& value) {
  bool link_field = spec && (spec->kind == FieldKind::link || spec->kind == FieldKind::link_list);
  if (!link_field || !(value.is_string() || value.is_array())) {
    text.append_literal(dump(value));
    return;
  }
  auto append_link = [&text](const nlohmann::json& link) {
    if (!is_relative_link(link)) {
      text.append_literal(dump(link));
      return;
    }
    text.append_literal("\"");
    text.append_splice();
    text.append_literal(std::string_view(dump(link)).substr(1));  // the path and closing quote
  };
  if (value.is_string()) {
    append_link(value);
    return;
  }
  text.append_literal("[");
  bool first = true;
  for (const auto& element : value) {
    if (!first) text.append_literal(",");
    first = false;
    append_link(element);
  }
  text.append_literal("]");
}

// {"id":N?, known fields in swapi.dev order, other fields (sorted), "url"}.
SplicedText serialise(const ResourceSchema* schema, std::string_view resource, RecordId id,
                      const nlohmann::json& fields, bool with_id) {
  SplicedText text;
  text.append_literal("{");
  bool first = true;
  auto member = [&](std::string_view name, const FieldSpec* spec, const nlohmann::json& value) {
    text.append_literal(first ? "" : ",");
    first = false;
    text.append_literal(dump(name));
    text.append_literal(":");
    append_value(text, spec, value);
  };
  if (with_id) member("id", nullptr, id);
  if (schema) {
    for (const auto& spec : schema->fields) {
      auto found = fields.find(spec.name);
      if (found != fields.end()) member(spec.name, &spec, *found);
    }
  }
  for (const auto& [name, value] : fields.items()) {
    if (name == "url" || (schema && find_field(*schema, name))) continue;
    member(name, nullptr, value);
  }
  text.append_literal(first ? "\"url\":\"" : ",\"url\":\"");
  text.append_splice();
  text.append_literal("/api/" + std::string(resource) + "/" + std::to_string(id) + "/\"}");
  return text;
}

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

void require_object(const nlohmann::json& fields) {
  if (!fields.is_object())
    throw std::invalid_argument(std::string("a record must be a JSON object, not ") + fields.type_name());
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

void SplicedText::append_to(std::string& out, std::string_view base_url) const {
  out.reserve(out.size() + literal_size_ + (parts_.size() - 1) * base_url.size());
  out += parts_.front();
  for (std::size_t i = 1; i < parts_.size(); ++i) {
    out += base_url;
    out += parts_[i];
  }
}

std::string SplicedText::render(std::string_view base_url) const {
  std::string out;
  append_to(out, base_url);
  return out;
}

void SplicedText::append_literal(std::string_view text) {
  parts_.back() += text;
  literal_size_ += text.size();
}

void SplicedText::append_splice() { parts_.emplace_back(); }

RecordPtr make_record(std::string_view resource, RecordId id, nlohmann::json fields) {
  require_object(fields);
  fields.erase("id");
  const ResourceSchema* schema = find_resource_schema(resource);
  auto record = std::make_shared<Record>();
  record->id = id;
  record->swapi_text = serialise(schema, resource, id, fields, false);
  record->loopback_text = serialise(schema, resource, id, fields, true);
  record->fields = std::move(fields);
  return record;
}

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
  require_object(fields);
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  auto current = target.current.load();
  RecordId id = current->next_id;
  auto given = fields.find("id");
  if (given != fields.end() && !given->is_null()) {
    id = chosen_id(*given);
    if (current->find(id)) throw std::invalid_argument("id " + std::to_string(id) + " is already taken");
  } else if (id > kMaxRecordId) {
    throw std::invalid_argument("no free id left");  // after 2^53 - 2^31 creates at the least
  }
  auto record = make_record(resource, id, std::move(fields));
  auto next = std::make_shared<Collection>(*current);
  auto position = std::lower_bound(next->records.begin(), next->records.end(), id,
                                   [](const RecordPtr& r, RecordId wanted) { return r->id < wanted; });
  next->records.insert(position, record);
  next->next_id = std::max(next->next_id, next_id_after(id));
  publish(target, std::move(next));
  return record;
}

RecordPtr Store::replace(std::string_view resource, RecordId id, nlohmann::json fields) {
  require_object(fields);
  require_same_id(fields, id);
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  auto current = target.current.load();
  if (!current->find(id)) return nullptr;
  auto record = make_record(resource, id, std::move(fields));
  auto next = std::make_shared<Collection>(*current);
  for (auto& slot_record : next->records) {
    if (slot_record->id == id) slot_record = record;
  }
  publish(target, std::move(next));
  return record;
}

RecordPtr Store::merge(std::string_view resource, RecordId id, const nlohmann::json& patch) {
  require_object(patch);
  require_same_id(patch, id);
  std::lock_guard lock(write_mutex_);
  auto& target = slot(resource);
  auto current = target.current.load();
  auto existing = current->find(id);
  if (!existing) return nullptr;
  nlohmann::json fields = existing->fields;
  for (const auto& [name, value] : patch.items()) {
    if (name != "id") fields[name] = value;
  }
  auto record = make_record(resource, id, std::move(fields));
  auto next = std::make_shared<Collection>(*current);
  for (auto& slot_record : next->records) {
    if (slot_record->id == id) slot_record = record;
  }
  publish(target, std::move(next));
  return record;
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

nlohmann::json render_record(const std::string& resource, const Record& record, std::string_view base_url,
                             bool with_id) {
  const ResourceSchema* schema = find_resource_schema(resource);
  auto absolute = [base_url](const nlohmann::json& link) {
    return is_relative_link(link) ? nlohmann::json(std::string(base_url) + link.get<std::string>()) : link;
  };
  nlohmann::json rendered = nlohmann::json::object();
  for (const auto& [name, value] : record.fields.items()) {
    const FieldSpec* spec = schema ? find_field(*schema, name) : nullptr;
    if (spec && spec->kind == FieldKind::link) {
      rendered[name] = absolute(value);
    } else if (spec && spec->kind == FieldKind::link_list && value.is_array()) {
      nlohmann::json links = nlohmann::json::array();
      for (const auto& link : value) links.push_back(absolute(link));
      rendered[name] = std::move(links);
    } else {
      rendered[name] = value;
    }
  }
  if (with_id) rendered["id"] = record.id;
  rendered["url"] = std::string(base_url) + "/api/" + resource + "/" + std::to_string(record.id) + "/";
  return rendered;
}

}  // namespace swapi::server
