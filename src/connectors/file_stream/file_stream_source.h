// FileStreamSource: a directory of JSON-lines or CSV files as a stream
// (Spark's FileStreamSource). New files are taken oldest first (modification
// time, then name), at most maxFilesPerTrigger per batch. Files whose names
// start with '.' or '_' are ignored. Subdirectories are walked too (except
// hidden ones; _c=1 is a partition directory, not hidden): partition
// directories col=value found when the query starts give partition columns
// (partitioning.h; typed by the user's schema where it names them, else
// inferred), put after the schema's other columns and filled from each
// file's path, as Spark's file stream source does; the layout should stay
// the same while the query runs (a file in a directory without a column's
// value gets NULL for it).
//
// The seen-files log `<checkpoint>/sources/<i>/<logId>` (a MetadataLog) holds,
// per log entry, one JSON line per file: {"path":"...","timestamp":ms,"batchId":logId}.
// The source's offset is {"logOffset":N}: every file of entries 0..N. A batch
// (start, end] reads the files of entries start+1..end, so a replayed batch
// reads exactly the same files, and a file is never taken twice, even when
// it arrived while the query was stopped. The log is never purged: it must
// start at entry 0 (Open checks) and reach the offset the offset log records
// for the source (CheckRecoveredOffset); a deleted entry would otherwise make
// its files be read again, or files that arrived since be folded into a
// re-created entry at an offset already committed, and never read.
//
// Records are parsed by connectors/file's FileScan (through MakeFileTable)
// with the same options as batch reads (mode PERMISSIVE / DROPMALFORMED /
// FAILFAST, header, sep, ...).
//
// A directory that does not exist (yet) is an empty stream: the query waits
// for it, and a warning naming it is logged at once and then every few
// seconds while it waits.
//
// A logged file that no longer exists when its batch is read (deleted
// after it was logged, e.g. before a crashed batch is replayed) fails the
// batch with NotFound naming the file, its log entry and the option
// ignoreMissingFiles; with ignoreMissingFiles 'true' it is skipped, with a
// warning, and counted in the batch's progress (metrics numFilesMissing).
#pragma once

#include <set>

#include "checkpoint/metadata_log.h"
#include "connectors/connector_registry.h"
#include "common/log.h"
#include "connectors/source.h"

namespace sluice {

class FileStreamSource : public Source {
 public:
  static Result<std::shared_ptr<FileStreamSource>> Make(const std::string& format, const SourceOptions& options,
                                                        Schema schema);
  // The streaming sources "json" and "csv".
  static ConnectorSpec Spec(const std::string& format);
  const Schema& schema() const override { return schema_; }
  std::string description() const override { return "FileStreamSource[" + dir_ + "]"; }
  Status Open(const SourceContext& ctx) override;
  Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                  const ReadLimit& limit) override;
  // The seen-files log must hold every entry 0..N for offset {"logOffset":N}.
  Status CheckRecoveredOffset(const std::optional<std::string>& offset,
                              const std::string& offset_log_file) override;
  Result<SourceBatch> GetBatch(const std::optional<std::string>& start, const std::string& end) override;
  Status PrepareForAvailableNow() override;
  ReadLimit DefaultReadLimit() const override;
  // {"numFilesMissing": "<n>"} (files of this batch skipped because they no
  // longer exist) when ignoreMissingFiles is set.
  std::map<std::string, std::string> Metrics() const override;

  static std::string OffsetJson(int64_t log_offset);
  static Result<int64_t> ParseOffset(const std::string& json);

 private:
  struct FileEntry {
    std::string path;
    int64_t mtime_ms;
  };
  Result<std::vector<FileEntry>> ListNewFiles();

  std::string format_;
  std::string dir_;
  Schema schema_;
  Schema partition_schema_;  // the columns of schema_ read from partition directories
  std::map<std::string, std::string> scan_options_;
  int64_t max_files_ = -1;
  bool ignore_missing_files_ = false;
  int64_t files_missing_ = 0;  // in the batch last read
  Env* env_ = nullptr;
  std::optional<MetadataLog> log_;
  std::set<std::string> seen_;
  std::map<int64_t, std::vector<std::string>> entries_;  // log id -> files
  std::optional<std::set<std::string>> available_now_files_;
  LogEvery missing_dir_warning_;
};

}  // namespace sluice
