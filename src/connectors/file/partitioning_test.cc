// Partition directory names and partition discovery. The expected directory
// names, types and values come from runs of pyspark 4.3.0 (local mode,
// session time zone UTC) over the same values and directories; where Sluice
// differs on purpose the test says so.
#include "connectors/file/partitioning.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "connectors/file/file_scan_operator.h"
#include "connectors/file/file_table.h"
#include "env/mem_env.h"
#include "exec/physical_operator.h"

namespace sluice {
namespace {

TEST(PartitioningTest, DirectoryNamesEscapeAsSparkDoes) {
  // Spark wrote these directories for partitionBy("s") over these strings.
  EXPECT_EQ(PartitionDirectoryName("s", Value::String("a b")), "s=a b");
  EXPECT_EQ(PartitionDirectoryName("s", Value::String("x/y=z:%#?*'\"\\{[]^")),
            "s=x%2Fy%3Dz%3A%25%23%3F%2A%27%22%5C%7B%5B%5D%5E");
  EXPECT_EQ(PartitionDirectoryName("s", Value::String("tab\there\x01\x7f~!@$&()+,;<>|\xc3\xa9")),
            "s=tab%09here%01%7F~!@$&()+,;<>|\xc3\xa9");
  // NULL and the empty string both go to the default partition.
  EXPECT_EQ(PartitionDirectoryName("s", Value::Null(DataType::String())), "s=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(PartitionDirectoryName("s", Value::String("")), "s=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(PartitionDirectoryName("d", Value::Date(19724)), "d=2024-01-02");  // 2024-01-02 is day 19724
  EXPECT_EQ(PartitionDirectoryName("d", Value::Null(DataType::Date())), "d=__HIVE_DEFAULT_PARTITION__");
  // Values as CAST(v AS STRING): a timestamp's colons are escaped.
  // 2024-05-06 07:08:09.5 UTC = 1714979289.5 s.
  EXPECT_EQ(PartitionDirectoryName("ts", Value::Timestamp(1714979289500000)), "ts=2024-05-06 07%3A08%3A09.5");
  EXPECT_EQ(PartitionDirectoryName("n", Value::Int(-3)), "n=-3");
  EXPECT_EQ(PartitionDirectoryName("x", Value::Double(1.5)), "x=1.5");
  EXPECT_EQ(PartitionDirectoryName("b", Value::Boolean(true)), "b=true");
  EXPECT_EQ(PartitionDirectoryName("a=b", Value::Int(1)), "a%3Db=1");  // names are escaped too
}

TEST(PartitioningTest, UnescapeUndoesEscapeAndKeepsStrayPercents) {
  for (std::string s : {std::string("x/y=z:%#?*'\"\\{[]^"), std::string("a\x01\x1f\x7f b"), std::string("plain")}) {
    EXPECT_EQ(UnescapePartitionPathName(EscapePartitionPathName(s)), s);
  }
  EXPECT_EQ(UnescapePartitionPathName("100%"), "100%");
  EXPECT_EQ(UnescapePartitionPathName("%zz%4"), "%zz%4");
  EXPECT_EQ(UnescapePartitionPathName("a%2fb"), "a/b");  // lower-case hex too
}

TEST(PartitioningTest, ParsesPartitionPaths) {
  auto p = ParsePartitionPath("a=1/b=x%2Fy/part-0.json");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0], (std::pair<std::string, std::string>("a", "1")));
  EXPECT_EQ((*p)[1], (std::pair<std::string, std::string>("b", "x%2Fy")));  // raw: unescaped when typed
  auto below = ParsePartitionPath("a=1/_temporary/x.json");  // a plain directory below: ignored
  ASSERT_TRUE(below.ok());
  EXPECT_EQ(below->size(), 1u);
  EXPECT_TRUE(ParsePartitionPath("x.json")->empty());
  EXPECT_EQ(ParsePartitionPath("=1/x.json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePartitionPath("a=/x.json").status().code(), StatusCode::kInvalidArgument);
  auto above = ParsePartitionPath("plain/a=1/x.json");
  EXPECT_EQ(above.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(above.status().message().find("'plain'"), std::string::npos) << above.status().ToString();
}

// Each case: the two directory values, the type pyspark inferred for the
// column, and the values it read.
struct InferCase {
  const char* v1;
  const char* v2;
  std::string type;
  std::string r1;
  std::string r2;
};

TEST(PartitioningTest, InfersTypesAsSpark) {
  const std::vector<InferCase> cases = {
      {"1", "2", "INT", "1", "2"},
      {"1", "9999999999", "BIGINT", "1", "9999999999"},
      {"1", "1.5", "DOUBLE", "1.0", "1.5"},
      {"2024-01-01", "2024-02-03", "DATE", "2024-01-01", "2024-02-03"},
      {"2024-01-01 10%3A00%3A00", "2024-01-01 10%3A00%3A00.5", "TIMESTAMP", "2024-01-01 10:00:00",
       "2024-01-01 10:00:00.5"},
      {"2024-01-01", "2024-01-01 10%3A00%3A00", "TIMESTAMP", "2024-01-01 00:00:00", "2024-01-01 10:00:00"},
      {"1", "abc", "STRING", "1", "abc"},
      {"__HIVE_DEFAULT_PARTITION__", "7", "INT", "NULL", "7"},
      {"1", "12345678901234567890", "DECIMAL(20,0)", "1", "12345678901234567890"},
      {"1e5", "2", "DECIMAL(10,0)", "100000", "2"},
      {"-3", "+4", "INT", "-3", "4"},
      {"true", "false", "STRING", "true", "false"},
      {"007", "8", "INT", "7", "8"},
      {" 1", "2", "DOUBLE", "1.0", "2.0"},
      {"1.5d", "2", "DOUBLE", "1.5", "2.0"},
      {"NaN", "1.0", "DOUBLE", "NaN", "1.0"},
      {"2024-01-01T10%3A00%3A00", "2024-01-01T11%3A00%3A00Z", "STRING", "2024-01-01T10:00:00",
       "2024-01-01T11:00:00Z"},
      // Spark says VOID for a column of NULLs only; Sluice has no such
      // column type and says STRING.
      {"__HIVE_DEFAULT_PARTITION__", "__HIVE_DEFAULT_PARTITION__", "STRING", "NULL", "NULL"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.v1) + " / " + c.v2);
    std::vector<PartitionedFile> files = {{"/t", std::string("/t/k=") + c.v1 + "/x.json"},
                                          {"/t", std::string("/t/k=") + c.v2 + "/y.json"}};
    auto d = DiscoverPartitions(files, nullptr);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    ASSERT_EQ(d->schema.size(), 1u);
    EXPECT_EQ(d->schema.field(0).name, "k");
    EXPECT_EQ(d->schema.field(0).type.ToString(), c.type);
    ASSERT_EQ(d->values.size(), 2u);
    EXPECT_EQ(d->values[0][0].ToString(), c.r1);
    EXPECT_EQ(d->values[1][0].ToString(), c.r2);
  }
}

TEST(PartitioningTest, TheUsersSchemaTypesAColumnAndABadValueIsAnErrorNamingIt) {
  std::vector<PartitionedFile> files = {{"/t", "/t/k=007/x.json"}, {"/t", "/t/k=8/y.json"}};
  Schema user({{"k", DataType::String()}});
  auto d = DiscoverPartitions(files, &user);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->schema.ToString(), "k STRING");
  EXPECT_EQ(d->values[0][0].ToString(), "007");  // as written: not read as a number first

  std::vector<PartitionedFile> bad = {{"/t", "/t/k=1/x.json"}, {"/t", "/t/k=abc/y.json"}};
  Schema ints({{"K", DataType::Int()}});  // names match case-insensitively
  auto e = DiscoverPartitions(bad, &ints);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("/t/k=abc/y.json"), std::string::npos) << e.status().ToString();
  EXPECT_NE(e.status().message().find("'abc' is not a valid INT"), std::string::npos) << e.status().ToString();
}

TEST(PartitioningTest, ConflictingColumnNamesAreAnError) {
  std::vector<PartitionedFile> files = {{"/t", "/t/a=1/x.json"}, {"/t", "/t/b=2/x.json"}};
  auto d = DiscoverPartitions(files, nullptr);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kAnalysisError);
  EXPECT_NE(d.status().message().find("[CONFLICTING_PARTITION_COLUMN_NAMES]"), std::string::npos);
  EXPECT_NE(d.status().message().find("Partition column name list #0: a"), std::string::npos);
  EXPECT_NE(d.status().message().find("Partition column name list #1: b"), std::string::npos);
  EXPECT_NE(d.status().message().find("/t/b=2"), std::string::npos) << d.status().ToString();
  // Two levels against one: also a conflict.
  std::vector<PartitionedFile> depth = {{"/t", "/t/a=1/b=2/x.json"}, {"/t", "/t/a=1/x.json"}};
  EXPECT_EQ(DiscoverPartitions(depth, nullptr).status().code(), StatusCode::kAnalysisError);
}

TEST(PartitioningTest, AFileBesidePartitionDirectoriesIsLeftOutAsSparkDoes) {
  // pyspark read [Row(x=1, a=1)] from /t/a=1/x.json and /t/y.json.
  std::vector<PartitionedFile> files = {{"/t", "/t/a=1/x.json"}, {"/t", "/t/y.json"}};
  auto d = DiscoverPartitions(files, nullptr);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->schema.ToString(), "a INT");
  EXPECT_EQ(d->excluded, (std::vector<bool>{false, true}));
}

// Tables over partitioned directories in a MemEnv, read through the scan.
class PartitionedTableTest : public ::testing::Test {
 protected:
  void Put(const std::string& path, const std::string& content) {
    size_t slash = path.rfind('/');
    ASSERT_TRUE(mem_.CreateDirRecursive(path.substr(0, slash)).ok());
    ASSERT_TRUE(mem_.WriteFile(path, content, false).ok());
  }
  // Every row of a scan of `columns` (all when empty), sorted by text.
  std::vector<std::string> Rows(const TableSource& t, std::vector<int> columns = {}) {
    if (columns.empty()) {
      for (size_t i = 0; i < t.schema().size(); ++i) columns.push_back(static_cast<int>(i));
    }
    auto op = t.CreateScan(columns, nullptr);
    EXPECT_TRUE(op.ok()) << op.status().ToString();
    if (!op.ok()) return {};
    ExecContext ctx;
    auto batches = CollectAll(**op, &ctx);
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    if (!batches.ok()) return {};
    std::vector<std::string> out;
    for (const auto& b : *batches) {
      for (size_t r = 0; r < b.num_rows; ++r) {
        std::string s;
        for (const auto& v : b.Row(r)) s += (s.empty() ? "" : "|") + v.ToString();
        out.push_back(s);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  MemEnv mem_;
};

TEST_F(PartitionedTableTest, InferredSchemaPutsPartitionColumnsLast) {
  // pyspark: struct<x:bigint,i:int> [(0, 1), (1, 2)].
  Put("/t/i=1/a.json", "{\"x\":0}\n");
  Put("/t/i=2/b.json", "{\"x\":1}\n");
  auto t = MakeFileTable("json", {"/t"}, std::nullopt, {}, &mem_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->schema().ToString(), "x BIGINT, i INT");
  EXPECT_EQ(Rows(**t), (std::vector<std::string>{"0|1", "1|2"}));
  // Partition column alone, and before a data column.
  EXPECT_EQ(Rows(**t, {1}), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(Rows(**t, {1, 0}), (std::vector<std::string>{"1|0", "2|1"}));
}

TEST_F(PartitionedTableTest, AColumnInBothTheFilesAndTheDirectoriesTakesThePathsValue) {
  // pyspark: struct<x:int,y:bigint> [Row(x=5, y=2)].
  Put("/t/x=5/a.json", "{\"x\":1,\"y\":2}\n");
  auto t = MakeFileTable("json", {"/t"}, std::nullopt, {}, &mem_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->schema().ToString(), "x INT, y BIGINT");
  EXPECT_EQ(Rows(**t), (std::vector<std::string>{"5|2"}));
}

TEST_F(PartitionedTableTest, AUserSchemaTypesPartitionColumnsAndTheyMoveToTheEnd) {
  Put("/t/i=1/a.json", "{\"x\":0}\n");
  Put("/t/i=2/b.json", "{\"x\":1}\n");
  // pyspark: schema("i INT, x BIGINT") -> struct<x:bigint,i:int>;
  // schema("x BIGINT") -> struct<x:bigint,i:int> (i still discovered).
  for (const auto& user : {Schema({{"i", DataType::Int()}, {"x", DataType::Bigint()}}),
                           Schema({{"x", DataType::Bigint()}})}) {
    auto t = MakeFileTable("json", {"/t"}, user, {}, &mem_);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ((*t)->schema().ToString(), "x BIGINT, i INT");
    EXPECT_EQ(Rows(**t), (std::vector<std::string>{"0|1", "1|2"}));
  }
  auto s = MakeFileTable("json", {"/t"}, Schema({{"i", DataType::String()}, {"x", DataType::Bigint()}}), {}, &mem_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->schema().ToString(), "x BIGINT, i STRING");
}

TEST_F(PartitionedTableTest, CsvHeaderFilesWithPartitionColumns) {
  // The layout Spark's csv sink wrote for partitionBy("n") with header.
  Put("/t/n=1/part-0.csv", "id,s\n1,a b\n");
  Put("/t/n=3/part-0.csv", "id,s\n3,\n");
  auto t = MakeFileTable("csv", {"/t"}, std::nullopt, {{"header", "true"}}, &mem_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // pyspark: struct<id:string,s:string,d:string,n:int>.
  EXPECT_EQ((*t)->schema().ToString(), "id STRING, s STRING, n INT");
  EXPECT_EQ(Rows(**t), (std::vector<std::string>{"1|a b|1", "3|NULL|3"}));
}

TEST_F(PartitionedTableTest, BasePathReadsColumnsAboveThePathGiven) {
  Put("/t/a=1/b=x/f.json", "{\"v\":1}\n");
  Put("/t/a=2/b=y/f.json", "{\"v\":2}\n");
  auto only_b = MakeFileTable("json", {"/t/a=1"}, std::nullopt, {}, &mem_);
  ASSERT_TRUE(only_b.ok()) << only_b.status().ToString();
  EXPECT_EQ((*only_b)->schema().ToString(), "v BIGINT, b STRING");
  auto both = MakeFileTable("json", {"/t/a=1"}, std::nullopt, {{"basePath", "/t"}}, &mem_);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ((*both)->schema().ToString(), "v BIGINT, a INT, b STRING");
  EXPECT_EQ(Rows(**both), (std::vector<std::string>{"1|1|x"}));
  auto wrong = MakeFileTable("json", {"/t/a=1"}, std::nullopt, {{"basePath", "/elsewhere"}}, &mem_);
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("Wrong basePath /elsewhere"), std::string::npos)
      << wrong.status().ToString();
}

}  // namespace
}  // namespace sluice
