// ParquetWriter: engine batches into one Parquet file, through libparquet
// (Apache Arrow C++ from the pinned pyarrow wheel; docs/parquet.md) and Env.
// Types as Spark writes them: BOOLEAN, INT32, INT64, DOUBLE, DATE (INT32),
// TIMESTAMP as INT64 microseconds adjusted to UTC, DECIMAL as INT32 /
// INT64 for precision <= 9 / <= 18 else FIXED_LEN_BYTE_ARRAY, STRING as
// UTF8 BYTE_ARRAY, BINARY as BYTE_ARRAY, STRUCT as a group, ARRAY as the
// 3-level LIST (list / element). Every column is written optional
// (nullable), as Spark does. Batches cross into libarrow without a copy of
// fixed-width columns (arrow/arrow_batch.h, arrow::ImportRecordBatch).
//
// Close() returns what a table format needs to record the file (Delta's add
// action: size, numRecords, minValues / maxValues / nullCount), computed by
// the writer from the rows it was given, not read back from the footer.
// This header includes no Arrow header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "env/env.h"
#include "sluice/status.h"
#include "sluice/value.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

enum class ParquetCompression : uint8_t { kNone, kSnappy, kGzip, kZstd, kLz4Raw, kBrotli };

// Spark's names (spark.sql.parquet.compression.codec and the writer option
// `compression`), case-insensitive: none / uncompressed, snappy, gzip, zstd,
// lz4 / lz4_raw, brotli. lzo is refused (libparquet has no LZO).
Result<ParquetCompression> ParseParquetCompression(std::string_view name);
const char* ParquetCompressionName(ParquetCompression c);

struct ParquetWriteOptions {
  ParquetCompression compression = ParquetCompression::kSnappy;  // Spark's default
  // A row group is closed once the rows buffered for it reach this many
  // bytes in memory (Parquet's parquet.block.size, 128 MiB by default; the
  // file's row groups are smaller, compressed) or this many rows.
  int64_t row_group_bytes = int64_t{128} << 20;
  int64_t row_group_rows = int64_t{1} << 20;
  // Data page size (parquet.page.size).
  int64_t page_bytes = int64_t{1} << 20;
  // Dictionary encoding (parquet.enable.dictionary).
  bool dictionary = true;
  // Compute ParquetColumnStats (min/max/null count per leaf column).
  bool collect_stats = true;
};

// The statistics of one leaf column: a top-level column of a primitive type,
// or a primitive field inside structs (path: the names from the top-level
// column down). Columns inside arrays have none.
struct ParquetColumnStats {
  std::vector<std::string> path;
  DataType type;
  int64_t null_count = 0;  // rows where the value (or a struct holding it) is NULL
  // Set when at least one value is non-NULL (and, for DOUBLE, not NaN):
  // min and max of the non-NULL values in the engine's order (strings and
  // binary bytewise, i.e. by code point for UTF-8).
  bool has_min_max = false;
  Value min;
  Value max;
};

struct ParquetFileInfo {
  std::string path;
  int64_t size = 0;  // bytes of the closed file
  uint32_t crc32 = 0;  // zlib's crc32 of the file's bytes (a file sink's manifest records it)
  int64_t num_rows = 0;
  int64_t num_row_groups = 0;
  std::vector<ParquetColumnStats> stats;  // leaf columns in schema order (collect_stats)
};

class ParquetWriter {
 public:
  // Creates (truncates) the file at `path` for rows of `schema`. Errors:
  // IOError naming the path; InvalidArgument for a schema Parquet cannot
  // hold (a NULL-typed column: Spark refuses it too).
  static Result<std::unique_ptr<ParquetWriter>> Open(Env* env, const std::string& path, const Schema& schema,
                                                     const ParquetWriteOptions& options = {});
  // A writer not closed (or whose Close failed) deletes its file.
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  // The first batch.num_rows rows of `batch` (columns as the schema). After
  // an error the writer takes no more rows.
  Status Write(const Batch& batch);
  Status Write(const std::vector<Batch>& batches);
  // Writes the footer, syncs and closes the file.
  Result<ParquetFileInfo> Close();

  int64_t num_rows() const;
  const std::string& path() const;

 private:
  struct Impl;
  explicit ParquetWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes `batches` into one file at `path` (Open, Write, Close).
Result<ParquetFileInfo> WriteParquetFile(Env* env, const std::string& path, const Schema& schema,
                                         const std::vector<Batch>& batches, const ParquetWriteOptions& options = {});

}  // namespace sluice
