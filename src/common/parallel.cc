#include "common/parallel.h"

#include "common/thread_pool.h"

namespace sluice {

Status ParallelFor(size_t n, const std::function<Status(size_t)>& fn, int max_threads) {
  return ThreadPool::Default()->ParallelFor(n, fn, max_threads);
}

int ParallelForConcurrency(int max_threads) { return ThreadPool::Default()->MaxConcurrency(max_threads); }

}  // namespace sluice
