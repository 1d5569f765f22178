// CsvSplitReader: CSV records of one split -> Batches (see file_scan.h for
// the semantics). Each record is tokenized (csv_tokenizer.h) and only the
// projected fields are converted into the output vectors.
#pragma once

#include <memory>

#include "connectors/file/file_scan.h"

namespace sluice {

Result<std::unique_ptr<BatchStream>> OpenCsvSplitReader(std::unique_ptr<SplitReader> in,
                                                        std::shared_ptr<const ScanSpec> spec);

// Converts one CSV field into row `row` of `out` (of a non-nested type),
// applying nullValue / emptyValue / nanValue / positiveInf / negativeInf.
// False if the text does not fit the type (the row is then NULL).
bool ConvertCsvField(std::string_view text, bool quoted, const FileFormatOptions& options,
                     Vector& out, size_t row);

}  // namespace sluice
