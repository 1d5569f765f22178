// The Parquet reader inside the file scan: row-group skipping on statistics
// (counted), splits by row group (every row read once across byte-range
// splits), missing columns as NULL, a type mismatch named. Files are written
// by ParquetWriter here; what pyarrow and Spark write is read in
// test/parquet/ (interop tests).
#include "connectors/file/parquet_reader.h"

#include <gtest/gtest.h>

#include <set>

#include "connectors/file/file_scan.h"
#include "connectors/file/parquet_writer.h"
#include "env/mem_env.h"
#include "exec/function_registry.h"

namespace sluice {
namespace {

class ParquetReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDirRecursive("/d").ok());
    schema_.Add(StructField{"id", DataType::Bigint(), true});
    schema_.Add(StructField{"name", DataType::String(), true});
    // 10 row groups of 1000 rows: ids 0..9999 in order.
    std::vector<Batch> batches;
    for (int g = 0; g < 10; ++g) {
      Vector id(DataType::Bigint(), 0), name(DataType::String(), 0);
      for (int i = 0; i < 1000; ++i) {
        id.AppendValue(Value::Bigint(g * 1000 + i));
        name.AppendValue(Value::String("n" + std::to_string(g * 1000 + i)));
      }
      batches.emplace_back(std::vector<Vector>{id, name}, 1000);
    }
    ParquetWriteOptions o;
    o.row_group_rows = 1000;
    auto info = WriteParquetFile(&env_, "/d/f.parquet", schema_, batches, o);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    ASSERT_EQ(info->num_row_groups, 10);
    file_size_ = info->size;
  }

  // Every row of every split of the scan (column 0 as BIGINT).
  std::vector<int64_t> ReadIds(const FileScan& scan) {
    std::vector<int64_t> ids;
    for (size_t s = 0; s < scan.splits().size(); ++s) {
      auto stream = scan.OpenSplit(s);
      EXPECT_TRUE(stream.ok()) << stream.status().ToString();
      if (!stream.ok()) return ids;
      while (true) {
        auto b = (*stream)->Next();
        EXPECT_TRUE(b.ok()) << b.status().ToString();
        if (!b.ok() || !*b) break;
        for (size_t r = 0; r < (*b)->num_rows; ++r) ids.push_back((*b)->columns[0].GetValue(r).bigint_value());
      }
    }
    return ids;
  }

  ExprPtr Compare(const std::string& op, ExprPtr left, ExprPtr right) {
    auto e = BindScalarFunction(op, {std::move(left), std::move(right)});
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return *e;
  }

  MemEnv env_;
  Schema schema_;
  int64_t file_size_ = 0;
};

TEST_F(ParquetReaderTest, SkipsRowGroupsThatStatisticsRuleOut) {
  auto opts = FileFormatOptions::Parse(FileFormat::kParquet, {});
  ASSERT_TRUE(opts.ok());
  // id >= 9500: only the last row group can hold such rows.
  ExprPtr filter = Compare(">=", MakeColumnRef(0, DataType::Bigint(), "id"), MakeLiteral(Value::Bigint(9500)));
  auto scan = FileScan::Make(&env_, FileFormat::kParquet, {"/d/f.parquet"}, schema_, *opts, {0, 1}, {}, {}, filter);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  std::vector<int64_t> ids = ReadIds(**scan);
  EXPECT_EQ(ids.size(), 1000u);  // the whole row group; the filter itself is applied above the scan
  EXPECT_EQ(ids.front(), 9000);
  EXPECT_EQ((*scan)->row_groups_read(), 1);
  EXPECT_EQ((*scan)->row_groups_skipped(), 9);

  // The literal on the left.
  filter = Compare("=", MakeLiteral(Value::Bigint(4242)), MakeColumnRef(0, DataType::Bigint(), "id"));
  scan = FileScan::Make(&env_, FileFormat::kParquet, {"/d/f.parquet"}, schema_, *opts, {0, 1}, {}, {}, filter);
  ASSERT_TRUE(scan.ok());
  ids = ReadIds(**scan);
  ASSERT_EQ(ids.size(), 1000u);
  EXPECT_EQ(ids.front(), 4000);
  EXPECT_EQ((*scan)->row_groups_skipped(), 9);

  // A conjunct over the other column, projected second: name < 'n0' rules every group out.
  filter = Compare("<", MakeColumnRef(1, DataType::String(), "name"), MakeLiteral(Value::String("n0")));
  scan = FileScan::Make(&env_, FileFormat::kParquet, {"/d/f.parquet"}, schema_, *opts, {0, 1}, {}, {}, filter);
  ASSERT_TRUE(scan.ok());
  EXPECT_TRUE(ReadIds(**scan).empty());
  EXPECT_EQ((*scan)->row_groups_read(), 0);
  EXPECT_EQ((*scan)->row_groups_skipped(), 10);
}

TEST_F(ParquetReaderTest, ByteRangeSplitsReadEveryRowGroupOnce) {
  auto opts = FileFormatOptions::Parse(FileFormat::kParquet, {{"maxPartitionBytes", std::to_string(file_size_ / 7)}});
  ASSERT_TRUE(opts.ok());
  auto scan = FileScan::Make(&env_, FileFormat::kParquet, {"/d/f.parquet"}, schema_, *opts, {0});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_GE((*scan)->splits().size(), 7u);
  std::vector<int64_t> ids = ReadIds(**scan);
  ASSERT_EQ(ids.size(), 10000u);
  std::set<int64_t> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), 10000u);
  EXPECT_EQ((*scan)->row_groups_read(), 10);
}

TEST_F(ParquetReaderTest, MissingColumnsReadAsNullAndTypeMismatchesAreNamed) {
  auto opts = FileFormatOptions::Parse(FileFormat::kParquet, {});
  Schema wider;
  wider.Add(StructField{"ID", DataType::Bigint(), true});  // matched ignoring case
  wider.Add(StructField{"extra", DataType::Int(), true});
  auto scan = FileScan::Make(&env_, FileFormat::kParquet, {"/d/f.parquet"}, wider, *opts, {1, 0});
  ASSERT_TRUE(scan.ok());
  auto stream = (*scan)->OpenSplit(0);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  auto b = (*stream)->Next();
  ASSERT_TRUE(b.ok() && *b);
  EXPECT_TRUE((*b)->columns[0].IsNull(0));
  EXPECT_EQ((*b)->columns[1].GetValue(5).bigint_value(), 5);

  Schema wrong;
  wrong.Add(StructField{"id", DataType::String(), true});
  scan = FileScan::Make(&env_, FileFormat::kParquet, {"/d/f.parquet"}, wrong, *opts, {0});
  ASSERT_TRUE(scan.ok());
  auto failed = (*scan)->OpenSplit(0);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("column 'id' of Parquet file /d/f.parquet is BIGINT"), std::string::npos)
      << failed.status().message();
}

TEST_F(ParquetReaderTest, SchemaFromTheFooterAndDamagedFilesAreNamed) {
  auto schema = ReadParquetSchema(&env_, "/d/f.parquet");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->ToString(), schema_.ToString());
  ASSERT_TRUE(env_.WriteFile("/d/bad.parquet", "PAR1 this is not parquet", false).ok());
  auto bad = ReadParquetSchema(&env_, "/d/bad.parquet");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("/d/bad.parquet"), std::string::npos) << bad.status().message();
}

TEST_F(ParquetReaderTest, ReadParquetColumnsReadsNamedColumnsWhole) {
  Schema want;
  want.Add(StructField{"name", DataType::String(), true});
  want.Add(StructField{"absent", DataType::Bigint(), true});
  auto batches = ReadParquetColumns(&env_, "/d/f.parquet", want);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  size_t rows = 0;
  for (const Batch& b : *batches) {
    ASSERT_EQ(b.columns.size(), 2u);
    for (size_t r = 0; r < b.num_rows; ++r) {
      EXPECT_EQ(b.columns[0].GetValue(r).str_value(), "n" + std::to_string(rows + r));
      EXPECT_TRUE(b.columns[1].IsNull(r));
    }
    rows += b.num_rows;
  }
  EXPECT_EQ(rows, 10000u);
  EXPECT_EQ(ReadParquetColumns(&env_, "/d/none.parquet", want).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice
