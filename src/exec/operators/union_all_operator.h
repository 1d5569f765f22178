// UnionAllOperator: UNION ALL. Its partitions are the children's partitions
// one after the other (child 0's first). Children have the output schema
// (the planner casts columns to a common type beforehand).
#pragma once

#include <string>
#include <vector>

#include "exec/physical_operator.h"

namespace sluice {

class UnionAllOperator : public PhysicalOperator {
 public:
  explicit UnionAllOperator(std::vector<PhysicalOperatorPtr> children);

  int num_partitions() const override;
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override { return "UnionAll"; }
};

}  // namespace sluice
