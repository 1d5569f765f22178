// Parquet files read into engine batches, through libparquet (Arrow C++
// from the pyarrow wheel) and Env. The file scan (file_scan.h) uses it for
// format "parquet":
//  * splits by row group: a split [start, start + length) of a file reads
//    the row groups whose middle byte lies inside it (Spark's rule), so the
//    byte-range splits of PlanSplits read every row group once, in parallel;
//  * column pruning: only the leaf columns of the projected columns are
//    read and decoded;
//  * predicate pushdown: conjuncts of the scan's filter of the form
//    `column <op> literal` (=, <, <=, >, >=) over an INT, BIGINT, DATE,
//    TIMESTAMP, DOUBLE or STRING column skip the row groups whose
//    statistics (min / max, or all NULL) rule every row out; the filter is
//    still applied to the rows read. ScanSpec counts the row groups read
//    and skipped.
// Columns are matched by name (exactly, else ignoring case, as Spark with
// spark.sql.caseSensitive=false); a column missing from a file reads as
// NULL; a column of another type is an error naming the file, the column
// and both types. Arrow's types are mapped as sluice/arrow.h lists them
// (INT96 and any unit of timestamp to TIMESTAMP micros; unsigned integers
// widened; MAP, TIME and intervals are errors naming the column).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/file/file_scan.h"
#include "env/env.h"
#include "exec/physical_operator.h"
#include "sluice/status.h"
#include "types/data_type.h"

namespace sluice {

// The columns of the Parquet file at `path` (its footer), as engine types.
Result<Schema> ReadParquetSchema(Env* env, const std::string& path);

// The columns `columns` (matched by name as above; a column the file lacks
// is NULL) of every row of the Parquet file at `path`, read whole: for
// table formats that read Parquet files of their own (a Delta checkpoint's
// `txn` column, say). Only those columns' leaves are read; a column of a
// type the engine lacks elsewhere in the file (a MAP) is not touched.
Result<std::vector<Batch>> ReadParquetColumns(Env* env, const std::string& path, const Schema& columns);

// The rows of one split of a Parquet file (spec->format == kParquet): the
// projected data columns, in projection order.
Result<std::unique_ptr<BatchStream>> OpenParquetSplitReader(const FileSplit& split,
                                                            std::shared_ptr<const ScanSpec> spec);

}  // namespace sluice
