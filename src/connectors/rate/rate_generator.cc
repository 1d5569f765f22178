#include "connectors/rate/rate_generator.h"

#include <algorithm>

namespace sluice {

int64_t RateGenerator::PartitionStart(int64_t from, int64_t to, int p) const {
  int64_t parts = std::max(1, partitions);
  int64_t total = std::max<int64_t>(0, to - from);
  // from + total * p / parts, without the product (total may be ~1e18):
  // with total = q * parts + r, total * p / parts = q * p + r * p / parts.
  int64_t q = total / parts, r = total % parts;
  return from + q * p + r * p / parts;
}

int64_t RateGenerator::TimestampMillis(int64_t v) const {
  if (group > 0) return start_ms + (v / group) * step_ms;
  // floor(v * 1000 / per_second) without the product.
  return start_ms + (v / per_second) * 1000 + (v % per_second) * 1000 / per_second;
}

Batch RateGenerator::Generate(int64_t first, size_t n, const std::vector<int>& columns) const {
  std::vector<Vector> out;
  out.reserve(columns.size());
  for (int c : columns) {
    if (c == kValueColumn) {
      Vector val(DataType::Bigint(), n);
      int64_t* v = val.data<int64_t>();
      for (size_t i = 0; i < n; ++i) v[i] = first + static_cast<int64_t>(i);
      out.push_back(std::move(val));
    } else {
      Vector ts(DataType::Timestamp(), n);
      int64_t* t = ts.data<int64_t>();
      if (group > 0) {
        for (size_t i = 0; i < n; ++i) {
          t[i] = (start_ms + ((first + static_cast<int64_t>(i)) / group) * step_ms) * 1000;
        }
      } else {
        // TimestampMillis, walking v = q * per_second + r row by row.
        int64_t q = first / per_second, r = first % per_second;
        for (size_t i = 0; i < n; ++i) {
          t[i] = (start_ms + q * 1000 + r * 1000 / per_second) * 1000;
          if (++r == per_second) {
            r = 0;
            ++q;
          }
        }
      }
      out.push_back(std::move(ts));
    }
  }
  return Batch(std::move(out), n);
}

}  // namespace sluice
