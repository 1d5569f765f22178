// LimitOperator: LIMIT n [OFFSET m]. One output partition: the child's
// partitions are read in order, the first `offset` rows skipped, and
// reading stops as soon as `limit` rows were produced (later partitions are
// never opened).
#pragma once

#include <string>

#include "exec/physical_operator.h"

namespace sluice {

class LimitOperator : public PhysicalOperator {
 public:
  LimitOperator(PhysicalOperatorPtr child, int64_t limit, int64_t offset = 0);

  int64_t limit() const { return limit_; }
  int64_t offset() const { return offset_; }
  int num_partitions() const override { return 1; }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override { return "Limit"; }
  std::string details() const override;

 private:
  int64_t limit_;
  int64_t offset_;
};

}  // namespace sluice
