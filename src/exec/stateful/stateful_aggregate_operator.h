// StatefulAggregateOperator: a streaming groupBy/agg across micro-batches
// (Spark's StateStoreRestore / StateStoreSave pair in one operator).
//
// Input: the key columns first, then the aggregates' arguments (the physical
// planner's pre-projection; calls[i].input_column indexes it). Output: the
// keys, then one finalized column per aggregate. One output partition per
// state partition (spark.sql.shuffle.partitions; 1 without keys).
//
// Batch N, executed once per ExecContext:
//   1. (first Open of any partition) check the state schema
//      (StateCheckpoint::EnsureSchema; recorded at the first batch), then
//      drain the input's partitions in parallel, each folding its rows into
//      an AggregateHashTable of its own (the input is never collected),
//      merge the tables and split their exported state rows by the hash of
//      the key (KeyHasher; stable across runs) into the state partitions;
//   2. (Open(p), or Finish for partitions nobody opened) load state version
//      N of `<checkpoint>/state/<op>/<p>`, MergeState the stored groups
//      (complete mode: all of them; update: those the batch touched) and the
//      batch's rows, Put the touched groups back, commit version N + 1;
//   3. Open(p) returns the finalized rows: every group of the partition
//      (complete) or the touched ones (update).
// Keys and states are stored with StateRowCodec.
//
// Event time (`event_time_key` >= 0: the grouping key carrying a watermark,
// a TIMESTAMP or a window STRUCT whose `end` counts), as Spark:
//   * a group of the batch whose key time is <= the late-events watermark
//     is dropped before it touches the state and counted
//     (numRowsDroppedByWatermark; rows after the partial aggregation, so one
//     per late group and batch, as Spark counts them);
//   * append mode: nothing is emitted when touched; every stored group whose
//     key time is <= the eviction watermark is emitted once, finalized, and
//     removed from the state;
//   * update mode: the touched groups are emitted, then the groups behind
//     the eviction watermark are removed (not emitted again);
//   * complete mode: no eviction.
// Removed groups count in numRowsRemoved.
//
// DISTINCT aggregates (count/sum/avg(DISTINCT x); min/max(DISTINCT x) are
// their plain forms): the values each group has seen are kept in the state
// store, one key per (group key, value), in a store of their own per
// aggregate (`<checkpoint>/state/<op>/<p>/distinct<i>`, i the aggregate's
// index; the groups are then in `<p>/groups`). A batch's (group, value) pairs that are not in that store yet are
// put there and folded into the group's state by the aggregate's plain form
// (count(x), sum(x), avg(x) over the new values only), so the group's state
// row stays as small as for a plain aggregate; NULL values are skipped, as
// DISTINCT does. A group's values leave their store when the group is
// evicted by the watermark (never in complete mode).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/operators/aggregate_function.h"
#include "exec/stateful/event_time_column.h"
#include "exec/stateful/stateful_operator.h"

namespace sluice {

class AggregateHashTable;

class StatefulAggregateOperator final : public StatefulOperator {
 public:
  // `schema`: MakeStateSchema of the same keys and calls.
  StatefulAggregateOperator(PhysicalOperatorPtr child, size_t num_keys, std::vector<AggregateCall> calls,
                            Schema output, StatefulOperatorStateInfo info, StateSchema schema,
                            int event_time_key = -1);

  // Fails for keys and aggregates whose state cannot be stored
  // (collect_list, nested types, DISTINCT of anything but count, sum, avg,
  // min and max).
  static Status Validate(const std::vector<DataType>& key_types, const std::vector<AggregateCall>& calls);
  // The state schema of an aggregation: `keys` (names and types of the
  // grouping columns) and, per call, its output name and SQL text.
  static StateSchema MakeStateSchema(const std::vector<StructField>& keys, const std::vector<AggregateCall>& calls,
                                     const std::vector<std::string>& value_names,
                                     const std::vector<std::string>& value_sql);

  int num_partitions() const override { return num_partitions_; }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  Result<StateOperatorMetrics> Finish(ExecContext* ctx) const override;
  std::string name() const override { return "StatefulAggregate"; }
  std::string details() const override;

 private:
  struct Execution;
  // The execution of `ctx`, with step 1 done.
  Result<std::shared_ptr<Execution>> Prepare(ExecContext* ctx) const;
  Status PrepareInput(ExecContext* ctx, Execution* ex) const;
  // Step 2 for `partition`, once per execution.
  Status RunPartition(Execution* ex, int partition) const;
  Status UpdatePartition(Execution* ex, int partition) const;
  // The batch's new (group, value) pairs of the d-th DISTINCT aggregate in
  // `partition` (`pairs`), recorded in its store (loaded into `store`),
  // folded into `table` (whose groups include them already).
  Status UpdateDistinct(int partition, size_t d, const Batch& pairs, AggregateHashTable* table,
                        std::unique_ptr<StateStore>* store) const;

  size_t num_keys_;
  std::vector<DataType> key_types_;
  std::vector<int> key_columns_;
  std::vector<AggregateCall> calls_;
  // calls_ with DISTINCT dropped: what the state keeps per group.
  std::vector<AggregateCall> plain_calls_;
  std::vector<size_t> distinct_;       // indexes of the DISTINCT calls
  int num_partitions_;
  int event_time_key_ = -1;
  std::optional<EventTimeColumn> event_time_;
};

}  // namespace sluice
