// ParallelFor: runs fn(i) for i in [0, n) on up to `max_threads` threads
// (default: the machine's cores). Returns the first error any call returned;
// once a call failed, tasks not yet started are skipped.
#pragma once

#include <cstddef>
#include <functional>

#include "sluice/status.h"

namespace sluice {

int HardwareThreads();

Status ParallelFor(size_t n, const std::function<Status(size_t)>& fn, int max_threads = 0);

}  // namespace sluice
