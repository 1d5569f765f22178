// HashAggregateOperator: GROUP BY keys with aggregates (and DISTINCT).
//
// Output: the key columns, then one column per aggregate, one partition.
// Execution: all child partitions are drained in parallel (up to
// ctx->max_threads threads of the thread pool); each task aggregates into its
// own AggregateHashTable (partial aggregation), the partial tables are merged,
// and the result is emitted in batches of kBatchSize rows.
// Global aggregation (no keys) over empty input gives one row; grouped
// aggregation over empty input gives none.
#pragma once

#include <string>
#include <vector>

#include "exec/operators/aggregate_function.h"
#include "exec/physical_operator.h"

namespace sluice {

class HashAggregateOperator : public PhysicalOperator {
 public:
  HashAggregateOperator(PhysicalOperatorPtr child, std::vector<int> key_columns,
                        std::vector<AggregateCall> aggs, Schema output);

  const std::vector<int>& key_columns() const { return key_columns_; }
  const std::vector<AggregateCall>& aggregates() const { return aggs_; }

  int num_partitions() const override { return 1; }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override { return "HashAggregate"; }
  std::string details() const override;

 private:
  std::vector<int> key_columns_;
  std::vector<AggregateCall> aggs_;
};

}  // namespace sluice
