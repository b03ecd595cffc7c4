#pragma once
// Record ids: their type, their range, and reading one from a URL segment or a JSON value.
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace swapi::server {

// Record ids. The id space is split so that no client can exhaust it (DESIGN.md: ids are never
// reused and never run out):
//  - a client may choose an id (POST {"id": N}) from 1 to kMaxChosenId (2^31 - 1, what every
//    id so far fitted in);
//  - automatic ids continue above the highest id a collection has ever held, up to
//    kMaxRecordId (2^53 - 1, the largest integer every JSON client, JavaScript's included,
//    reads exactly: RFC 7493 §2.2).
// So even after a client takes kMaxChosenId, 2^53 - 2^31 automatic ids remain: at a million
// creates a second, 285 years of them. The high-water mark is part of the state (to_json's
// "next_ids"), so a restart does not hand out a deleted highest id again.
using RecordId = std::int64_t;
inline constexpr RecordId kMaxChosenId = 2147483647;
inline constexpr RecordId kMaxRecordId = (RecordId{1} << 53) - 1;

// An id from a URL segment: ASCII digits only (no sign, no spaces; leading zeros allowed,
// "007" is 7, as Django's int(pk)), 1..kMaxRecordId. Anything else (non-numeric, 0, 10^30) is
// std::nullopt: the caller answers 404.
std::optional<RecordId> parse_record_id(std::string_view text);

// An integer id in 1..limit from a JSON value (a JSON integer, not a string or a float), or
// std::nullopt.
std::optional<RecordId> positive_id(const nlohmann::json& value, RecordId limit);

}  // namespace swapi::server
