// JsonSplitReader: JSON lines of one split -> Batches (see file_scan.h for
// the semantics). Each line is parsed in place in the SplitReader's padded
// buffer by a JsonRecordParser (json/), straight into the output vectors
// (strings copied once into the vector's StringHeap).
#pragma once

#include <memory>

#include "connectors/file/file_scan.h"

namespace sluice {

Result<std::unique_ptr<BatchStream>> OpenJsonSplitReader(std::unique_ptr<SplitReader> in,
                                                         std::shared_ptr<const ScanSpec> spec);

}  // namespace sluice
