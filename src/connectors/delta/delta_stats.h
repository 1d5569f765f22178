// The `stats` of a Delta add action: a JSON object (stored as a string in
// the action) with numRecords and, per leaf column, minValues, maxValues
// and nullCount, nested by struct field as the protocol's "Per-file
// Statistics" describes. Readers skip files with them, so every bound must
// hold for every row of the file; where a value cannot be given exactly it
// is widened or left out (a missing bound only means "unknown"):
//   * STRING min is cut to its first 32 characters (still a lower bound);
//     a max longer than 32 characters is left out;
//   * TIMESTAMP bounds are written in milliseconds (the protocol's format,
//     "2024-01-31T12:00:00.123Z"): the min rounded down, the max up;
//   * DOUBLE bounds are left out when a value is NaN or infinite (NaN sorts
//     above every number in Spark, and JSON has no infinity);
//   * BOOLEAN, BINARY and columns inside arrays get a nullCount only (as
//     Spark writes them), arrays none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sluice/value.h"
#include "types/data_type.h"

namespace sluice {

// What the Parquet writer measured for one leaf column (the same fields as
// its ParquetColumnStats).
struct DeltaColumnStats {
  std::vector<std::string> path;  // top-level column, then struct fields
  DataType type;
  int64_t null_count = 0;
  bool has_min_max = false;  // false also when a DOUBLE value was NaN
  Value min;
  Value max;
};

std::string DeltaStatsJson(int64_t num_records, const std::vector<DeltaColumnStats>& columns);

// "2024-01-31T12:00:00.123Z" for a timestamp in milliseconds since the epoch.
std::string FormatDeltaTimestampMillis(int64_t millis);

}  // namespace sluice
