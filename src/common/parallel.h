// ParallelFor: runs fn(i) for i in [0, n) on the process-wide thread pool
// (ThreadPool::Default(), common/thread_pool.h), the calling thread included,
// with at most `max_threads` running at once (0: the pool's size). Returns
// the first error any call returned; once a call failed, tasks not yet
// started are skipped. Calls may nest.
#pragma once

#include <cstddef>
#include <functional>

#include "sluice/status.h"

namespace sluice {

Status ParallelFor(size_t n, const std::function<Status(size_t)>& fn, int max_threads = 0);

// How many tasks of a ParallelFor with this `max_threads` run at once at
// most: min(max_threads, pool size), or the pool size for 0.
int ParallelForConcurrency(int max_threads = 0);

}  // namespace sluice
