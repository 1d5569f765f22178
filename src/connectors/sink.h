// Sink: where a streaming query's result goes (Spark's Sink).
//
// Each micro-batch is written once, after the offset log holds the batch and
// before the commit log does: BeginBatch(batch, ...) returns a SinkWriter,
// every partition of the query hands it its batches as it produces them, and
// Commit() ends the batch. A sink that needs the whole result at once (to
// print it, or to replace a table in complete mode) derives from
// CollectingSink and implements AddBatch: its writer collects the batches
// and calls it from Commit. After a
// crash the same batch may be offered again with the same data: a sink must
// be idempotent per batchId (skip a batch it already holds, or overwrite it
// exactly). An exactly-once sink that skips a batch it holds also records
// the batch's offsets digest (SinkBatchInfo) with it, and fails when a batch
// id it holds comes again with another digest: the checkpoint was rolled
// back or edited and the batch re-planned over other offsets, so skipping
// it would lose (or keep foreign) rows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "common/phase_times.h"
#include "env/env.h"
#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

// Spark's OutputMode.
enum class OutputMode : uint8_t { kAppend, kUpdate, kComplete };
const char* OutputModeName(OutputMode m);
// Parses "append" / "update" / "complete" (any case).
Result<OutputMode> ParseOutputMode(const std::string& mode);

struct SinkContext {
  Env* env = nullptr;
  std::string query_name;  // may be empty
  std::string query_id;
  std::string checkpoint_dir;
  // The newest batch id in the checkpoint's commit log (-1: none yet): a
  // sink that records its batches (the file sink's manifest) checks that it
  // is not behind.
  int64_t last_committed_batch_id = -1;
  // The schema of the rows the query will write (nullopt: not known), so
  // that a sink can check its options against it before the first batch
  // (the file sink's partitionBy columns).
  std::optional<Schema> output_schema = std::nullopt;
  // Cancelled when the query stops: flushes and other waits must give up
  // within about a second (the batch is then not committed).
  const CancellationToken* cancel = &CancellationToken::Never();
};

// The micro-batch a sink is asked to write.
struct SinkBatchInfo {
  int64_t id = 0;
  // What the batch covers: SourceOffsetsDigest (checkpoint/offset_log.h) of
  // its start and end offsets, e.g. "fnv1a64:0123456789abcdef". The same on
  // every run of the batch (a replay after a crash reads the offsets back
  // from the offset log); another value for the same id means the batch was
  // re-planned over other offsets. Empty: unknown (not checked).
  std::string offsets_digest;
  // Where the writer adds the time of its phases (flush, transaction
  // commit) for the batch's progress record; null: not measured. Lives
  // until the writer is destroyed.
  PhaseTimes* phase_times = nullptr;
};

// One micro-batch being written to a sink.
class SinkWriter {
 public:
  virtual ~SinkWriter() = default;
  // A batch of result rows from `partition` (in [0, num_partitions) of
  // BeginBatch). Different partitions call this from different threads at
  // once; the calls of one partition come in its order.
  virtual Status Write(int partition, Batch batch) = 0;
  // Every partition is written: the batch is complete in the sink. A writer
  // destroyed without Commit (the batch failed) leaves the sink as if the
  // batch had not been offered, or half-written in a way the replay fixes.
  virtual Status Commit() = 0;
  // Every row written so far is stored in the sink, still invisible, and
  // ordered before anything a later batch writes (a sink that
  // PipelinesCommits): what Commit has left is making the batch visible.
  // Called at most once, after the last Write and before Commit; Commit
  // flushes itself when it was not called. The runner calls it before the
  // batch's offsets/<id> is durable (so that the sink's round trips overlap
  // that write): it must make nothing visible that Write had not.
  virtual Status Flush() { return Status::OK(); }
};

class Sink {
 public:
  virtual ~Sink() = default;
  // "MemorySink", "FileSink[/out]" (progress "sink.description").
  virtual std::string description() const = 0;
  virtual Status Open(const SinkContext& ctx) { return Status::OK(); }
  // A writer for batch `batch.id` (in update/append mode the new or changed
  // rows; in complete mode the whole result), fed by `num_partitions`
  // partitions. Sinks that write as the rows come implement this, so that a
  // micro-batch never has to fit in memory.
  virtual Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo& batch, const Schema& schema,
                                                         OutputMode mode, int num_partitions) = 0;
  // True when batch N+1 may begin and write while batch N's Commit runs on
  // another thread, once N's writer has Flushed. N+1's Commit is then
  // called only after N's returned OK; when it failed, N+1's writer is
  // destroyed without Commit. The micro-batch runner then overlaps one
  // batch's commit with the next batch's read, run and writes
  // (MicroBatchExecution, docs/streaming.md "Pipelined commits").
  virtual bool PipelinesCommits() const { return false; }
  virtual void Stop() {}
};

// A sink that takes a micro-batch's result whole (console, memory,
// foreachBatch): its writer collects every batch and calls AddBatch
// (batches in partition order) from Commit.
class CollectingSink : public Sink {
 public:
  virtual Status AddBatch(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches,
                          OutputMode mode) = 0;
  Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo& batch, const Schema& schema, OutputMode mode,
                                                 int num_partitions) override;
};

namespace internal {
// Collects each partition's batches and hands them, in partition order, to
// AddBatch at Commit. `keep_rows_per_partition` bounds what it holds: rows of
// a partition past that many are dropped as they come (the console sink keeps
// only what it can print); the default keeps everything.
class CollectingSinkWriter final : public SinkWriter {
 public:
  CollectingSinkWriter(CollectingSink* sink, int64_t batch_id, Schema schema, OutputMode mode, int num_partitions,
                       size_t keep_rows_per_partition = SIZE_MAX)
      : sink_(sink), batch_id_(batch_id), schema_(std::move(schema)), mode_(mode), keep_(keep_rows_per_partition),
        parts_(static_cast<size_t>(num_partitions)) {}
  Status Write(int partition, Batch batch) override {
    Part& part = parts_[static_cast<size_t>(partition)];  // one thread per partition
    if (part.rows >= keep_) return Status::OK();
    size_t take = std::min(batch.num_rows, keep_ - part.rows);
    part.rows += take;
    part.batches.push_back(take == batch.num_rows ? std::move(batch) : batch.Slice(0, take));
    return Status::OK();
  }
  Status Commit() override {
    std::vector<Batch> all;
    for (Part& p : parts_) {
      for (Batch& b : p.batches) all.push_back(std::move(b));
    }
    parts_.clear();
    return sink_->AddBatch(batch_id_, schema_, all, mode_);
  }

 private:
  struct Part {
    size_t rows = 0;
    std::vector<Batch> batches;
  };
  CollectingSink* sink_;
  int64_t batch_id_;
  Schema schema_;
  OutputMode mode_;
  size_t keep_;
  std::vector<Part> parts_;
};
}  // namespace internal

inline Result<std::unique_ptr<SinkWriter>> CollectingSink::BeginBatch(const SinkBatchInfo& batch,
                                                                      const Schema& schema, OutputMode mode,
                                                                      int num_partitions) {
  return std::unique_ptr<SinkWriter>(
      std::make_unique<internal::CollectingSinkWriter>(this, batch.id, schema, mode, num_partitions));
}
using SinkPtr = std::shared_ptr<Sink>;

inline const char* OutputModeName(OutputMode m) {
  switch (m) {
    case OutputMode::kAppend: return "Append";
    case OutputMode::kUpdate: return "Update";
    case OutputMode::kComplete: return "Complete";
  }
  return "?";
}

inline Result<OutputMode> ParseOutputMode(const std::string& mode) {
  if (EqualsIgnoreCase(mode, "append")) return OutputMode::kAppend;
  if (EqualsIgnoreCase(mode, "update")) return OutputMode::kUpdate;
  if (EqualsIgnoreCase(mode, "complete")) return OutputMode::kComplete;
  return Status::InvalidArgument("unknown output mode '" + mode + "'; accepted output modes are 'append', "
                                 "'complete', 'update'");
}

}  // namespace sluice
