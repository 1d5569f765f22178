#include "types/value.h"

#include <gtest/gtest.h>

#include "types/datetime.h"

namespace sluice {
namespace {

// Expected strings follow Java's Double.toString, which Spark uses.
TEST(FormatTest, DoubleLikeJava) {
  EXPECT_EQ(FormatDouble(1.0), "1.0");
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(-2.5), "-2.5");
  EXPECT_EQ(FormatDouble(1234567.0), "1234567.0");
  EXPECT_EQ(FormatDouble(12345678.0), "1.2345678E7");
  EXPECT_EQ(FormatDouble(0.001), "0.001");
  EXPECT_EQ(FormatDouble(0.0001), "1.0E-4");
  EXPECT_EQ(FormatDouble(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(FormatDouble(0.0), "0.0");
  // When one digit is enough to round-trip, Java picks the closest decimal of
  // one or two digits: the smallest subnormal is 4.9E-324, not 5.0E-324
  // (found by the differential test; Spark prints what Java prints).
  EXPECT_EQ(FormatDouble(4.9e-324), "4.9E-324");
  EXPECT_EQ(FormatDouble(-4.9e-324), "-4.9E-324");
  EXPECT_EQ(FormatDouble(9.9e-324), "9.9E-324");
  EXPECT_EQ(FormatDouble(5.0), "5.0");
  EXPECT_EQ(FormatDouble(2e-3), "0.002");
  EXPECT_EQ(FormatDouble(1e23), "1.0E23");
}

TEST(FormatTest, DecimalDateTimestamp) {
  EXPECT_EQ(FormatDecimal(12345, 2), "123.45");
  EXPECT_EQ(FormatDecimal(-5, 3), "-0.005");
  EXPECT_EQ(FormatDecimal(7, 0), "7");
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(19723), "2024-01-01");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01 00:00:00");
  EXPECT_EQ(FormatTimestamp(1500000), "1970-01-01 00:00:01.5");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31 23:59:59.999999");
  // The earliest timestamp (Spark prints the same); its day times a day's
  // microseconds passes INT64_MIN (UBSan: signed overflow).
  EXPECT_EQ(FormatTimestamp(INT64_MIN), "-290308-12-21 19:59:05.224192");
  // Spark's rendering of the proleptic year: four digits at least, a sign
  // past 9999 and before year 0 (checked against pyspark 4.3.0).
  EXPECT_EQ(FormatDate(DaysFromCivil(10000, 1, 1)), "+10000-01-01");
  EXPECT_EQ(FormatDate(DaysFromCivil(9999, 12, 31)), "9999-12-31");
  EXPECT_EQ(FormatDate(DaysFromCivil(999, 1, 1)), "0999-01-01");
  EXPECT_EQ(FormatDate(DaysFromCivil(0, 12, 31)), "0000-12-31");
  EXPECT_EQ(FormatDate(DaysFromCivil(-5, 1, 1)), "-0005-01-01");
  EXPECT_EQ(FormatTimestamp(int64_t{253402300800} * 1000000), "+10000-01-01 00:00:00");
}

// Spark reads a time of day alone as that time today.
TEST(DateTimeTest, ParseTimeOfDayOnToday) {
  const int32_t today = 19723;  // 2024-01-01
  const int64_t midnight = int64_t{today} * kMicrosPerDay;
  EXPECT_EQ(ParseTimestampOrTimeOfDay("10:30", today), midnight + (10 * 3600 + 30 * 60) * kMicrosPerSecond);
  EXPECT_EQ(ParseTimestampOrTimeOfDay(" T1:2:03.5 ", today), midnight + (3600 + 2 * 60 + 3) * kMicrosPerSecond + 500000);
  EXPECT_EQ(ParseTimestampOrTimeOfDay("1970-01-01 00:00:01", today), 1000000);
  EXPECT_EQ(ParseTimestampOrTimeOfDay("10", today), std::nullopt);
  EXPECT_EQ(ParseTimestampOrTimeOfDay("25:30", today), std::nullopt);
  EXPECT_EQ(ParseTimestampOrTimeOfDay("10:30:", today), std::nullopt);
  EXPECT_TRUE(IsTimeOfDayOnly("10:30"));
  EXPECT_FALSE(IsTimeOfDayOnly("2024-01-01 10:30"));
  EXPECT_FALSE(IsTimeOfDayOnly("123:30"));
  // Without it, ParseTimestamp keeps refusing a time alone (JSON and CSV
  // readers use it).
  EXPECT_EQ(ParseTimestamp("10:30"), std::nullopt);
}

TEST(DateTimeTest, ParseDateAndTimestamp) {
  EXPECT_EQ(ParseDate("2024-01-01"), 19723);
  EXPECT_EQ(ParseDate("2024-02-30"), std::nullopt);
  EXPECT_EQ(ParseDate("2024-1-5"), DaysFromCivil(2024, 1, 5));
  EXPECT_EQ(ParseDate("not a date"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("1970-01-01 00:00:01"), 1000000);
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:01.25Z"), 1250000);
  EXPECT_EQ(ParseTimestamp("1970-01-01 01:00:00+01:00"), 0);
  EXPECT_EQ(ParseTimestamp("1970-01-01 25:00:00"), std::nullopt);
  // As Spark's cast: a zone needs the seconds before it; the minutes and
  // seconds may be left out when no zone follows; a space may precede the
  // zone after the seconds (checked against pyspark 4.3.0).
  const int64_t ten = (int64_t{DaysFromCivil(2024, 3, 1)} * 86400 + 36000) * 1000000;
  EXPECT_EQ(ParseTimestamp("2024-03-01T10:00Z"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2024-03-01T10:00+01:00"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2024-03-01T10Z"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2024-03-01T10:00 Z"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2024-03-01T"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2024-03-01T10:00"), ten);
  EXPECT_EQ(ParseTimestamp("2024-03-01T10"), ten);
  EXPECT_EQ(ParseTimestamp("2024-03-01T10:00:00Z"), ten);
  EXPECT_EQ(ParseTimestamp("2024-03-01T10:00:00 Z"), ten);
  EXPECT_EQ(ParseTimestamp("2024-03-01T11:00:00 +01:00"), ten);
  EXPECT_EQ(ParseTimestamp("2024-03-01T10:00:00."), ten);
  int64_t y;
  unsigned m, d;
  CivilFromDays(DaysFromCivil(2000, 2, 29), &y, &m, &d);
  EXPECT_EQ(y, 2000);
  EXPECT_EQ(m, 2u);
  EXPECT_EQ(d, 29u);
}

}  // namespace
}  // namespace sluice
