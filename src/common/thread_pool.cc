#include "common/thread_pool.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/allocation_failure.h"

namespace sluice {

namespace {

std::mutex& DefaultMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}
ThreadPool* g_default = nullptr;  // GUARDED_BY(DefaultMutex())
int g_requested = 0;              // GUARDED_BY(DefaultMutex()); 0 = not set

// SLUICE_THREADS as a positive integer, or 0 if unset. A value that is not
// one is reported once on stderr and ignored.
int ThreadsFromEnvironment() {
  const char* v = std::getenv("SLUICE_THREADS");
  if (v == nullptr || *v == '\0') return 0;
  int n = 0;
  const char* end = v + std::strlen(v);
  auto [p, ec] = std::from_chars(v, end, n);
  if (ec != std::errc() || p != end || n < 1) {
    std::fprintf(stderr, "sluice: ignoring SLUICE_THREADS='%s': not a positive integer; using %d threads\n", v,
                 ThreadPool::HardwareThreads());
    return 0;
  }
  return n;
}

int DefaultNumThreadsLocked() {
  if (g_default != nullptr) return g_default->num_threads();
  if (g_requested > 0) return g_requested;
  static const int from_env = ThreadsFromEnvironment();
  return from_env > 0 ? from_env : ThreadPool::HardwareThreads();
}

}  // namespace

int ThreadPool::HardwareThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

ThreadPool* ThreadPool::Default() {
  std::lock_guard<std::mutex> lock(DefaultMutex());
  if (g_default == nullptr) g_default = new ThreadPool(DefaultNumThreadsLocked());
  return g_default;
}

int ThreadPool::DefaultNumThreads() {
  std::lock_guard<std::mutex> lock(DefaultMutex());
  return DefaultNumThreadsLocked();
}

Status ThreadPool::SetDefaultNumThreads(int num_threads) {
  if (num_threads < 1) {
    return Status::InvalidArgument("the number of threads must be at least 1, got " + std::to_string(num_threads));
  }
  std::lock_guard<std::mutex> lock(DefaultMutex());
  if (g_default != nullptr && g_default->num_threads() != num_threads) {
    return Status::InvalidArgument("the thread pool already runs with " + std::to_string(g_default->num_threads()) +
                                   " threads; set its size (" + std::to_string(num_threads) +
                                   ") before the first query");
  }
  g_requested = num_threads;
  return Status::OK();
}

ThreadPool::ThreadPool(int num_threads) : num_threads_(std::max(num_threads, 1)) {
  workers_.reserve(static_cast<size_t>(num_threads_ - 1));
  for (int i = 0; i + 1 < num_threads_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_.notify_all();
  for (auto& t : workers_) t.join();
}

int ThreadPool::MaxConcurrency(int max_threads) const {
  return max_threads > 0 ? std::min(max_threads, num_threads_) : num_threads_;
}

Status ThreadPool::RunTask(const std::function<Status(size_t)>& fn, size_t i) {
  return CatchAllocationFailure("running a parallel task", [&] { return fn(i); });
}

void ThreadPool::RunTasks(Call* call) {
  while (!call->failed.load(std::memory_order_relaxed)) {
    size_t i = call->next.fetch_add(1, std::memory_order_relaxed);
    if (i >= call->n) return;
    Status st = RunTask(*call->fn, i);
    if (!st.ok()) {
      std::lock_guard<std::mutex> lock(call->error_mu);
      if (call->first_error.ok()) call->first_error = std::move(st);
      call->failed.store(true, std::memory_order_relaxed);
    }
  }
}

ThreadPool::Call* ThreadPool::FindCallLocked() {
  for (size_t k = calls_.size(); k-- > 0;) {
    Call* c = calls_[k];
    if (c->failed.load(std::memory_order_relaxed) || c->next.load(std::memory_order_relaxed) >= c->n) {
      calls_.erase(calls_.begin() + static_cast<std::ptrdiff_t>(k));  // nothing left to claim
      continue;
    }
    if (c->helpers < c->max_helpers) return c;
  }
  return nullptr;
}

void ThreadPool::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    Call* call = nullptr;
    work_.wait(lock, [&] { return stop_ || (call = FindCallLocked()) != nullptr; });
    if (call == nullptr) return;  // stop_
    ++call->helpers;
    lock.unlock();
    RunTasks(call);
    lock.lock();
    // The caller may return (and destroy *call) as soon as helpers is 0 and
    // it holds mu_ again, which is after this notify.
    if (--call->helpers == 0) call->helpers_done.notify_all();
  }
}

Status ThreadPool::ParallelFor(size_t n, const std::function<Status(size_t)>& fn, int max_threads) {
  if (n == 0) return Status::OK();
  size_t concurrency = std::min(static_cast<size_t>(MaxConcurrency(max_threads)), n);
  if (concurrency <= 1) {
    for (size_t i = 0; i < n; ++i) SLUICE_RETURN_NOT_OK(RunTask(fn, i));
    return Status::OK();
  }
  Call call;
  call.fn = &fn;
  call.n = n;
  call.max_helpers = static_cast<int>(concurrency - 1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(&call);
  }
  for (int i = 0; i < call.max_helpers; ++i) work_.notify_one();
  RunTasks(&call);
  // Every task is claimed (or skipped after a failure); wait for the ones
  // still running on workers.
  std::unique_lock<std::mutex> lock(mu_);
  auto it = std::find(calls_.begin(), calls_.end(), &call);
  if (it != calls_.end()) calls_.erase(it);
  call.helpers_done.wait(lock, [&] { return call.helpers == 0; });
  return std::move(call.first_error);
}

}  // namespace sluice
