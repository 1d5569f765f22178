#include "connectors/delta/delta_stats.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sluice {
namespace {

DeltaColumnStats Col(std::vector<std::string> path, DataType t, int64_t nulls, Value lo, Value hi) {
  bool has = !lo.is_null();
  return DeltaColumnStats{std::move(path), std::move(t), nulls, has, std::move(lo), std::move(hi)};
}

TEST(DeltaStatsTest, BoundsPerTypeNestedByStructField) {
  std::vector<DeltaColumnStats> cols = {
      Col({"id"}, DataType::Bigint(), 0, Value::Bigint(-5), Value::Bigint(99)),
      Col({"n"}, DataType::Int(), 2, Value::Null(DataType::Int()), Value::Null(DataType::Int())),
      Col({"price"}, DataType::Decimal(10, 2), 0, Value::Decimal(-150, 10, 2), Value::Decimal(12345, 10, 2)),
      Col({"day"}, DataType::Date(), 0, Value::Date(0), Value::Date(19723)),
      Col({"s", "a"}, DataType::String(), 1, Value::String("apple"), Value::String("pear")),
      Col({"s", "ok"}, DataType::Boolean(), 0, Value::Boolean(false), Value::Boolean(true)),
  };
  EXPECT_EQ(DeltaStatsJson(10, cols),
            "{\"numRecords\":10,"
            "\"minValues\":{\"id\":-5,\"price\":-1.50,\"day\":\"1970-01-01\",\"s\":{\"a\":\"apple\"}},"
            "\"maxValues\":{\"id\":99,\"price\":123.45,\"day\":\"2024-01-01\",\"s\":{\"a\":\"pear\"}},"
            "\"nullCount\":{\"id\":0,\"n\":2,\"price\":0,\"day\":0,\"s\":{\"a\":1,\"ok\":0}}}");
}

TEST(DeltaStatsTest, TimestampsWidenToMilliseconds) {
  // 1.0015 s after the epoch: min rounds down to .001, max up to .002.
  std::vector<DeltaColumnStats> cols = {
      Col({"ts"}, DataType::Timestamp(), 0, Value::Timestamp(1001500), Value::Timestamp(1001500)),
      Col({"neg"}, DataType::Timestamp(), 0, Value::Timestamp(-1), Value::Timestamp(-1))};
  EXPECT_EQ(DeltaStatsJson(1, cols),
            "{\"numRecords\":1,"
            "\"minValues\":{\"ts\":\"1970-01-01T00:00:01.001Z\",\"neg\":\"1969-12-31T23:59:59.999Z\"},"
            "\"maxValues\":{\"ts\":\"1970-01-01T00:00:01.002Z\",\"neg\":\"1970-01-01T00:00:00.000Z\"},"
            "\"nullCount\":{\"ts\":0,\"neg\":0}}");
}

TEST(DeltaStatsTest, LongStringsAndNonFiniteDoublesStayCorrectBounds) {
  std::string longer(40, 'z');
  std::vector<DeltaColumnStats> cols = {
      Col({"s"}, DataType::String(), 0, Value::String(std::string(33, 'a')), Value::String(longer)),
      Col({"u"}, DataType::String(), 0, Value::String(std::string(31, 'a') + "\xC3\xA9\xC3\xA9"),
          Value::String("b")),
      Col({"d"}, DataType::Double(), 0, Value::Double(-INFINITY), Value::Double(2.5)),
  };
  EXPECT_EQ(DeltaStatsJson(3, cols),
            "{\"numRecords\":3,"
            "\"minValues\":{\"s\":\"" + std::string(32, 'a') + "\",\"u\":\"" + std::string(31, 'a') +
                "\xC3\xA9\"},"
                "\"maxValues\":{\"u\":\"b\",\"d\":2.5},"
                "\"nullCount\":{\"s\":0,\"u\":0,\"d\":0}}");
}

TEST(DeltaStatsTest, TimestampFormat) {
  EXPECT_EQ(FormatDeltaTimestampMillis(1706702400123), "2024-01-31T12:00:00.123Z");
  EXPECT_EQ(FormatDeltaTimestampMillis(0), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace sluice
