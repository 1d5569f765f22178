// RateGenerator: the rows of the rate sources, values [from, to) with their
// timestamps, produced a chunk at a time so that a batch of any size (a
// billion rows) never has to be held in memory: RateTable's scan asks for
// kBatchSize rows at a time.
//
// Values are spread over `partitions` contiguous ranges (partition p holds
// [PartitionStart(p), PartitionStart(p + 1))). Timestamps:
//   rate-micro-batch (group > 0): start_ms + (v / group) * step_ms
//   rate (group == 0):            start_ms + floor(v * 1000 / per_second)
// in milliseconds, stored as microseconds. The sources keep every value and
// timestamp in range (MaxTimestampMillis, int64), so nothing here overflows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "vector/vector.h"

namespace sluice {

struct RateGenerator {
  // 9999-12-31T23:59:59.999Z, the largest timestamp Spark's types hold: no
  // generated row may be later.
  static constexpr int64_t kMaxTimestampMillis = 253402300799999;
  // Column indices of RateSchema().
  static constexpr int kTimestampColumn = 0;
  static constexpr int kValueColumn = 1;

  int64_t start_ms = 0;
  int64_t group = 0;       // rate-micro-batch: rows per batch
  int64_t step_ms = 0;     // rate-micro-batch: ms per batch
  int64_t per_second = 1;  // rate
  int partitions = 1;

  // First value of partition p (0 <= p <= partitions) of the range [from, to).
  int64_t PartitionStart(int64_t from, int64_t to, int p) const;
  // Timestamp of value v, in milliseconds.
  int64_t TimestampMillis(int64_t v) const;
  // Values [first, first + n) as a batch of `columns` (indices into
  // RateSchema(), in that order).
  Batch Generate(int64_t first, size_t n, const std::vector<int>& columns) const;
};

}  // namespace sluice
