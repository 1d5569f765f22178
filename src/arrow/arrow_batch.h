// Engine batches <-> the Arrow C Data Interface (sluice/arrow_c.h), one batch
// at a time: the conversion behind sluice/arrow.h's query-result streams
// (api/) and behind the Parquet reader and writer (connectors/file/), which
// cross into libarrow with arrow::ImportRecordBatch / ExportRecordBatch.
// Types as sluice/arrow.h lists them. No Arrow library header here.
#pragma once

#include <memory>
#include <vector>

#include "sluice/arrow_c.h"
#include "sluice/data_type.h"
#include "sluice/status.h"
#include "vector/vector.h"

namespace sluice {

// The first batch.num_rows rows of `batch` (columns as `schema`) as a struct
// array of its columns. Fixed-width buffers and validity bitmaps are shared
// (the array keeps the vectors alive), strings copied once. `out` is
// overwritten; on error nothing is left allocated.
Status ExportBatch(const Schema& schema, const Batch& batch, const ArrowExportOptions& options, ArrowArray* out);

// `schema` with every field (and nested struct field) that holds a NULL in
// one of `batches` marked nullable: Arrow consumers trust a non-nullable
// field to hold no NULLs, so an export never claims less than the data shows.
Schema RelaxedSchema(const Schema& schema, const std::vector<const Batch*>& batches);

// Arrow record batches (struct arrays) of one schema -> engine batches.
class ArrowBatchImporter {
 public:
  // `schema` is a struct ("+s") whose children are the columns; types that
  // the engine lacks are an InvalidArgument naming the column.
  static Result<ArrowBatchImporter> Make(const ArrowSchema* schema);

  const Schema& schema() const;

  // Copies the rows of `array` (a struct array of the columns; not released
  // here) into engine batches of at most kBatchSize rows, appended to `out`.
  // Errors name the column and the row, counting rows across the calls.
  Status Append(const ArrowArray* array, std::vector<Batch>* out);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sluice
