#include "server/data/record.h"

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

}  // namespace

void require_record_object(const nlohmann::json& fields) {
  if (!fields.is_object())
    throw std::invalid_argument(std::string("a record must be a JSON object, not ") + fields.type_name());
}

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
  require_record_object(fields);
  fields.erase("id");
  auto record = std::make_shared<Record>();
  record->id = id;
  record->resource = std::string(resource);
  record->fields = std::move(fields);
  return record;
}

const SplicedText& Record::swapi_text() const {
  std::call_once(swapi_once_, [this] {
    swapi_text_ = serialise(find_resource_schema(resource), resource, id, fields, false);
  });
  return swapi_text_;
}

const SplicedText& Record::loopback_text() const {
  std::call_once(loopback_once_, [this] {
    loopback_text_ = serialise(find_resource_schema(resource), resource, id, fields, true);
  });
  return loopback_text_;
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
