// DeduplicateOperator: streaming dropDuplicates / dropDuplicatesWithinWatermark
// (Spark's StreamingDeduplicateExec, StreamingDeduplicateWithinWatermarkExec).
// (A batch dropDuplicates is planned as a HashAggregate taking first() of
// the other columns.)
//
// Input and output: the child's rows; a row is emitted the first time its
// key (the dedup columns) is seen, later rows with that key are dropped. One
// output partition per state partition (rows split by the hash of the key).
//
// Streaming, batch N, executed once per ExecContext:
//   1. (first Open) check/record the StateSchema, drain the input; rows
//      whose event time (the input's watermark column) is <= the late-events
//      watermark are dropped and counted (numRowsDroppedByWatermark); the
//      rest are split by key hash, in input order;
//   2. per state partition: load version N, for each row in order: key in
//      the state -> dropped; else stored (value: nothing; within-watermark:
//      the expiry, event time + delay) and emitted; then eviction by the
//      eviction watermark: dropDuplicates removes keys whose watermark
//      column (one of the keys; none: state is kept forever, as Spark) is
//      <= it; dropDuplicatesWithinWatermark removes keys whose expiry is
//      <= it; commit N + 1.
// State rows follow the shared rule (state_schema.h): key bytes are
// EncodeStateRow of the key columns, value bytes EncodeStateRow of nothing
// (dropDuplicates) or of one TIMESTAMP `expiresAtMicros` (within watermark).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/stateful/event_time_column.h"
#include "exec/stateful/stateful_operator.h"

namespace sluice {

struct DeduplicateSpec {
  std::vector<int> key_columns;   // into the child's output
  int event_time_column = -1;     // the child's watermark column (-1: none)
  int key_event_time = -1;        // index into key_columns of a key carrying a watermark (-1: none)
  bool within_watermark = false;  // dropDuplicatesWithinWatermark
  int64_t delay_ms = 0;           // within watermark: the watermark's delay
};

class DeduplicateOperator final : public StatefulOperator {
 public:
  DeduplicateOperator(PhysicalOperatorPtr child, DeduplicateSpec spec, StatefulOperatorStateInfo info,
                      StateSchema schema);

  // The state schema: the key columns; within watermark one value column
  // `expiresAtMicros` TIMESTAMP.
  static StateSchema MakeStateSchema(const std::vector<StructField>& keys, bool within_watermark);
  // Fails for keys the state cannot store, and for a within-watermark
  // deduplication without a watermark (Spark's error).
  static Status Validate(const std::vector<DataType>& key_types, const DeduplicateSpec& spec);

  int num_partitions() const override { return num_partitions_; }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  Result<StateOperatorMetrics> Finish(ExecContext* ctx) const override;
  std::string name() const override {
    return spec_.within_watermark ? "StreamingDeduplicateWithinWatermark" : "StreamingDeduplicate";
  }
  std::string details() const override;

 private:
  struct Execution;
  Result<std::shared_ptr<Execution>> Prepare(ExecContext* ctx) const;
  Status PrepareInput(ExecContext* ctx, Execution* ex) const;
  Status RunPartition(Execution* ex, int partition) const;
  Status UpdatePartition(Execution* ex, int partition) const;

  DeduplicateSpec spec_;
  int num_partitions_;
  std::vector<DataType> key_types_;
  std::optional<EventTimeColumn> input_time_;  // of spec_.event_time_column
  std::optional<EventTimeColumn> key_time_;    // of spec_.key_event_time
};

}  // namespace sluice
