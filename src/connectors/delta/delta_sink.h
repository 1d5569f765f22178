// DeltaSink: writes a streaming query into a Delta Lake table directory
// (`USING delta`, `format("delta")`), append and complete (overwrite)
// output modes, one Delta version per micro-batch.
//
// Batch b:
//  1. BeginBatch replays the table's log (DeltaLog, only the commits it has
//     not read yet). If the table's txn for our application id (the query
//     id, Spark's convention) is already >= b, the batch was committed by
//     an earlier run (a crash between the Delta commit and the checkpoint's
//     commit log): it is skipped (and fails if the commit recorded another
//     offsets digest for it, as the file sink does).
//  2. Each partition of the query writes its rows as they come into Parquet
//     files of its own at the table's root (or per partition directory,
//     `<col>=<value>/`, of a partitioned table),
//     `part-<partition>-<uuid>-c000.<codec>.parquet` (a new file after
//     maxRecordsPerFile rows), each fsynced when closed, then the directories.
//  3. Commit writes version v = (the version read) + 1 with put-if-absent
//     (DeltaLog::WriteCommit): commitInfo; protocol and metaData when the
//     table is new; txn {appId: query id, version: b}; one add per file
//     (path, partitionValues, size, modificationTime, dataChange, stats); in
//     complete mode a remove for every file of the table at the version read.
//  4. If another writer took v first, its commits are read: a txn of ours
//     at >= b means the batch is in (our files are deleted, the batch is
//     done); a protocol or metaData change is a conflict error that fails
//     the batch, except a table created by another writer while this batch
//     was creating it (version 0 lost), taken as it is if its schema and
//     partitioning are the query's. Otherwise (concurrent appends, deletes,
//     compactions) the commit is retried at the next free version (complete
//     mode recomputing its removes), up to 100 attempts.
//  5. After a version that is a multiple of checkpointInterval (10, as
//     Spark's delta.checkpointInterval), a checkpoint of the table's state
//     at it (delta_checkpoint.h), so that readers do not replay every commit.
// Kill points: "delta_sink:before_commit" (files written, no version yet),
// "delta_sink:after_commit" (the version is in, the checkpoint's commit log
// not yet) and "delta_log:before_commit_rename".
//
// Files of a failed or crashed attempt are in no version, so readers never
// see them (Delta's VACUUM removes such orphans).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector_registry.h"
#include "connectors/delta/delta_log.h"
#include "connectors/sink.h"
#include "connectors/source.h"

namespace sluice {

struct DeltaSinkOptions {
  std::string path;
  std::string compression = "snappy";  // Spark's parquet codec names
  int64_t max_records_per_file = 0;    // 0: no limit
  std::vector<std::string> partition_by;  // a new table's partition columns
  int64_t checkpoint_interval = 10;       // 0: no checkpoints
};

class DeltaSink : public Sink {
 public:
  static Result<std::shared_ptr<DeltaSink>> Make(const SourceOptions& options);
  static ConnectorSpec Spec();
  std::string description() const override { return "DeltaSink[" + options_.path + "]"; }
  Status Open(const SinkContext& ctx) override;
  Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo& batch, const Schema& schema, OutputMode mode,
                                                 int num_partitions) override;

  // How many Delta commits lost their race and were retried (tests).
  int64_t commit_retries() const { return commit_retries_; }

 private:
  friend class DeltaBatchWriter;
  // Brings snapshot_ up to date; checks the table is one this sink can write.
  Status Refresh(std::vector<DeltaCommitSummary>* summaries = nullptr);
  Status CheckWritable(const Schema* query_schema, OutputMode mode) const;
  // After a commit: a checkpoint if the newest version is a multiple of the
  // checkpoint interval (failures are logged, not returned).
  void MaybeCheckpoint(PhaseTimes* phase_times);

  DeltaSinkOptions options_;
  Env* env_ = nullptr;
  std::string app_id_;  // the query id
  std::string checkpoint_dir_;
  std::optional<DeltaLog> log_;
  DeltaSnapshot snapshot_;
  int64_t commit_retries_ = 0;
};

}  // namespace sluice
