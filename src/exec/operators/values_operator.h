// ValuesOperator: one partition of batches held in memory (VALUES lists,
// SELECT without FROM, tests). Empty batches are skipped.
#pragma once

#include <string>
#include <vector>

#include "exec/physical_operator.h"

namespace sluice {

class ValuesOperator : public PhysicalOperator {
 public:
  ValuesOperator(Schema schema, std::vector<Batch> batches)
      : PhysicalOperator(std::move(schema), {}), batches_(std::move(batches)) {}

  int num_partitions() const override { return 1; }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext*) const override {
    if (partition != 0) return Status::Internal("Values has one partition");
    return std::unique_ptr<BatchStream>(std::make_unique<VectorBatchStream>(batches_));
  }
  std::string name() const override { return "Values"; }
  std::string details() const override {
    size_t rows = 0;
    for (const auto& b : batches_) rows += b.num_rows;
    return std::to_string(rows) + " rows";
  }

 private:
  std::vector<Batch> batches_;
};

}  // namespace sluice
