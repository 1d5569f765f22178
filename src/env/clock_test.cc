#include "env/clock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace sluice {
namespace {

TEST(ManualClockTest, SleeperWakesWhenTimePassesDeadline) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.NowMicros(), 1000);
  std::atomic<bool> woke{false};
  std::thread t([&] {
    clock.SleepForMicros(500);  // deadline 1500
    woke = true;
  });
  clock.WaitForSleepers(1);
  clock.AdvanceMicros(499);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(woke.load());
  clock.AdvanceMicros(1);
  t.join();
  EXPECT_TRUE(woke.load());
  EXPECT_EQ(clock.sleepers(), 0);
  EXPECT_EQ(clock.NowMillis(), 1);
}

TEST(ManualClockTest, NeverGoesBackwards) {
  ManualClock clock(100);
  clock.SetMicros(50);
  EXPECT_EQ(clock.NowMicros(), 100);
  clock.SetMicros(200);
  EXPECT_EQ(clock.NowMicros(), 200);
  clock.SleepUntilMicros(150);  // already past: returns at once
}

TEST(SystemClockTest, Advances) {
  Clock* c = SystemClock::Default();
  int64_t a = c->NowMicros();
  c->SleepForMicros(1000);
  EXPECT_GE(c->NowMicros() - a, 1000);
  EXPECT_GT(a, int64_t{1600000000} * 1000000);  // after 2020
}

}  // namespace
}  // namespace sluice
