// FilterProjectOperator: WHERE and SELECT list in one pipelined step. Keeps
// the child's partitioning. Per batch: the rows passing `filter` (all rows
// when it is null) are selected, then every projection is evaluated over
// just those rows. Batches with no surviving row are skipped.
#pragma once

#include <string>
#include <vector>

#include "exec/expression.h"
#include "exec/physical_operator.h"

namespace sluice {

class FilterProjectOperator : public PhysicalOperator {
 public:
  FilterProjectOperator(PhysicalOperatorPtr child, ExprPtr filter, std::vector<ExprPtr> projections,
                        Schema output);

  const ExprPtr& filter() const { return filter_; }
  const std::vector<ExprPtr>& projections() const { return projections_; }
  int num_partitions() const override { return children()[0]->num_partitions(); }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override { return "FilterProject"; }
  std::string details() const override;

 private:
  ExprPtr filter_;
  std::vector<ExprPtr> projections_;
};

}  // namespace sluice
