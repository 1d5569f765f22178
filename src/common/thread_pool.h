// ThreadPool: a fixed set of worker threads, started once, that run the
// tasks of ParallelFor calls (common/parallel.h goes through Default()).
//
// A pool of num_threads() threads runs at most that many tasks of one call at
// once: the calling thread itself plus up to num_threads() - 1 workers.
//
// Calls nest (a task may call ParallelFor again, e.g. a partition of a scan
// feeding a hash aggregate that drains its own children in parallel) and
// never deadlock: every call has its own task counter, the caller claims and
// runs its own tasks from it until none is left unclaimed, and idle workers
// join in on calls that still have unclaimed tasks. A caller therefore only
// ever waits for tasks that are already running on another thread, never
// for a free worker. A worker blocked in a nested call is not available to
// other calls meanwhile; the nested call's caller (that worker) runs its
// tasks itself if no other worker is idle.
//
//   ThreadPool pool(4);
//   Status st = pool.ParallelFor(n, [&](size_t i) -> Status { ... });
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "sluice/status.h"

namespace sluice {

class ThreadPool {
 public:
  // Starts num_threads - 1 workers (num_threads < 1 counts as 1: every task
  // then runs on the calling thread).
  explicit ThreadPool(int num_threads);
  // Joins the workers. No call may be running.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The process-wide pool every parallel step of the engine uses, created
  // on first use with DefaultNumThreads() threads and never deleted.
  static ThreadPool* Default();
  // The size Default() has or will have: the value given to
  // SetDefaultNumThreads, else the environment variable SLUICE_THREADS (a
  // positive integer), else the machine's cores.
  static int DefaultNumThreads();
  // Sizes the default pool (the CLI's --threads). Must come before its first
  // use: once the default pool exists, asking for another size is an
  // InvalidArgument error.
  static Status SetDefaultNumThreads(int num_threads);
  // std::thread::hardware_concurrency(), at least 1.
  static int HardwareThreads();

  int num_threads() const { return num_threads_; }
  // How many tasks of one call with this `max_threads` run at once at most
  // (max_threads <= 0 means no limit beyond the pool's size).
  int MaxConcurrency(int max_threads) const;

  // Runs fn(i) for every i in [0, n), on the calling thread and on up to
  // MaxConcurrency(max_threads) - 1 workers, and returns when all calls have
  // ended. Returns the first error a call returned; once a call failed,
  // tasks not yet started are skipped. A call whose allocation fails
  // (std::bad_alloc, std::length_error) fails with OutOfMemory
  // (common/allocation_failure.h); no other exception may leave fn.
  // Thread-safe; fn may call ParallelFor again (on this pool or another).
  Status ParallelFor(size_t n, const std::function<Status(size_t)>& fn, int max_threads = 0);

 private:
  // The shared state of one ParallelFor call; lives on the caller's stack.
  struct Call {
    const std::function<Status(size_t)>* fn = nullptr;
    size_t n = 0;
    int max_helpers = 0;                // workers that may join
    std::atomic<size_t> next{0};        // next unclaimed task
    std::atomic<bool> failed{false};
    std::mutex error_mu;
    Status first_error;                 // GUARDED_BY(error_mu)
    int helpers = 0;                    // workers inside the call; GUARDED_BY(ThreadPool::mu_)
    std::condition_variable helpers_done;  // with ThreadPool::mu_
  };

  void WorkerLoop();
  // fn(i), an allocation failure inside it turned into OutOfMemory.
  static Status RunTask(const std::function<Status(size_t)>& fn, size_t i);
  // Claims and runs tasks of `call` until none is left or one failed.
  static void RunTasks(Call* call);
  // The newest open call a worker may join; drops finished calls from calls_.
  Call* FindCallLocked();

  const int num_threads_;
  std::mutex mu_;
  std::condition_variable work_;  // a call was opened, or stop_
  std::vector<Call*> calls_;      // GUARDED_BY(mu_), oldest first
  bool stop_ = false;             // GUARDED_BY(mu_)
  std::vector<std::thread> workers_;
};

}  // namespace sluice
