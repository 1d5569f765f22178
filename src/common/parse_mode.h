// ParseMode: what a reader does with a record it cannot parse, with Spark's
// names: PERMISSIVE (keep the row, unparsable parts NULL), DROPMALFORMED
// (drop the row), FAILFAST (fail the query, naming where the record is).
// Shared by the file readers, from_json and the Kafka source's JSON parse.
#pragma once

#include <cstdint>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

enum class ParseMode : uint8_t { kPermissive, kDropMalformed, kFailFast };

const char* ParseModeName(ParseMode mode);
// "PERMISSIVE", "DROPMALFORMED" or "FAILFAST" in any case; nullopt otherwise.
std::optional<ParseMode> ParseModeFromName(std::string_view name);

// A malformed record quoted for a FAILFAST error: 'text', or when longer
// than max_bytes its start, cut before a UTF-8 character rather than inside
// one: 'start...' (truncated, N bytes).
std::string QuoteRecordStart(std::string_view text, size_t max_bytes);

}  // namespace sluice
