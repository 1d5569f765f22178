// PartitionedFileWriter and the batch WriteFiles: the layout Spark's
// writers give (checked against pyspark 4.3.0's output for partitionBy:
// `<col>=<value>/` directories, the partition columns left out of the
// files, a CSV header per file), and that the files read back.
#include "connectors/file/partitioned_file_writer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "connectors/file/file_table.h"
#include "env/mem_env.h"
#include "exec/physical_operator.h"

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

TEST(PartitionByOptionTest, ParsesNamesAndRejectsEmptyOnes) {
  EXPECT_EQ(*ParsePartitionByOption("a"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(*ParsePartitionByOption(" day , the region"), (std::vector<std::string>{"day", "the region"}));
  EXPECT_EQ(ParsePartitionByOption("a,,b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePartitionByOption("").status().code(), StatusCode::kInvalidArgument);
}

class PartitionedFileWriterTest : public ::testing::Test {
 protected:
  std::string Read(const std::string& path) {
    std::string s;
    EXPECT_TRUE(mem_.ReadFileToString(path, &s).ok()) << path;
    return s;
  }
  MemEnv mem_;
  Schema schema_{{{"id", DataType::Bigint()}, {"p", DataType::String()}, {"n", DataType::Int()}}};
};

TEST_F(PartitionedFileWriterTest, BatchWriteFilesLaysOutPartitionsAndReadsBack) {
  Batch b = Rows(schema_, {{Value::Bigint(1), Value::String("a b"), Value::Int(10)},
                           {Value::Bigint(2), Value::String("x/y"), Value::Int(20)},
                           {Value::Bigint(3), Value::String("a b"), Value::Int(30)},
                           {Value::Bigint(4), Value::Null(DataType::String()), Value::Int(40)}});
  auto opts = FileFormatOptions::Parse(FileFormat::kCsv, {{"header", "true"}});
  ASSERT_TRUE(opts.ok());
  auto files = WriteFiles(&mem_, "/out", FileFormat::kCsv, *opts, schema_, {b}, {"p"});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  std::vector<std::string> dirs;
  for (const auto& f : *files) {
    dirs.push_back(f.path.substr(0, f.path.find('/')));
    EXPECT_EQ(f.path.substr(f.path.find('/') + 1, 11), "part-00000-") << f.path;
    EXPECT_EQ(f.absolute_path, "/out/" + f.path);
  }
  std::sort(dirs.begin(), dirs.end());
  EXPECT_EQ(dirs, (std::vector<std::string>{"p=__HIVE_DEFAULT_PARTITION__", "p=a b", "p=x%2Fy"}));
  for (const auto& f : *files) {
    std::string text = Read(f.absolute_path);
    EXPECT_EQ(static_cast<int64_t>(text.size()), f.size);
    if (f.path.rfind("p=a b/", 0) == 0) {
      EXPECT_EQ(text, "id,n\n1,10\n3,30\n");
    } else if (f.path.rfind("p=x%2Fy/", 0) == 0) {
      EXPECT_EQ(text, "id,n\n2,20\n");
    }
  }
  EXPECT_TRUE(mem_.FileExists("/out/_SUCCESS"));
  // Read back: the partition column comes last, its values unescaped.
  auto t = MakeFileTable("csv", {"/out"}, std::nullopt, {{"header", "true"}, {"inferSchema", "true"}}, &mem_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->schema().ToString(), "id INT, n INT, p STRING");
  auto op = (*t)->CreateScan({0, 1, 2}, nullptr);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  ExecContext ctx;
  auto batches = CollectAll(**op, &ctx);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  std::vector<std::string> rows;
  for (const auto& rb : *batches) {
    for (size_t r = 0; r < rb.num_rows; ++r) {
      auto v = rb.Row(r);
      rows.push_back(v[0].ToString() + "," + v[1].ToString() + "," + v[2].ToString());
    }
  }
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<std::string>{"1,10,a b", "2,20,x/y", "3,30,a b", "4,40,NULL"}));
}

TEST_F(PartitionedFileWriterTest, WritersKeepFilesApartAndADroppedWriterDeletesItsFiles) {
  Batch b = Rows(schema_, {{Value::Bigint(1), Value::String("a"), Value::Int(1)},
                           {Value::Bigint(2), Value::String("b"), Value::Int(2)}});
  ASSERT_TRUE(mem_.CreateDirRecursive("/out").ok());
  {
    auto w = PartitionedFileWriter::Make(&mem_, "/out", FileFormat::kJson, FileFormatOptions{}, schema_, {"p"}, 2,
                                         "part-00007-");
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Write(0, b).ok());
    ASSERT_TRUE((*w)->Write(1, b).ok());
    auto listed = mem_.ListDir("/out/p=a");
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(listed->size(), 2u);  // one file per writer in each directory
  }  // dropped before Finish
  auto left = mem_.ListDir("/out/p=a");
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
  auto w = PartitionedFileWriter::Make(&mem_, "/out", FileFormat::kJson, FileFormatOptions{}, schema_, {"p"}, 2,
                                       "part-00008-");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(1, b).ok());
  auto files = (*w)->Finish();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  for (const auto& f : *files) {
    EXPECT_EQ(Read(f.absolute_path), f.path.rfind("p=a/", 0) == 0 ? "{\"id\":1,\"n\":1}\n" : "{\"id\":2,\"n\":2}\n");
  }
  // Spark's checks on the columns.
  auto bad = PartitionedFileWriter::Make(&mem_, "/out", FileFormat::kJson, FileFormatOptions{}, schema_,
                                         {"id", "p", "n"}, 1, "part-");
  EXPECT_EQ(bad.status().code(), StatusCode::kAnalysisError);
  EXPECT_NE(bad.status().message().find("[ALL_PARTITION_COLUMNS_NOT_ALLOWED]"), std::string::npos);
}

// Many directories with large rows: the writer's buffers are appended
// when together they pass their bound, and every byte still lands in its
// file, once, in order.
TEST_F(PartitionedFileWriterTest, ManyDirectoriesOfLargeRowsKeepEveryByte) {
  Schema schema({{"p", DataType::Int()}, {"s", DataType::String()}});
  ASSERT_TRUE(mem_.CreateDirRecursive("/big").ok());
  auto w = PartitionedFileWriter::Make(&mem_, "/big", FileFormat::kCsv, FileFormatOptions{}, schema, {"p"}, 1,
                                       "part-00000-");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  // 3 batches x 400 rows of 20 KB over 200 directories: 24 MB in all.
  for (int b = 0; b < 3; ++b) {
    std::vector<std::vector<Value>> rows;
    for (int r = 0; r < 400; ++r) {
      rows.push_back({Value::Int(r % 200), Value::String(std::string(20000, static_cast<char>('a' + b)))});
    }
    ASSERT_TRUE((*w)->Write(0, Rows(schema, rows)).ok());
  }
  auto files = (*w)->Finish();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 200u);
  for (const auto& f : *files) {
    std::string text = Read(f.absolute_path);
    ASSERT_EQ(static_cast<int64_t>(text.size()), f.size) << f.path;
    // Two rows per batch per directory, in batch order.
    std::string expected;
    for (int b = 0; b < 3; ++b) {
      for (int i = 0; i < 2; ++i) expected += std::string(20000, static_cast<char>('a' + b)) + "\n";
    }
    ASSERT_EQ(text, expected) << f.path;
  }
}

}  // namespace
}  // namespace sluice
