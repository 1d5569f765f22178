// Scalar values as text, the way Spark's JSON and CSV writers render them
// (shared by JsonLinesWriter and CsvWriter).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vector/vector.h"

namespace sluice {

// Spark's default timestampFormat in UTC: "2024-01-01T10:00:00.000Z"
// (sub-millisecond digits dropped; a year past 9999 or before 0 signed:
// "+10000-01-01T00:00:00.000Z"). to_json uses it too.
std::string FormatTimestampIso(int64_t micros);

// Standard base64 with padding (how Spark's writers render BINARY).
std::string Base64Encode(std::string_view bytes);

// Row `i` of a scalar (non-nested, non-null) column as text, unquoted.
std::string ScalarText(const Vector& v, size_t i);

}  // namespace sluice
