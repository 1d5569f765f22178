// StatefulOperator: a physical operator of a streaming micro-batch that
// keeps state across batches in the state store (Spark's
// StatefulOperator / StateStoreWriter). The physical planner makes one from
// each stateful node of the logical plan (an Aggregate over streaming data
// today; windows, deduplication and stream-stream joins later), giving it a
// StatefulOperatorStateInfo: where its state lives and which version batch N
// reads (N) and commits (N + 1).
//
// Contract, on top of PhysicalOperator's:
//   * the operator's partitions are the state's shuffle partitions; opening
//     one reads that partition's state version N, applies the batch and
//     commits version N + 1 before it returns rows;
//   * a plan above may not open every partition (a Limit stops early), so
//     after draining the plan the runner calls Finish, which does the work of
//     the partitions nobody opened (every partition must commit N + 1) and
//     returns the operator's metrics for the progress report;
//   * before reading any state, the operator checks (and at its first batch
//     records) its StateSchema through the StateCheckpoint.
// A stateful operator is planned for one batch and executed once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exec/physical_operator.h"
#include "exec/stateful/state_checkpoint.h"
#include "exec/stateful/state_schema.h"

namespace sluice {

// Spark's output modes, as a stateful operator applies them: append emits
// rows that can no longer change, update the rows this batch changed,
// complete every row.
enum class StatefulOutputMode : uint8_t { kAppend, kUpdate, kComplete };
const char* StatefulOutputModeName(StatefulOutputMode mode);

// What the planner knows about the state of one micro-batch (Spark's
// IncrementalExecution fields).
struct StatefulBatchInfo {
  StateCheckpoint* checkpoint = nullptr;  // owned by the runner, lives for the run
  int64_t batch_id = 0;                   // reads state version batch_id, commits batch_id + 1
  int num_partitions = 1;                 // spark.sql.shuffle.partitions, pinned at the first batch
  StatefulOutputMode output_mode = StatefulOutputMode::kUpdate;
  // The event-time watermark (ms since the epoch) of the batch, as Spark's
  // IncrementalExecution has it; nullopt when the query defines none.
  // Rows whose event time is <= watermark_for_late_events_ms are late: a
  // stateful operator drops them and counts them (numRowsDroppedByWatermark).
  // It is the watermark of the previous batch. State whose event time is <=
  // watermark_for_eviction_ms (the batch's own watermark, offsets/<id>'s
  // batchWatermarkMs) is emitted (append mode) and removed.
  std::optional<int64_t> watermark_for_late_events_ms;
  std::optional<int64_t> watermark_for_eviction_ms;
};

// One operator's part of it (Spark's StatefulOperatorStateInfo).
struct StatefulOperatorStateInfo {
  StatefulBatchInfo batch;
  int operator_id = 0;  // `<checkpoint>/state/<operator_id>/`; 0, 1, ... in plan order
};

// Spark's StateOperatorProgress fields, for one batch of one operator.
struct StateOperatorMetrics {
  int operator_id = 0;
  std::string operator_name;     // "stateStoreSave", "dedupe", "symmetricHashJoin", ... (Spark's names)
  int64_t num_rows_total = 0;    // keys in the state after the batch
  int64_t num_rows_updated = 0;  // keys the batch wrote
  int64_t num_rows_removed = 0;  // keys the batch removed (evicted by the watermark)
  int64_t num_rows_dropped_by_watermark = 0;  // input rows dropped as late
  int64_t memory_used_bytes = 0;
  int64_t num_shuffle_partitions = 0;
  int64_t commit_time_ms = 0;  // loading, updating and committing the state, summed over partitions
};

class StatefulOperator : public PhysicalOperator {
 public:
  StatefulOperator(Schema output, std::vector<PhysicalOperatorPtr> children, StatefulOperatorStateInfo info,
                   StateSchema schema)
      : PhysicalOperator(std::move(output), std::move(children)), info_(info), schema_(std::move(schema)) {}

  const StatefulOperatorStateInfo& state_info() const { return info_; }
  int operator_id() const { return info_.operator_id; }
  const StateSchema& state_schema() const { return schema_; }

  // Runs what the execution with `ctx` has not run yet (every partition
  // commits its state) and returns the metrics of the execution.
  virtual Result<StateOperatorMetrics> Finish(ExecContext* ctx) const = 0;

  // Spark's produceOutputWatermark: the watermark (ms) of the rows this
  // operator outputs, for a stateful operator above it, when its input
  // watermark is `input_ms` (nullopt: none). The default passes it through;
  // a stream-stream join delays it to its state watermark (it may still
  // output rows as old as that).
  virtual std::optional<int64_t> OutputWatermarkMs(std::optional<int64_t> input_ms) const { return input_ms; }

 private:
  StatefulOperatorStateInfo info_;
  StateSchema schema_;
};

// The batch info of a stateful operator over `inputs` (its planned
// children), with the watermarks Spark 3.4+ gives an operator when a query
// has several (PropagateWatermarkSimulator): its input watermark is the
// smallest output watermark (OutputWatermarkMs) of the stateful operators
// just below it on each input path, or `batch`'s global watermark on a
// path that has none but an EventTimeWatermark; done once for the
// late-events and once for the eviction watermark. A single stateful
// operator (or one above only pass-through ones) gets `batch`'s unchanged.
StatefulBatchInfo PropagateWatermarks(const StatefulBatchInfo& batch, const std::vector<PhysicalOperatorPtr>& inputs);

// The state partition of each row of `batch` (Spark's hash partitioning by
// the state key): row i goes to HashMix64(KeyHasher hash of its
// `key_columns`) % num_partitions, the rule every stateful operator uses to
// route a key to the store that holds it. It is part of the checkpoint's
// format: a key must land in the same partition in every run. No key
// columns, or one partition: every row in partition 0.
std::vector<SelectionVector> SplitByStatePartition(const Batch& batch, const std::vector<int>& key_columns,
                                                   int num_partitions);

// The stateful operators of a physical plan, by operator id.
std::vector<const StatefulOperator*> FindStatefulOperators(const PhysicalOperator& plan);
// Finish of each stateful operator of `plan` executed with `ctx`.
Result<std::vector<StateOperatorMetrics>> FinishStatefulOperators(const PhysicalOperator& plan, ExecContext* ctx);

}  // namespace sluice
