#include "common/log.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(LogTest, ParsesLevelNames) {
  EXPECT_EQ(ParseLogLevel("trace"), LogLevel::kTrace);
  EXPECT_EQ(ParseLogLevel("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("Info"), LogLevel::kInfo);
  EXPECT_EQ(ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_EQ(ParseLogLevel("warning"), LogLevel::kWarn);
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(ParseLogLevel("off"), LogLevel::kOff);
  EXPECT_EQ(ParseLogLevel("verbose"), std::nullopt);
  EXPECT_STREQ(LogLevelName(LogLevel::kWarn), "warn");
}

TEST(LogTest, LevelFiltersLines) {
  LogLevel saved = GetLogLevel();
  LogCapture capture;
  SetLogLevel(LogLevel::kWarn);
  LogInfo("test", "not shown {}", 1);
  LogWarn("test", "shown {}", 2);
  LogError("test", "also shown");
  SetLogLevel(LogLevel::kOff);
  LogError("test", "off hides errors too");
  SetLogLevel(LogLevel::kDebug);
  LogDebug("comp", "debug {}", "on");
  SetLogLevel(saved);
  EXPECT_EQ(capture.lines(),
            (std::vector<std::string>{"warn [test] shown 2", "error [test] also shown", "debug [comp] debug on"}));
}

TEST(LogTest, LogEveryRateLimits) {
  LogEvery every(5000);
  EXPECT_TRUE(every.Ready(1000));
  EXPECT_FALSE(every.Ready(1001));
  EXPECT_FALSE(every.Ready(5999));
  EXPECT_TRUE(every.Ready(6000));
  EXPECT_FALSE(every.Ready(7000));
  every.Reset();
  EXPECT_TRUE(every.Ready(7001));
}

}  // namespace
}  // namespace sluice
