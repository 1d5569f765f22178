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

}  // namespace
}  // namespace sluice
