#include "connectors/console/console_sink.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

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

Batch IntsFrom(int first, int n) {
  std::vector<Value> v;
  for (int i = 0; i < n; ++i) v.push_back(Value::Int(first + i));
  std::vector<Vector> cols;
  cols.push_back(Vector::FromValues(DataType::Int(), v));
  return Batch(std::move(cols), static_cast<size_t>(n));
}

// What a batch written through the sink's writer prints.
std::string PrintThroughWriter(size_t num_rows, const std::vector<std::vector<Batch>>& partitions) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = open_memstream(&buf, &len);
  {
    ConsoleSink sink(num_rows, 20, out);
    Schema schema({{"n", DataType::Int()}});
    SinkBatchInfo info;
    info.id = 4;
    auto writer = sink.BeginBatch(info, schema, OutputMode::kAppend, static_cast<int>(partitions.size()));
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    for (size_t p = 0; p < partitions.size(); ++p) {
      for (const Batch& b : partitions[p]) EXPECT_TRUE((*writer)->Write(static_cast<int>(p), b).ok());
    }
    EXPECT_TRUE((*writer)->Commit().ok());
  }
  std::fclose(out);
  std::string text(buf, len);
  std::free(buf);
  return text;
}

// The writer keeps only the rows the table can print, yet prints what the
// whole batch would: the first numRows rows of the partitions in order, and
// "only showing" exactly when rows were left out.
TEST(ConsoleSinkTest, WriterPrintsTheFirstRowsOfThePartitionsInOrder) {
  std::string text = PrintThroughWriter(3, {{IntsFrom(100, 2)}, {IntsFrom(200, 2), IntsFrom(300, 1000)}});
  EXPECT_EQ(Count(text, "Batch: 4\n"), 1u) << text;
  EXPECT_EQ(Count(text, "| 100 |"), 1u) << text;
  EXPECT_EQ(Count(text, "| 101 |"), 1u) << text;
  EXPECT_EQ(Count(text, "| 200 |"), 1u) << text;
  EXPECT_EQ(Count(text, "| 201 |"), 0u) << text;
  EXPECT_EQ(Count(text, "| 300 |"), 0u) << text;
  EXPECT_EQ(Count(text, "only showing top 3 rows"), 1u) << text;

  // One partition with exactly numRows rows, another empty: nothing left out.
  text = PrintThroughWriter(3, {{IntsFrom(100, 3)}, {}});
  EXPECT_EQ(Count(text, "| 102 |"), 1u) << text;
  EXPECT_EQ(Count(text, "only showing"), 0u) << text;
  // One row more, in a later batch of the same partition: left out, and said.
  text = PrintThroughWriter(3, {{IntsFrom(100, 3), IntsFrom(103, 1)}});
  EXPECT_EQ(Count(text, "| 103 |"), 0u) << text;
  EXPECT_EQ(Count(text, "only showing top 3 rows"), 1u) << text;
}

}  // namespace
}  // namespace sluice
