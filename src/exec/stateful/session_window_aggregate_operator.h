// SessionWindowAggregateOperator: a streaming groupBy(keys,
// session_window(ts, gap)).agg(...) across micro-batches (Spark's
// SessionWindowStateStoreRestoreExec + MergingSessionsExec +
// SessionWindowStateStoreSaveExec in one operator).
//
// Input: the grouping columns first (the planner's pre-projection), one of
// them (`session_key`) the session column STRUCT<start, end> of each event
// ([ts, ts + gap), never NULL), then the aggregates' arguments. Output: the
// grouping columns (the session column holding merged sessions), then one
// finalized column per aggregate. State partitions are chosen by the hash
// of the other grouping columns, so that every session of a key is in one
// partition (1 partition without other keys).
//
// State: one entry per open session: key = the grouping columns with the
// session (StateRowCodec of the StateSchema's key columns), value = the
// aggregates' intermediate state. The sessions of one key in the store never
// overlap or touch.
//
// Batch N, executed once per ExecContext:
//   1. check the state schema; drain the input; drop late rows (session end
//      <= StatefulBatchInfo::watermark_for_late_events_ms, counted as
//      numRowsDroppedByWatermark); split the rest by key hash;
//   2. per partition: load state version N; the batch's events and the
//      stored sessions of the keys they touch are sorted by start and merged
//      while the next starts at or before the current end (Spark's rule);
//      each merged session's aggregate is its stored states merged plus its
//      new events; the sessions merged away are removed and the merged one
//      put. Sessions whose end <= watermark_for_eviction_ms are removed
//      (numRowsRemoved; not in complete mode); commit version N + 1;
//   3. output: append mode, the sessions removed by the watermark (final:
//      no later event can reach them); complete mode, every session (none is
//      ever removed). Update mode is refused, as Spark refuses it
//      (SPARK-36463: a session's range changes, so its rows cannot be
//      upserted by key).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/operators/aggregate_function.h"
#include "exec/stateful/stateful_operator.h"

namespace sluice {

class SessionWindowAggregateOperator final : public StatefulOperator {
 public:
  // `schema`: MakeStateSchema of the keys and calls.
  SessionWindowAggregateOperator(PhysicalOperatorPtr child, size_t num_keys, size_t session_key,
                                 std::vector<AggregateCall> calls, Schema output, StatefulOperatorStateInfo info,
                                 StateSchema schema);

  // StatefulAggregateOperator::MakeStateSchema, as this operator's kind.
  static StateSchema MakeStateSchema(const std::vector<StructField>& keys, const std::vector<AggregateCall>& calls,
                                     const std::vector<std::string>& value_names,
                                     const std::vector<std::string>& value_sql);
  static constexpr const char* kStateSchemaName = "SessionWindowAggregate";

  int num_partitions() const override { return num_partitions_; }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  Result<StateOperatorMetrics> Finish(ExecContext* ctx) const override;
  std::string name() const override { return "SessionWindowAggregate"; }
  std::string details() const override;

 private:
  struct Execution;
  Result<std::shared_ptr<Execution>> Prepare(ExecContext* ctx) const;
  Status PrepareInput(ExecContext* ctx, Execution* ex) const;
  Status RunPartition(Execution* ex, int partition) const;
  Status UpdatePartition(Execution* ex, int partition) const;

  size_t num_keys_;
  size_t session_key_;
  std::vector<DataType> key_types_;
  std::vector<int> other_keys_;
  std::vector<AggregateCall> calls_;
  std::vector<DataType> state_types_;  // every aggregate's state columns, in order
  int num_partitions_;
};

}  // namespace sluice
