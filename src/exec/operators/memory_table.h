// MemoryTable: a table held in memory as batches (VALUES, memory sink
// tables, empty micro-batches, tests).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/table_source.h"

namespace sluice {

// A table held in memory as batches (VALUES, memory sink tables, tests).
class MemoryTable : public TableSource {
 public:
  MemoryTable(Schema schema, std::vector<Batch> batches, std::string name = "memory")
      : schema_(std::move(schema)), batches_(std::move(batches)), name_(std::move(name)) {}
  const Schema& schema() const override { return schema_; }
  std::string description() const override { return name_; }
  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns,
                                         ExprPtr filter) const override;
  const std::vector<Batch>& batches() const { return batches_; }

 private:
  Schema schema_;
  std::vector<Batch> batches_;
  std::string name_;
};

}  // namespace sluice
