// DistinctOperator: SELECT DISTINCT, i.e. a HashAggregateOperator whose keys
// are every column of the child and that has no aggregates. Output schema is
// the child's; one partition.
#pragma once

#include <numeric>
#include <string>
#include <vector>

#include "exec/operators/hash_aggregate_operator.h"

namespace sluice {

class DistinctOperator : public HashAggregateOperator {
 public:
  explicit DistinctOperator(PhysicalOperatorPtr child)
      : HashAggregateOperator(child, AllColumns(*child), {}, child->output_schema()) {}
  std::string name() const override { return "Distinct"; }

 private:
  static std::vector<int> AllColumns(const PhysicalOperator& child) {
    std::vector<int> cols(child.output_schema().size());
    std::iota(cols.begin(), cols.end(), 0);
    return cols;
  }
};

}  // namespace sluice
