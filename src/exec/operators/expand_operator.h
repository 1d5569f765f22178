// ExpandOperator: every input row becomes one output row per projection set
// (Spark's Expand), e.g. the ceil(size / slide) windows of a sliding
// window(): set i computes the input columns and the row's i-th window.
// Pipelined, keeps the child's partitioning; an input batch gives one output
// batch per set, in set order.
#pragma once

#include <string>
#include <vector>

#include "exec/expression.h"
#include "exec/physical_operator.h"

namespace sluice {

class ExpandOperator : public PhysicalOperator {
 public:
  // Each set has one expression per output column, bound over the child.
  ExpandOperator(PhysicalOperatorPtr child, std::vector<std::vector<ExprPtr>> sets, Schema output);

  const std::vector<std::vector<ExprPtr>>& sets() const { return sets_; }
  int num_partitions() const override { return children()[0]->num_partitions(); }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override { return "Expand"; }
  std::string details() const override;

 private:
  std::vector<std::vector<ExprPtr>> sets_;
};

}  // namespace sluice
