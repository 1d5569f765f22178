#include "stream/watermark_tracker.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(WatermarkTrackerTest, MaxEventTimeMinusDelayNeverBackwards) {
  WatermarkTracker t;
  EXPECT_EQ(t.watermark_ms(), 0);
  EXPECT_FALSE(t.Advance());  // no node has seen data
  t.Observe(0, 20000, 10000);
  EXPECT_TRUE(t.Advance());
  EXPECT_EQ(t.watermark_ms(), 10000);
  // An older max (out-of-order batch) keeps the node's max; no move.
  t.Observe(0, 12000, 10000);
  EXPECT_FALSE(t.Advance());
  EXPECT_EQ(t.watermark_ms(), 10000);
  // Below zero (event times near the epoch): stays 0 rather than negative.
  WatermarkTracker early;
  early.Observe(0, 3000, 10000);
  EXPECT_FALSE(early.Advance());
  EXPECT_EQ(early.watermark_ms(), 0);
}

TEST(WatermarkTrackerTest, MinAndMaxPolicyOverNodesThatSawData) {
  WatermarkTracker min_t(WatermarkTracker::Policy::kMin), max_t(WatermarkTracker::Policy::kMax);
  for (auto* t : {&min_t, &max_t}) {
    t->Observe(0, 30000, 10000);  // 20s
    t->Advance();
  }
  // Only node 0 has data: both policies give its watermark.
  EXPECT_EQ(min_t.watermark_ms(), 20000);
  EXPECT_EQ(max_t.watermark_ms(), 20000);
  for (auto* t : {&min_t, &max_t}) {
    t->Observe(1, 25000, 20000);  // 5s
    t->Advance();
  }
  // min would be 5s but the watermark never goes back; max is 20s.
  EXPECT_EQ(min_t.watermark_ms(), 20000);
  EXPECT_EQ(max_t.watermark_ms(), 20000);
  for (auto* t : {&min_t, &max_t}) {
    t->Observe(0, 60000, 10000);  // 50s
    t->Observe(1, 60000, 20000);  // 40s
    t->Advance();
  }
  EXPECT_EQ(min_t.watermark_ms(), 40000);
  EXPECT_EQ(max_t.watermark_ms(), 50000);
}

TEST(WatermarkTrackerTest, RestoredWatermarkAndPolicyNames) {
  WatermarkTracker t;
  t.Set(50000);
  t.Observe(0, 55000, 10000);  // 45s: behind the restored 50s
  EXPECT_FALSE(t.Advance());
  EXPECT_EQ(t.watermark_ms(), 50000);
  EXPECT_EQ(*WatermarkTracker::ParsePolicy("MAX"), WatermarkTracker::Policy::kMax);
  EXPECT_EQ(*WatermarkTracker::ParsePolicy("min"), WatermarkTracker::Policy::kMin);
  auto bad = WatermarkTracker::ParsePolicy("avg");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("spark.sql.streaming.multipleWatermarkPolicy must be 'min' or 'max', got 'avg'"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice
