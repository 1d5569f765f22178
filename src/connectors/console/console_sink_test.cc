#include "connectors/console/console_sink.h"

#include <gtest/gtest.h>

#include "types/value.h"

namespace sluice {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

Batch Ints(int n) {
  std::vector<Value> v;
  for (int i = 0; i < n; ++i) v.push_back(Value::Int(i));
  Vector col = Vector::FromValues(DataType::Int(), v);
  std::vector<Vector> cols;
  cols.push_back(std::move(col));
  return Batch(std::move(cols), static_cast<size_t>(n));
}

// Spark prints "only showing top 20 rows" once under a batch with more rows.
TEST(ConsoleSinkTest, MoreRowsThanNumRowsSaysSoOnce) {
  ConsoleSink sink(20, 20, stdout);
  Schema schema({{"n", DataType::Int()}});
  std::string text = sink.Format(7, schema, {Ints(25)});
  EXPECT_EQ(Count(text, "Batch: 7\n"), 1u) << text;
  EXPECT_EQ(Count(text, "only showing top 20 rows"), 1u) << text;
  EXPECT_EQ(Count(text, "| 19  |"), 1u) << text;
  EXPECT_EQ(Count(text, "| 20  |"), 0u) << text;
}

TEST(ConsoleSinkTest, AllRowsShownSaysNothing) {
  ConsoleSink sink(20, 20, stdout);
  Schema schema({{"n", DataType::Int()}});
  std::string text = sink.Format(0, schema, {Ints(3), Ints(2)});
  EXPECT_EQ(Count(text, "only showing"), 0u) << text;
  EXPECT_EQ(Count(text, "| 0   |"), 2u) << text;
}

}  // namespace
}  // namespace sluice
