#include "common/stack_limit.h"

#include <pthread.h>

#include <optional>

#include <gtest/gtest.h>

namespace sluice {
namespace {

// Recurses until less than `reserve` bytes remain; returns the depth reached
// and, in *left, the stack left there. Not a tail call (the compiler would
// turn that into a loop on one frame).
__attribute__((noinline)) int RecurseUntilLow(int depth, size_t reserve, std::optional<size_t>* left) {
  volatile char frame[1024];
  frame[0] = 1;
  if (StackNearlyExhausted(reserve)) {
    *left = RemainingStackBytes();
    return depth;
  }
  const int reached = RecurseUntilLow(depth + 1, reserve, left);
  return reached + frame[0] - 1;
}

TEST(StackLimitTest, MainThreadHasMostOfItsStackLeft) {
  auto left = RemainingStackBytes();
  ASSERT_TRUE(left.has_value());
  EXPECT_GT(*left, size_t{1} << 20);
  EXPECT_FALSE(StackNearlyExhausted());
}

TEST(StackLimitTest, DeepRecursionOnASmallStackStopsBeforeTheEnd) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, size_t{1} << 20), 0);
  struct Out {
    std::optional<size_t> at_start;
    std::optional<size_t> at_stop;
    int depth = 0;
  } out;
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    auto* o = static_cast<Out*>(arg);
    o->at_start = RemainingStackBytes();
    // Without the check this recursion would run off the 1 MB stack.
    o->depth = RecurseUntilLow(0, kStackReserveBytes, &o->at_stop);
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, &out), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  ASSERT_TRUE(out.at_start.has_value());
  EXPECT_LE(*out.at_start, size_t{1} << 20);
  EXPECT_GT(*out.at_start, size_t{512} << 10);
  // It went deep, and stopped with less than the reserve left, but some.
  EXPECT_GT(out.depth, 100);
  ASSERT_TRUE(out.at_stop.has_value());
  EXPECT_LT(*out.at_stop, kStackReserveBytes);
  EXPECT_GT(*out.at_stop, kStackReserveBytes / 2);
}

}  // namespace
}  // namespace sluice
