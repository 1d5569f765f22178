// JsonSplitReader: JSON lines of one split -> Batches (see file_scan.h for
// the semantics). One simdjson on-demand document per line, parsed in place
// in the SplitReader's padded buffer; values go straight into the output
// vectors (strings copied once into the vector's StringHeap).
#pragma once

#include <memory>

#include "connectors/file/file_scan.h"

namespace sluice {

// True if the AVX2 build of the reader is used on this CPU.
bool JsonReaderUsesAvx2();

Result<std::unique_ptr<BatchStream>> OpenJsonSplitReader(std::unique_ptr<SplitReader> in,
                                                         std::shared_ptr<const ScanSpec> spec);

}  // namespace sluice
