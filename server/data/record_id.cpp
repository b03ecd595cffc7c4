#include "server/data/record_id.h"

namespace swapi::server {

std::optional<RecordId> parse_record_id(std::string_view text) {
  if (text.empty()) return std::nullopt;
  RecordId value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > kMaxRecordId) return std::nullopt;  // checked every digit, so it can never overflow
  }
  if (value == 0) return std::nullopt;
  return value;
}

std::optional<RecordId> positive_id(const nlohmann::json& value, RecordId limit) {
  if (value.is_number_unsigned()) {
    auto id = value.get<std::uint64_t>();
    if (id >= 1 && id <= static_cast<std::uint64_t>(limit)) return static_cast<RecordId>(id);
  } else if (value.is_number_integer()) {
    auto id = value.get<std::int64_t>();
    if (id >= 1 && id <= limit) return id;
  }
  return std::nullopt;
}

}  // namespace swapi::server
