// FileScan: reads JSON-lines, CSV or Parquet files straight into typed
// columnar batches (Parquet: parquet_reader.h says what differs).
//
//   paths --ListFiles--> files --PlanSplits--> splits (one per file; files
//   larger than maxPartitionBytes cut into byte ranges, see split_reader.h)
//   split --OpenSplit--> BatchStream of Batches of up to kBatchSize rows,
//   holding only the projected columns, in projection order.
//
// Projection pushdown: a column that is not projected is never converted.
// JSON: fields of unrequested keys are skipped by simdjson's on-demand
// parser without being materialized or type-checked (as Spark's
// JacksonParser skips fields missing from the required schema); CSV: the
// line is tokenized but unrequested fields are not converted.
//
// Malformed records, per `mode` (Spark 3.x semantics):
//  * a record that is not valid JSON (or whose root is not an object) is
//    malformed as a whole: PERMISSIVE gives a row of NULLs;
//  * a value that cannot be converted to its column's type (JSON string in
//    an INT column, "abc" in a CSV INT column, ...) and a CSV line with the
//    wrong number of fields are malformed too, but PERMISSIVE keeps the
//    partial result: the bad fields are NULL, the others keep their values
//    (missing CSV fields NULL, extra fields dropped);
//  * PERMISSIVE puts the raw record into the STRING column named
//    columnNameOfCorruptRecord if the schema has one (NULL for good
//    records); that column is never looked up in the data itself;
//  * DROPMALFORMED skips the record; FAILFAST fails the scan with
//    MalformedRecord "malformed JSON record at <file>:<line>: <reason>"
//    (1-based line within the file, right across splits).
// Every malformed record (kept, dropped or failing) is counted in
// malformed_records(). Blank lines are skipped (and CSV comment lines and the
// header line of every file when header=true).
//
// JSON conversions follow Spark's JacksonParser: numbers into INT/BIGINT
// (integers only, range-checked), DOUBLE (also "NaN"/"Infinity" strings),
// DECIMAL; strings into DATE/TIMESTAMP by parsing (TIMESTAMP also from an
// integer number of seconds); objects into STRUCT, arrays into ARRAY; a
// STRING column takes strings as they are and any other JSON value as its
// JSON text (objects/arrays minified); JSON null and missing fields are NULL.
// Field names match exactly (case-sensitive, as Spark's JSON reader); a
// duplicate key's last value wins. Root JSON arrays are not expanded into
// rows (they are malformed records).
//
// All IO goes through the Env the scan was made with (listing, and reads of
// 4 MB blocks), so a MemEnv or a FaultInjectionEnv can stand in for the disk.
// An IO error fails the scan with a Status naming the file. A file deleted
// between the listing and its read is NotFound ("path does not exist: ..."),
// or, with ignoreMissingFiles, gives no rows (a warning names it).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "connectors/file/file_format_options.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/split_reader.h"
#include "env/env.h"
#include "exec/expression.h"
#include "exec/physical_operator.h"
#include "sluice/status.h"
#include "types/data_type.h"

namespace sluice {

// Everything a split reader needs, shared by all splits of one scan.
struct ScanSpec {
  // Where the files are read from.
  Env* env = Env::Default();
  FileFormat format = FileFormat::kJson;
  Schema data_schema;
  FileFormatOptions options;
  // Indices into data_schema of the data columns the readers produce, in
  // their order.
  std::vector<int> projection;
  // Partition columns (values from the files' directories, partitioning.h)
  // and the scan's output: when `output` is empty, the projection's columns;
  // else column k is the reader's column output[k] when >= 0, or partition
  // column -1 - output[k] (a constant per file).
  Schema partition_schema;
  std::vector<int> output;
  // Index into data_schema of the corrupt-record column (a STRING column
  // named options.column_name_of_corrupt_record), or -1.
  int corrupt_column = -1;
  // Malformed records seen (all modes).
  std::shared_ptr<std::atomic<int64_t>> malformed = std::make_shared<std::atomic<int64_t>>(0);
  // The scan's filter (bound over OutputSchema()'s columns; may be null):
  // Parquet readers skip the row groups whose statistics it rules out.
  ExprPtr filter;
  // Parquet row groups read, and skipped by their statistics (all readers).
  std::shared_ptr<std::atomic<int64_t>> row_groups_read = std::make_shared<std::atomic<int64_t>>(0);
  std::shared_ptr<std::atomic<int64_t>> row_groups_skipped = std::make_shared<std::atomic<int64_t>>(0);

  // The scan's columns (with partition columns), and the readers' (the
  // projection's).
  Schema OutputSchema() const;
  Schema ReaderSchema() const;
};

// Splits `files` into byte ranges of at most max_bytes (whole files when
// !splittable), in file order.
std::vector<FileSplit> PlanSplits(const std::vector<FileInfo>& files, int64_t max_bytes,
                                  bool splittable);

// A reader of one split (JSON or CSV per spec->format).
Result<std::unique_ptr<BatchStream>> OpenSplitReader(const FileSplit& split,
                                                     std::shared_ptr<const ScanSpec> spec);

class FileScan {
 public:
  // Lists `paths` in `env` and plans the splits. `projection` indexes
  // `data_schema`; an empty projection is allowed (rows without columns, e.g.
  // for count).
  //
  // `partition_schema` (may be empty): the table's partition columns. Each
  // listed file's values are read from its directories under its base
  // directory (FileInfo::base_dir, or options.base_path when set) with
  // these columns' types; a partition column missing from a file's
  // directories is NULL for it, and directory columns not in
  // `partition_schema` are ignored. Files right in the base directory while
  // others sit in partition directories are left out (as Spark does).
  // `output` as ScanSpec::output.
  //
  // Partition pruning: `filter` (may be null; a BOOLEAN expression over the
  // output columns, which the caller still applies to the rows) drops the
  // files its conjuncts over partition columns only (deterministic ones)
  // reject for the file's partition values; a conjunct that fails to
  // evaluate keeps the file.
  static Result<std::shared_ptr<FileScan>> Make(Env* env, FileFormat format, std::vector<std::string> paths,
                                                Schema data_schema, FileFormatOptions options,
                                                std::vector<int> projection, Schema partition_schema = {},
                                                std::vector<int> output = {}, ExprPtr filter = nullptr);

  FileFormat format() const { return spec_->format; }
  const std::vector<std::string>& paths() const { return paths_; }
  const std::vector<FileInfo>& files() const { return files_; }
  const std::vector<FileSplit>& splits() const { return splits_; }
  // Files left out by partition pruning.
  int64_t files_pruned() const { return files_pruned_; }
  const ScanSpec& spec() const { return *spec_; }
  Schema output_schema() const { return spec_->OutputSchema(); }

  // Batches of split `i`.
  Result<std::unique_ptr<BatchStream>> OpenSplit(size_t i) const;
  // Parquet row groups read / skipped by statistics so far (all readers).
  int64_t row_groups_read() const { return spec_->row_groups_read->load(); }
  int64_t row_groups_skipped() const { return spec_->row_groups_skipped->load(); }
  // Malformed records met so far by all readers of this scan.
  int64_t malformed_records() const { return spec_->malformed->load(std::memory_order_relaxed); }

 private:
  std::vector<std::string> paths_;
  std::vector<FileInfo> files_;
  std::vector<FileSplit> splits_;
  std::shared_ptr<ScanSpec> spec_;
  int64_t files_pruned_ = 0;
};

}  // namespace sluice
