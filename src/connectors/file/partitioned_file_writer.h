// PartitionedFileWriter: rows into JSON-lines or CSV part files under a
// directory, optionally partitioned by columns as Spark lays them out
// (partitioning.h): a row whose partition columns (a, b) hold (1, "x") goes
// to `<dir>/a=1/b=x/`, and the files hold the other columns only (a CSV
// header too).
//
// Each writer (a query partition, written by one thread) appends to one
// file per partition directory it meets (through a buffer: appends of about
// 1 MB, at most 16 MB buffered per writer), named
// `<partition dirs>/<file_prefix><uuid>.<ext>`. Finish syncs and closes the
// files, then syncs the directories that hold them, deepest first, and
// `dir`; the files are then durable and kept. A writer dropped before
// Finish succeeded deletes its files.
//
// The streaming file sink (file_stream_sink.h) writes each batch with one
// and records the files in its manifest; WriteFiles is the batch form (a
// whole result into a directory, with Spark's _SUCCESS marker) for a
// DataFrameWriter.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/file/file_format_options.h"
#include "env/env.h"
#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

struct WrittenFile {
  std::string path;  // relative to the writer's directory ("a=1/part-00000-<uuid>.json")
  std::string absolute_path;
  int64_t size = 0;
  uint32_t crc32 = 0;  // zlib's crc32 of the file's bytes
};

// "a, b" (the option partitionBy, as DataStreamWriter::partitionBy joins its
// columns) as names; InvalidArgument for an empty name.
Result<std::vector<std::string>> ParsePartitionByOption(const std::string& value);

// The indices in `schema` of the columns `partition_by` names
// (case-insensitive), with Spark's checks: AnalysisError for a column not in
// the schema ("Partition column nope not found in existing columns (a, b)"),
// a repeated one, a STRUCT, ARRAY or BINARY one, and when they are all the
// columns ([ALL_PARTITION_COLUMNS_NOT_ALLOWED]).
Result<std::vector<int>> ResolvePartitionColumns(const Schema& schema, const std::vector<std::string>& partition_by);

class PartitionedFileWriter {
 public:
  // `schema`: the rows' columns; `options`: the format's write options
  // (header, sep, ignoreNullFields, ...). Fails as ResolvePartitionColumns.
  static Result<std::unique_ptr<PartitionedFileWriter>> Make(Env* env, std::string dir, FileFormat format,
                                                             FileFormatOptions options, const Schema& schema,
                                                             const std::vector<std::string>& partition_by,
                                                             int num_writers, std::string file_prefix);
  ~PartitionedFileWriter();
  PartitionedFileWriter(const PartitionedFileWriter&) = delete;
  PartitionedFileWriter& operator=(const PartitionedFileWriter&) = delete;

  // Rows for writer `writer` (in [0, num_writers)); distinct writers may
  // write from distinct threads at once.
  Status Write(int writer, const Batch& batch);
  // Every file, durable (see above), in writer then directory order.
  Result<std::vector<WrittenFile>> Finish();

 private:
  struct Part;
  PartitionedFileWriter() = default;
  // Adds `batch`'s bytes to `p` (its buffer; *buffered counts the writer's
  // buffered bytes).
  Status WriteTo(Part& p, const std::string& dir, const Batch& batch, size_t* buffered);

  Env* env_ = nullptr;
  std::string dir_;
  FileFormat format_ = FileFormat::kJson;
  FileFormatOptions options_;
  std::string file_prefix_;
  std::vector<int> partition_columns_;  // indices into the rows' schema, in partitionBy order
  std::vector<std::string> partition_names_;
  std::vector<int> data_columns_;  // the others, in schema order: what the files hold
  Schema data_schema_;
  // Per writer, its files by relative partition directory ("" when not
  // partitioned); each touched by its writer's thread only.
  std::vector<std::map<std::string, std::unique_ptr<Part>>> parts_;
  std::vector<size_t> buffered_;  // per writer: bytes in its files' buffers
  bool finished_ = false;
};

// Writes `batches` (rows of `schema`) into `dir` as Spark's batch writer
// lays a directory out: part files `part-00000-<uuid>.<ext>` (partitioned
// as above) and an empty `_SUCCESS` file written last. `dir` is created if
// needed; the save mode (error / overwrite / append / ignore) is the
// caller's to apply before. Returns the data files.
Result<std::vector<WrittenFile>> WriteFiles(Env* env, const std::string& dir, FileFormat format,
                                            const FileFormatOptions& options, const Schema& schema,
                                            const std::vector<Batch>& batches,
                                            const std::vector<std::string>& partition_by);

}  // namespace sluice
