// StatefulAggregate: streaming groupBy/agg across micro-batches (Spark's
// StateStoreRestore / StateStoreSave pair).
//
// Per batch N, given the aggregate's input rows (key columns first, then the
// aggregate arguments, as the physical planner's pre-projection lays them out):
//   1. partial AggregateHashTables fold the batch as the input's partitions
//      produce it (one table per partition, on its thread; the input rows
//      are never collected), then merge into one (one row per key touched);
//   2. its ExportState rows are split into `num_partitions` shuffle
//      partitions by the hash of the key (KeyHasher; stable across runs);
//   3. per partition: load state version N from the state store
//      (`<checkpoint>/state/<operatorId>/<partition>`), MergeState the stored
//      groups (complete mode: all of them; update: those touched), MergeState
//      the partial rows, Put the touched groups back and commit version N+1;
//   4. emit finalized rows: every group (complete) or the touched ones (update).
// Keys and states are stored with StateRowCodec.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/sink.h"
#include "env/env.h"
#include "exec/operators/aggregate_function.h"
#include "exec/physical_operator.h"
#include "sluice/streaming.h"
#include "state/file_state_store_provider.h"

namespace sluice {

class StatefulAggregate {
 public:
  StatefulAggregate(Env* env, std::string checkpoint_dir, int operator_id, int num_partitions,
                    std::vector<DataType> key_types, std::vector<AggregateCall> calls);

  // Fails for aggregates whose state cannot be stored (DISTINCT, collect_list).
  static Status Validate(const std::vector<DataType>& key_types, const std::vector<AggregateCall>& calls);

  // Runs batch `batch_id` over the rows of `input` (keys then arguments),
  // drained with `ctx`, and returns the rows to emit (keys then finalized
  // aggregates).
  Result<std::vector<Batch>> Run(int64_t batch_id, const PhysicalOperator& input, ExecContext* ctx, OutputMode mode,
                                 StateOperatorProgress* progress);

 private:
  Result<FileStateStoreProvider*> Provider(int partition);

  Env* env_;
  std::string checkpoint_dir_;
  int operator_id_;
  int num_partitions_;
  std::vector<DataType> key_types_;
  std::vector<AggregateCall> calls_;
  std::vector<std::unique_ptr<FileStateStoreProvider>> providers_;
};

}  // namespace sluice
