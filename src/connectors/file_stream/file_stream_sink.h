// FileStreamSink: writes every batch as part files into a directory (Spark's
// FileStreamSink), JSON lines ("json") or CSV ("csv"), append mode only.
//
// Batch b: each partition of the query writes its rows, as they come, to a
// part file of its own, `part-<b>-<uuid>.<ext>`; once every partition is
// done the files are fsynced (and the directory), then -- only then --
// batch b is recorded in the manifest `<path>/_sluice_metadata/`
// (checkpoint/file_sink_manifest.h) with its offsets digest. A
// batch already in the manifest is skipped when replayed after a crash (and
// fails if it now covers other offsets than the digest recorded); a
// part file of a crashed attempt is not in the manifest and so, for
// readers that trust the manifest (ReadFileSinkFiles), does not exist.
// Kill point "file_sink:before_manifest" sits between the two steps.
//
// partitionBy (option "partitionBy", comma-separated column names, as
// DataStreamWriter::partitionBy sets it): each row goes to the directory
// `<path>/<c1>=<v1>/<c2>=<v2>/` of its values (partitioning.h: Hive-style
// escaping, __HIVE_DEFAULT_PARTITION__ for NULL and ""), in a part file of
// that directory per query partition, and the files hold the other columns
// only (Spark's layout). The manifest records each file by its path
// relative to `<path>` ("a=1/b=x/part-00003-<uuid>.json"), so readers
// (file_listing.h) find the partition values in the path.
//
// Open reads the whole manifest (every file a reader would read, checksums
// included) and fails with Corruption naming a damaged file, and when the
// manifest ends before the checkpoint's last committed batch (a lost
// manifest file): the query then stops before it plans a batch.
#pragma once

#include <optional>

#include "checkpoint/file_sink_manifest.h"
#include "connectors/connector_registry.h"
#include "connectors/file/file_format_options.h"
#include "connectors/sink.h"
#include "connectors/source.h"

namespace sluice {

class FileStreamSink : public Sink {
 public:
  static Result<std::shared_ptr<FileStreamSink>> Make(const std::string& format, const SourceOptions& options);
  // The streaming sinks "json" and "csv".
  static ConnectorSpec Spec(const std::string& format);
  std::string description() const override { return "FileSink[" + dir_ + "]"; }
  Status Open(const SinkContext& ctx) override;
  // A batch the manifest holds is skipped (a replay after a crash), unless
  // the manifest recorded another offsets digest for it: then the batch was
  // re-planned over other offsets and BeginBatch fails naming both.
  Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo& batch, const Schema& schema, OutputMode mode,
                                                 int num_partitions) override;

  const std::string& format() const { return format_; }
  const std::string& dir() const { return dir_; }
  const FileFormatOptions& write_options() const { return write_options_; }
  const std::vector<std::string>& partition_by() const { return partition_by_; }

 private:
  std::string format_;
  std::string dir_;
  FileFormatOptions write_options_;
  std::vector<std::string> partition_by_;  // the partitionBy option's columns
  Env* env_ = nullptr;
  std::string checkpoint_dir_;  // for messages
  std::optional<FileSinkManifest> manifest_;
};

// The data files a file sink committed in `dir` (absolute paths), from its
// manifest; the files batch readers should trust. NotFound if `dir` has no
// manifest. Each file is checked against its manifest entry: its size, and
// its CRC-32 when recorded (every file is read once); Corruption naming the
// file if it was changed after it was committed.
Result<std::vector<std::string>> ReadFileSinkFiles(Env* env, const std::string& dir);

}  // namespace sluice
