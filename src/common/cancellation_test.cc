#include "common/cancellation.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace sluice {
namespace {

TEST(CancellationTokenTest, CancelIsStickyAndReachesChildren) {
  auto parent = std::make_shared<CancellationToken>();
  CancellationToken child(parent);
  EXPECT_FALSE(child.IsCancelled());
  EXPECT_TRUE(child.Check("x").ok());
  parent->Cancel();
  EXPECT_TRUE(child.IsCancelled());
  Status st = child.Check("listing Kafka topics");
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_EQ(st.message(), "listing Kafka topics: cancelled (the query is stopping)");
  // A child's cancel does not reach the parent.
  auto p2 = std::make_shared<CancellationToken>();
  CancellationToken c2(p2);
  c2.Cancel();
  EXPECT_FALSE(p2->IsCancelled());
}

TEST(CancellationTokenTest, SleepForReturnsEarlyOnCancel) {
  CancellationToken t;
  EXPECT_TRUE(t.SleepFor(1));
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    t.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(t.SleepFor(60000));
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_FALSE(CancellationToken::Never().IsCancelled());
}

}  // namespace
}  // namespace sluice
