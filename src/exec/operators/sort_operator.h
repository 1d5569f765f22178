// SortOperator: ORDER BY, optionally with a LIMIT (top-N). One output
// partition; child partitions are drained in parallel.
//
// Ordering is Spark's: NULLs first or last per key (independently of the
// direction), DOUBLE NaN greater than any other value (and -0.0 == 0.0),
// STRING/BINARY by unsigned bytes (UTF-8 code point order), and the sort is
// stable: rows equal on every key keep their input order (partition order,
// then order within the partition).
// Top-N (limit set): each partition keeps a bounded buffer; whenever it
// exceeds max(2N, 4096) rows the best N are selected (partial sort) and the
// rest dropped, so memory stays O(N) and nothing is fully sorted but the
// final N * partitions rows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "exec/physical_operator.h"

namespace sluice {

struct SortKey {
  int column = 0;
  bool ascending = true;
  bool nulls_first = true;
};

class SortOperator : public PhysicalOperator {
 public:
  SortOperator(PhysicalOperatorPtr child, std::vector<SortKey> keys, std::optional<int64_t> limit);

  const std::vector<SortKey>& keys() const { return keys_; }
  const std::optional<int64_t>& limit() const { return limit_; }
  int num_partitions() const override { return 1; }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override { return limit_ ? "TopN" : "Sort"; }
  std::string details() const override;

  // Row order of `batch` by `keys` (stable): the first min(limit, rows)
  // row numbers of the sorted order.
  static std::vector<uint32_t> SortedOrder(const Batch& batch, const std::vector<SortKey>& keys,
                                           std::optional<int64_t> limit);

 private:
  std::vector<SortKey> keys_;
  std::optional<int64_t> limit_;
};

}  // namespace sluice
