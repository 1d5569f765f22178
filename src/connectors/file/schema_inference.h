// Schema inference for the file formats, as Spark infers it.
//
// JSON: the union of the fields of the records in the sample (files in
// order, whole lines, up to options.sampling_bytes in all), fields sorted by
// name. Integers -> BIGINT (beyond BIGINT: DECIMAL(20,0)), other numbers ->
// DOUBLE, strings -> STRING, booleans -> BOOLEAN, objects -> STRUCT, arrays
// -> ARRAY of the merged element type; BIGINT+DOUBLE -> DOUBLE; any other
// conflict -> STRING; fields only ever null -> STRING. Malformed records:
// PERMISSIVE adds the columnNameOfCorruptRecord STRING column, DROPMALFORMED
// ignores them, FAILFAST fails.
//
// CSV: column names from the header line of the first file (header=true;
// empty names become _c<i>, duplicates get their index appended) or _c0,
// _c1...; types all STRING unless inferSchema=true, then per column the
// tightest of INT, BIGINT, DOUBLE, BOOLEAN, DATE (yyyy-MM-dd), TIMESTAMP,
// STRING that fits every sampled value (null values ignored; INT+BIGINT ->
// BIGINT, INT/BIGINT+DOUBLE -> DOUBLE, DATE+TIMESTAMP -> TIMESTAMP, else
// STRING), as Spark's CSVInferSchema does.
#pragma once

#include <string>
#include <vector>

#include "connectors/file/file_format_options.h"
#include "connectors/file/file_listing.h"
#include "env/env.h"
#include "sluice/status.h"
#include "types/data_type.h"

namespace sluice {

// Lists `paths` in `env` and infers the schema of the files (read through
// `env`). An empty listing is an AnalysisError ("unable to infer schema for
// JSON: no files at ...").
Result<Schema> InferSchema(Env* env, FileFormat format, const std::vector<std::string>& paths,
                           const FileFormatOptions& options);
Result<Schema> InferSchemaOfFiles(Env* env, FileFormat format, const std::vector<FileInfo>& files,
                                  const FileFormatOptions& options);

}  // namespace sluice
