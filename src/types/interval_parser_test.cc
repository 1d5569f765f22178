#include "types/interval_parser.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

int64_t Micros(std::string_view s) {
  auto p = ParseIntervalString(s);
  EXPECT_TRUE(p.has_value()) << s;
  if (!p) return -1;
  EXPECT_EQ(p->months, 0) << s;
  return p->micros;
}

TEST(IntervalParserTest, SparkIntervalStrings) {
  EXPECT_EQ(Micros("10 seconds"), 10'000'000);
  EXPECT_EQ(Micros("1 second"), 1'000'000);
  EXPECT_EQ(Micros("1 minute"), 60'000'000);
  EXPECT_EQ(Micros("1 hour 30 minutes"), 5'400'000'000);
  EXPECT_EQ(Micros("interval 2 days"), 2 * 86'400'000'000LL);
  EXPECT_EQ(Micros("INTERVAL 1 WEEK"), 7 * 86'400'000'000LL);
  EXPECT_EQ(Micros("500 milliseconds"), 500'000);
  EXPECT_EQ(Micros("7 microseconds"), 7);
  EXPECT_EQ(Micros("1.5 seconds"), 1'500'000);
  EXPECT_EQ(Micros("  5   Minutes "), 300'000'000);
  EXPECT_EQ(Micros("-5 seconds"), -5'000'000);
  EXPECT_EQ(Micros("1 minute -30 seconds"), 30'000'000);
  EXPECT_EQ(Micros("0 seconds"), 0);
}

TEST(IntervalParserTest, MonthsAreKeptApart) {
  auto p = ParseIntervalString("1 year 2 months 3 days");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->months, 14);
  EXPECT_EQ(p->micros, 3 * 86'400'000'000LL);
}

TEST(IntervalParserTest, RejectsWhatIsNotAnInterval) {
  for (std::string_view s : {"", "interval", "10", "seconds", "10 parsecs", "ten seconds", "1.5 months",
                             "10 seconds 5", "99999999999999999999 seconds", "106751992 days"}) {
    EXPECT_FALSE(ParseIntervalString(s).has_value()) << s;
  }
}

}  // namespace
}  // namespace sluice
