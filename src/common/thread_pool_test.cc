#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include "common/parallel.h"

namespace sluice {
namespace {

// A number per thread, new for every thread ever started (std::thread::id
// values are reused once a thread is joined, so they cannot tell a reused
// thread from a new one).
std::atomic<int> g_next_thread_serial{0};
int ThreadSerial() {
  thread_local int serial = g_next_thread_serial.fetch_add(1);
  return serial;
}

// Runs `body` on a thread of its own and aborts the test binary if it has not
// returned within `seconds`: a deadlocked pool fails the test instead of
// hanging it.
template <typename Body>
void RunWithDeadline(int seconds, Body body) {
  std::atomic<bool> done{false};
  std::thread watchdog([&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!done.load()) {
      if (std::chrono::steady_clock::now() > deadline) {
        std::fprintf(stderr, "deadline of %d s exceeded: the thread pool is stuck\n", seconds);
        std::abort();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  body();
  done = true;
  watchdog.join();
}

TEST(ThreadPoolTest, RunsEveryTaskOnce) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> runs(1000);
  ASSERT_TRUE(pool.ParallelFor(runs.size(), [&](size_t i) {
                    runs[i]++;
                    return Status::OK();
                  }).ok());
  for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].load(), 1) << "task " << i;
  EXPECT_TRUE(pool.ParallelFor(0, [](size_t) { return Status::Internal("never called"); }).ok());
}

TEST(ThreadPoolTest, NestedCallsThreeDeepWithMoreTasksThanThreadsFinish) {
  ThreadPool pool(2);
  std::atomic<int> leaves{0};
  RunWithDeadline(60, [&] {
    Status st = pool.ParallelFor(8, [&](size_t) {
      return pool.ParallelFor(8, [&](size_t) {
        return pool.ParallelFor(8, [&](size_t) {
          leaves++;
          return Status::OK();
        });
      });
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  });
  EXPECT_EQ(leaves.load(), 8 * 8 * 8);
}

TEST(ThreadPoolTest, NestedCallsWhileEveryWorkerIsBlockedFinish) {
  // Every outer task holds its thread in a nested call whose tasks sleep, so
  // all workers are busy at once and each nested call must be drained by its
  // own caller.
  ThreadPool pool(4);
  std::atomic<int> leaves{0};
  RunWithDeadline(60, [&] {
    Status st = pool.ParallelFor(4, [&](size_t) {
      return pool.ParallelFor(6, [&](size_t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return pool.ParallelFor(3, [&](size_t) {
          leaves++;
          return Status::OK();
        });
      });
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  });
  EXPECT_EQ(leaves.load(), 4 * 6 * 3);
}

TEST(ThreadPoolTest, CallsFromManyThreadsAtOnce) {
  ThreadPool pool(3);
  std::atomic<int64_t> sum{0};
  RunWithDeadline(60, [&] {
    std::vector<std::thread> callers;
    for (int c = 0; c < 4; ++c) {
      callers.emplace_back([&] {
        for (int k = 0; k < 200; ++k) {
          Status st = pool.ParallelFor(5, [&](size_t i) {
            return pool.ParallelFor(2, [&](size_t j) {
              sum += static_cast<int64_t>(i * 2 + j);
              return Status::OK();
            });
          });
          EXPECT_TRUE(st.ok()) << st.ToString();
        }
      });
    }
    for (auto& t : callers) t.join();
  });
  // Each call adds 0 + 1 + ... + 9.
  EXPECT_EQ(sum.load(), 4 * 200 * 45);
}

TEST(ThreadPoolTest, ReturnsTheError) {
  ThreadPool pool(3);
  Status st = pool.ParallelFor(100, [](size_t i) {
    if (i == 37) return Status::IOError("task 37 failed");
    return Status::OK();
  });
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_EQ(st.message(), "task 37 failed");
}

TEST(ThreadPoolTest, NestedErrorReachesTheOuterCaller) {
  ThreadPool pool(2);
  Status st = pool.ParallelFor(4, [&](size_t i) {
    return pool.ParallelFor(4, [&](size_t j) {
      if (i == 2 && j == 3) return Status::ExecutionError("inner 2/3");
      return Status::OK();
    });
  });
  EXPECT_EQ(st.code(), StatusCode::kExecutionError);
  EXPECT_EQ(st.message(), "inner 2/3");
}

TEST(ThreadPoolTest, OneThreadRunsInOrderAndStopsAtTheFirstError) {
  ThreadPool pool(4);
  std::vector<size_t> ran;
  Status st = pool.ParallelFor(
      10,
      [&](size_t i) {
        ran.push_back(i);
        if (i == 3 || i == 5) return Status::Internal("task " + std::to_string(i));
        return Status::OK();
      },
      /*max_threads=*/1);
  EXPECT_EQ(st.message(), "task 3");
  EXPECT_EQ(ran, (std::vector<size_t>{0, 1, 2, 3}));
}

TEST(ThreadPoolTest, TasksNotStartedAreSkippedAfterAFailure) {
  ThreadPool pool(3);
  std::atomic<int> started{0};
  Status st = pool.ParallelFor(1000, [&](size_t i) {
    started++;
    if (i == 0) return Status::Internal("first task failed");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return Status::OK();
  });
  EXPECT_EQ(st.message(), "first task failed");
  // Task 0 is claimed first and fails at once; each other thread finishes at
  // most the task it holds and then stops. (Running half the tasks would
  // take the two other threads half a second.)
  EXPECT_LT(started.load(), 500);
}

TEST(ThreadPoolTest, MaxThreadsCapsConcurrency) {
  ThreadPool pool(4);
  for (int cap : {1, 2, 3}) {
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    Status st = pool.ParallelFor(
        40,
        [&](size_t) {
          int now = ++running;
          int p = peak.load();
          while (now > p && !peak.compare_exchange_weak(p, now)) {
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          --running;
          return Status::OK();
        },
        cap);
    ASSERT_TRUE(st.ok());
    EXPECT_LE(peak.load(), cap);
    EXPECT_GE(peak.load(), 1);
  }
  EXPECT_EQ(pool.MaxConcurrency(2), 2);
  EXPECT_EQ(pool.MaxConcurrency(9), 4);
  EXPECT_EQ(pool.MaxConcurrency(0), 4);
}

TEST(ThreadPoolTest, ThreadsAreReusedAcrossCalls) {
  ThreadPool pool(3);
  std::mutex mu;
  std::set<int> threads;
  for (int call = 0; call < 1000; ++call) {
    ASSERT_TRUE(pool.ParallelFor(6, [&](size_t) {
                      std::lock_guard<std::mutex> lock(mu);
                      threads.insert(ThreadSerial());
                      return Status::OK();
                    }).ok());
  }
  // The two workers and this thread; a thread per call would give thousands.
  EXPECT_LE(threads.size(), static_cast<size_t>(pool.num_threads()));
  EXPECT_TRUE(threads.count(ThreadSerial())) << "the caller takes part in its own call";
}

TEST(ThreadPoolTest, OneThreadPoolRunsEverythingOnTheCaller) {
  ThreadPool pool(1);
  std::set<int> threads;
  ASSERT_TRUE(pool.ParallelFor(50, [&](size_t) {
                    threads.insert(ThreadSerial());
                    return pool.ParallelFor(3, [&](size_t) {
                      threads.insert(ThreadSerial());
                      return Status::OK();
                    });
                  }).ok());
  EXPECT_EQ(threads, std::set<int>{ThreadSerial()});
}

// The default pool is process-wide, so its sizing is checked in a fresh
// process (a death test in "threadsafe" style re-runs this binary).
TEST(ThreadPoolDefaultTest, SizeFromSluiceThreads) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("SLUICE_THREADS", "3", 1);
        bool ok = ThreadPool::DefaultNumThreads() == 3 && ThreadPool::Default()->num_threads() == 3 &&
                  ParallelForConcurrency() == 3;
        std::exit(ok ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST(ThreadPoolDefaultTest, SetDefaultNumThreadsWinsOverTheEnvironment) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("SLUICE_THREADS", "3", 1);
        bool ok = ThreadPool::SetDefaultNumThreads(5).ok() && ThreadPool::Default()->num_threads() == 5;
        // Once the pool runs, its size is fixed.
        Status again = ThreadPool::SetDefaultNumThreads(2);
        ok = ok && again.code() == StatusCode::kInvalidArgument &&
             again.message().find("already runs with 5 threads") != std::string::npos;
        ok = ok && ThreadPool::SetDefaultNumThreads(5).ok();
        std::exit(ok ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST(ThreadPoolDefaultTest, BadSluiceThreadsIsReportedAndIgnored) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("SLUICE_THREADS", "lots", 1);
        std::exit(ThreadPool::Default()->num_threads() == ThreadPool::HardwareThreads() ? 0 : 1);
      },
      testing::ExitedWithCode(0), "ignoring SLUICE_THREADS='lots': not a positive integer");
}

TEST(ThreadPoolDefaultTest, SetDefaultNumThreadsRejectsZero) {
  EXPECT_EQ(ThreadPool::SetDefaultNumThreads(0).code(), StatusCode::kInvalidArgument);
}

// A task whose allocation fails (std::bad_alloc, or std::length_error for a
// size no container can hold) ends the call with an OutOfMemory error, on a
// worker as on the calling thread, and the pool keeps working.
TEST(ThreadPoolTest, AllocationFailureInATaskIsAnError) {
  ThreadPool pool(3);
  for (int max_threads : {1, 0}) {
    Status st = pool.ParallelFor(
        8,
        [&](size_t i) -> Status {
          if (i == 5) throw std::bad_alloc();
          return Status::OK();
        },
        max_threads);
    EXPECT_EQ(st.code(), StatusCode::kOutOfMemory) << st.ToString();
    EXPECT_NE(st.message().find("out of memory"), std::string::npos) << st.ToString();
    st = pool.ParallelFor(
        4,
        [&](size_t i) -> Status {
          if (i == 2) std::vector<int64_t>().reserve(SIZE_MAX);
          return Status::OK();
        },
        max_threads);
    EXPECT_EQ(st.code(), StatusCode::kOutOfMemory) << st.ToString();
  }
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.ParallelFor(16, [&](size_t) {
    ran.fetch_add(1);
    return Status::OK();
  }).ok());
  EXPECT_EQ(ran.load(), 16);
}

}  // namespace
}  // namespace sluice
