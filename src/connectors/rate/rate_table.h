// RateTable: the rows of one batch of a rate source (values [from, to) of a
// RateGenerator) as a table. Nothing is generated until the plan runs: its
// scan (RateScan) has one partition per generator partition, each producing
// kBatchSize-row batches on demand with only the projected columns and only
// the rows that pass the pushed filter, and checking the query's
// cancellation token before each one. So a batch of a billion rows streams
// through the plan in bounded memory and stops promptly when the query does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/rate/rate_generator.h"
#include "exec/table_source.h"

namespace sluice {

class RateTable : public TableSource {
 public:
  // `name` is the source's format ("rate", "rate-micro-batch"), for EXPLAIN.
  RateTable(Schema schema, RateGenerator gen, int64_t from, int64_t to, std::string name)
      : schema_(std::move(schema)), gen_(gen), from_(from), to_(to), name_(std::move(name)) {}
  const Schema& schema() const override { return schema_; }
  std::string description() const override { return name_; }
  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns, ExprPtr filter) const override;

 private:
  Schema schema_;
  RateGenerator gen_;
  int64_t from_;
  int64_t to_;
  std::string name_;
};

}  // namespace sluice
