// ParquetWriter: the file's frame, row groups, errors and the statistics it
// returns (worked out here from the rows given). What the files hold is
// checked by an independent reader, pyarrow, in test/parquet/.
#include "connectors/file/parquet_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "env/fault_injection_env.h"
#include "env/mem_env.h"

namespace sluice {
namespace {

Batch Rows(const Schema& schema, const std::vector<std::vector<Value>>& rows) {
  std::vector<Vector> cols;
  for (size_t c = 0; c < schema.size(); ++c) {
    std::vector<Value> vs;
    for (const auto& r : rows) vs.push_back(r[c]);
    cols.push_back(Vector::FromValues(schema.field(c).type, vs));
  }
  return Batch(std::move(cols), rows.size());
}

const ParquetColumnStats* Find(const ParquetFileInfo& info, const std::vector<std::string>& path) {
  for (const auto& s : info.stats) {
    if (s.path == path) return &s;
  }
  return nullptr;
}

TEST(ParquetWriterTest, WritesAFramedFileAndReturnsItsSizeAndRows) {
  MemEnv env;
  Schema schema;
  schema.Add(StructField{"id", DataType::Bigint(), false});
  schema.Add(StructField{"name", DataType::String(), true});
  Batch b = Rows(schema, {{Value::Bigint(1), Value::String("a")}, {Value::Bigint(2), Value::Null(DataType::String())}});
  auto info = WriteParquetFile(&env, "/f.parquet", schema, {b, b});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->num_rows, 4);
  EXPECT_EQ(info->num_row_groups, 1);
  std::string bytes;
  ASSERT_TRUE(env.ReadFileToString("/f.parquet", &bytes).ok());
  EXPECT_EQ(static_cast<int64_t>(bytes.size()), info->size);
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(0, 4), "PAR1");
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "PAR1");
}

TEST(ParquetWriterTest, StatsPerLeafColumnWithNullsNanAndNullStructs) {
  MemEnv env;
  DataType point = DataType::Struct({StructField{"x", DataType::Int(), true}, StructField{"tag", DataType::String(), true}});
  Schema schema;
  schema.Add(StructField{"i", DataType::Int(), true});
  schema.Add(StructField{"d", DataType::Double(), true});
  schema.Add(StructField{"s", DataType::String(), true});
  schema.Add(StructField{"p", point, true});
  schema.Add(StructField{"arr", DataType::Array(DataType::Int()), true});
  schema.Add(StructField{"dec", DataType::Decimal(20, 2), true});
  schema.Add(StructField{"ts", DataType::Timestamp(), true});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto P = [&](Value x, Value tag) { return Value::Nested(point, {std::move(x), std::move(tag)}); };
  auto A = [](std::vector<Value> v) { return Value::Nested(DataType::Array(DataType::Int()), std::move(v)); };
  Batch b1 = Rows(schema, {
      {Value::Int(5), Value::Double(nan), Value::String("pear"), P(Value::Int(3), Value::String("z")),
       A({Value::Int(100)}), Value::Decimal(12345, 20, 2), Value::Timestamp(10)},
      {Value::Null(DataType::Int()), Value::Double(-1.5), Value::String("apple"), Value::Null(point), A({}),
       Value::Decimal(-7, 20, 2), Value::Timestamp(-5)},
  });
  Batch b2 = Rows(schema, {
      {Value::Int(-2), Value::Double(2.0), Value::String("\xC3\xA9t\xC3\xA9"), P(Value::Null(DataType::Int()), Value::String("a")),
       Value::Null(DataType::Array(DataType::Int())), Value::Null(DataType::Decimal(20, 2)), Value::Timestamp(7)},
  });
  auto info = WriteParquetFile(&env, "/f.parquet", schema, {b1, b2});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  // Leaves: i, d, s, p.x, p.tag, dec, ts (nothing inside the array).
  ASSERT_EQ(info->stats.size(), 7u);
  const auto* i = Find(*info, {"i"});
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->null_count, 1);
  EXPECT_EQ(i->min.ToString(), Value::Int(-2).ToString());
  EXPECT_EQ(i->max.ToString(), Value::Int(5).ToString());
  const auto* d = Find(*info, {"d"});
  EXPECT_EQ(d->null_count, 0);  // NaN is a value, left out of min / max
  EXPECT_EQ(d->min.double_value(), -1.5);
  EXPECT_EQ(d->max.double_value(), 2.0);
  const auto* s = Find(*info, {"s"});
  EXPECT_EQ(s->min.str_value(), "apple");
  EXPECT_EQ(s->max.str_value(), "\xC3\xA9t\xC3\xA9");  // bytewise: U+00E9 after ASCII
  const auto* x = Find(*info, {"p", "x"});
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->null_count, 2);  // one NULL struct, one NULL field
  EXPECT_EQ(x->min.ToString(), "3");
  EXPECT_EQ(x->max.ToString(), "3");
  const auto* tag = Find(*info, {"p", "tag"});
  EXPECT_EQ(tag->null_count, 1);
  EXPECT_EQ(tag->min.str_value(), "a");
  EXPECT_EQ(tag->max.str_value(), "z");
  const auto* dec = Find(*info, {"dec"});
  EXPECT_EQ(dec->null_count, 1);
  EXPECT_EQ(dec->min.decimal_value(), -7);
  EXPECT_EQ(dec->max.decimal_value(), 12345);
  const auto* ts = Find(*info, {"ts"});
  EXPECT_EQ(ts->min.ToString(), Value::Timestamp(-5).ToString());
  EXPECT_EQ(ts->max.ToString(), Value::Timestamp(10).ToString());
}

TEST(ParquetWriterTest, AllNullColumnHasNoMinMax) {
  MemEnv env;
  Schema schema;
  schema.Add(StructField{"i", DataType::Int(), true});
  Batch b = Rows(schema, {{Value::Null(DataType::Int())}, {Value::Null(DataType::Int())}});
  auto info = WriteParquetFile(&env, "/f.parquet", schema, {b});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->stats[0].null_count, 2);
  EXPECT_FALSE(info->stats[0].has_min_max);
}

TEST(ParquetWriterTest, RowGroupsByRowsAndByBytes) {
  MemEnv env;
  Schema schema;
  schema.Add(StructField{"v", DataType::Bigint(), false});
  std::vector<Batch> batches;
  for (int k = 0; k < 5; ++k) {
    Vector v(DataType::Bigint(), 1000);
    for (int j = 0; j < 1000; ++j) v.data<int64_t>()[j] = k * 1000 + j;
    batches.emplace_back(std::vector<Vector>{v}, 1000);
  }
  ParquetWriteOptions by_rows;
  by_rows.row_group_rows = 2000;
  auto info = WriteParquetFile(&env, "/a.parquet", schema, batches, by_rows);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->num_rows, 5000);
  EXPECT_EQ(info->num_row_groups, 3);
  ParquetWriteOptions by_bytes;
  by_bytes.row_group_bytes = 8000;  // one 1000-row batch of BIGINT is 8000 bytes
  info = WriteParquetFile(&env, "/b.parquet", schema, batches, by_bytes);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->num_row_groups, 5);
}

TEST(ParquetWriterTest, RefusesVoidColumnsAndUnknownCodecs) {
  MemEnv env;
  Schema schema;
  schema.Add(StructField{"n", DataType::Null(), true});
  auto w = ParquetWriter::Open(&env, "/f.parquet", schema);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find("'n'"), std::string::npos) << w.status().message();
  EXPECT_FALSE(env.FileExists("/f.parquet"));
  EXPECT_EQ(*ParseParquetCompression("ZSTD"), ParquetCompression::kZstd);
  EXPECT_EQ(*ParseParquetCompression("uncompressed"), ParquetCompression::kNone);
  auto lzo = ParseParquetCompression("lzo");
  ASSERT_FALSE(lzo.ok());
  EXPECT_NE(lzo.status().message().find("lzo"), std::string::npos);
}

TEST(ParquetWriterTest, AWriterDroppedBeforeCloseDeletesItsFile) {
  MemEnv env;
  Schema schema;
  schema.Add(StructField{"i", DataType::Int(), true});
  {
    auto w = ParquetWriter::Open(&env, "/f.parquet", schema);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(Rows(schema, {{Value::Int(1)}})).ok());
    EXPECT_TRUE(env.FileExists("/f.parquet"));
  }
  EXPECT_FALSE(env.FileExists("/f.parquet"));
}

}  // namespace
}  // namespace sluice
