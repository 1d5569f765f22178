#include <gtest/gtest.h>

#include "sluice/streaming.h"

namespace sluice {
namespace {

TEST(TriggerTest, ProcessingTimeIntervals) {
  EXPECT_TRUE(Trigger::ProcessingTime("1 second").ok());
  EXPECT_TRUE(Trigger::ProcessingTime("500 milliseconds").ok());
  auto bad = Trigger::ProcessingTime("soon");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  // A number too large for 64 bits is a clear error, not a crash.
  auto huge = Trigger::ProcessingTime("99999999999999999999999 seconds");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(huge.status().message().find("99999999999999999999999"), std::string::npos);
}

// The interval strings Spark's Trigger.ProcessingTime takes, in milliseconds.
TEST(TriggerTest, ProcessingTimeIntervalForms) {
  auto ms = [](const std::string& text) -> int64_t {
    auto t = Trigger::ProcessingTime(text);
    EXPECT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    return t.ok() ? t->interval_ms() : -1;
  };
  EXPECT_EQ(ms("10 seconds"), 10000);
  EXPECT_EQ(ms("1 second"), 1000);
  EXPECT_EQ(ms("500 milliseconds"), 500);
  EXPECT_EQ(ms("250"), 250);  // a bare number is milliseconds
  EXPECT_EQ(ms("2 minutes"), 120000);
  EXPECT_EQ(ms("1 hour"), 3600000);
  EXPECT_EQ(ms("1 day"), 86400000);
  EXPECT_EQ(ms("2 days"), 172800000);
  EXPECT_EQ(ms("1 week"), 604800000);
  EXPECT_EQ(ms("interval 5 seconds"), 5000);
  EXPECT_EQ(ms("INTERVAL 1 minute 30 seconds"), 90000);
  EXPECT_EQ(ms("1 minute 30 seconds 250 milliseconds"), 90250);
  EXPECT_EQ(ms("1500 microseconds"), 1);  // whole milliseconds, rounded down
  EXPECT_EQ(ms("0 seconds"), 0);
  EXPECT_EQ(ms("  3 Seconds  "), 3000);
  for (const char* bad : {"", "seconds", "1 fortnight", "1 second and more", "1 month", "2 years", "-1 seconds",
                          "interval"}) {
    auto t = Trigger::ProcessingTime(bad);
    EXPECT_FALSE(t.ok()) << "'" << bad << "'";
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

}  // namespace
}  // namespace sluice
