#include "common/allocation_failure.h"

#include <string>

namespace sluice {

Status OutOfMemoryError(std::string_view what, std::string_view detail) {
  return Status::OutOfMemory("out of memory while " + std::string(what) + ": an allocation failed (" +
                             std::string(detail) +
                             "); give the process more memory (or a higher `ulimit -v`), or make batches smaller "
                             "(maxOffsetsPerTrigger, maxFilesPerTrigger, rowsPerBatch) or results and state "
                             "smaller");
}

}  // namespace sluice
