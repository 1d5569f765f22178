// The file sink with partitionBy, and partitioned directories read back by
// batch reads and by the file stream source. The expected directories,
// file contents, schemas and rows come from pyspark 4.3.0 runs of the same
// queries over the same input (local mode, session time zone UTC), unless
// a comment says why Sluice differs.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "connectors/file_stream/file_stream_sink.h"
#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

class FileSinkPartitionTest : public ::testing::Test {
 protected:
  std::string out() const { return dir.path() + "/out"; }
  std::string ck(const std::string& name = "ck") const { return dir.path() + "/" + name; }

  // The rows pyspark's run wrote: (id, s, d, n), s with characters that
  // need escaping, a NULL and an empty string; d a DATE with a NULL.
  std::shared_ptr<MemoryStream> Input() {
    auto input = std::make_shared<MemoryStream>(
        Schema({{"id", DataType::Bigint()}, {"s", DataType::String()}, {"d", DataType::Date()}, {"n", DataType::Int()}}));
    const int32_t jan2 = 19724;  // 2024-01-02
    std::vector<std::vector<Value>> rows = {
        {Value::Bigint(1), Value::String("a b"), Value::Date(jan2), Value::Int(1)},
        {Value::Bigint(2), Value::String("x/y=z:%#?*'\"\\{[]^"), Value::Null(DataType::Date()), Value::Int(2)},
        {Value::Bigint(3), Value::Null(DataType::String()), Value::Date(jan2 + 1), Value::Int(3)},
        {Value::Bigint(4), Value::String(""), Value::Date(jan2 + 1), Value::Int(4)},
        {Value::Bigint(5), Value::String("tab\there\x01\x7f~!@$&()+,;<>|\xc3\xa9"), Value::Date(jan2 + 1),
         Value::Int(5)}};
    EXPECT_TRUE(input->AddRows(rows).ok());
    return input;
  }

  // The committed files (from the manifest), relative to out(), with their
  // lines.
  std::map<std::string, std::vector<std::string>> Files() {
    auto files = ReadFileSinkFiles(Env::Default(), out());
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    std::map<std::string, std::vector<std::string>> result;
    if (!files.ok()) return result;
    for (const auto& f : *files) {
      EXPECT_EQ(f.rfind(out() + "/", 0), 0u) << f;
      std::ifstream is(f);
      std::string line;
      auto& lines = result[f.substr(out().size() + 1)];
      while (std::getline(is, line)) lines.push_back(line);
    }
    return result;
  }
  // The directories of Files(), each with its lines (sorted), part file
  // names dropped.
  std::map<std::string, std::vector<std::string>> LinesByDirectory() {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [path, lines] : Files()) {
      auto& v = out[path.substr(0, path.rfind('/'))];
      v.insert(v.end(), lines.begin(), lines.end());
      std::sort(v.begin(), v.end());
    }
    return out;
  }

  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
};

TEST_F(FileSinkPartitionTest, WritesSparksDirectoryLayoutWithoutThePartitionColumns) {
  auto q = spark->readStream().source(Input()).writeStream().format("json").partitionBy({"s", "d"})
               .option("checkpointLocation", ck()).start(out());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  // pyspark wrote these directories (rows 3 and 4, NULL and "", share the
  // default partition) and these objects in them.
  std::map<std::string, std::vector<std::string>> expected = {
      {"s=__HIVE_DEFAULT_PARTITION__/d=2024-01-03", {"{\"id\":3,\"n\":3}", "{\"id\":4,\"n\":4}"}},
      {"s=a b/d=2024-01-02", {"{\"id\":1,\"n\":1}"}},
      {"s=tab%09here%01%7F~!@$&()+,;<>|\xc3\xa9/d=2024-01-03", {"{\"id\":5,\"n\":5}"}},
      {"s=x%2Fy%3Dz%3A%25%23%3F%2A%27%22%5C%7B%5B%5D%5E/d=__HIVE_DEFAULT_PARTITION__", {"{\"id\":2,\"n\":2}"}},
  };
  EXPECT_EQ(LinesByDirectory(), expected);
  // The manifest names each file by its path under the output directory:
  // <partition dirs>/part-<batch>-<uuid>.json.
  for (const auto& [path, lines] : Files()) {
    std::string name = path.substr(path.rfind('/') + 1);
    EXPECT_EQ(name.rfind("part-00000-", 0), 0u) << path;
  }

  // Read back: the files' columns, then the partition columns with their
  // values unescaped and their types inferred. pyspark:
  // struct<..., id:bigint, n:bigint, s:string, d:date>, s NULL for both
  // NULL and "".
  auto r = spark->read().format("json").load(out()).collect();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->schema().ToString(), "id BIGINT, n BIGINT, s STRING, d DATE");
  EXPECT_EQ(Strings(r->Rows()), (std::vector<std::string>{
                                    "1,1,a b,2024-01-02",
                                    "2,2,x/y=z:%#?*'\"\\{[]^,NULL",
                                    "3,3,NULL,2024-01-03",
                                    "4,4,NULL,2024-01-03",
                                    "5,5,tab\there\x01\x7f~!@$&()+,;<>|\xc3\xa9,2024-01-03",
                                }));
  // A query over the partition columns (filter and aggregate).
  auto g = spark->read().format("json").load(out()).filter("d = DATE'2024-01-03'").groupBy({"d"}).count().collect();
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(Strings(g->Rows()), (std::vector<std::string>{"2024-01-03,3"}));
}

TEST_F(FileSinkPartitionTest, CsvFilesKeepTheirHeaderWithoutThePartitionColumn) {
  auto q = spark->readStream().source(Input()).filter("id IN (1, 3)").writeStream().format("csv")
               .option("header", "true").partitionBy({"n"}).option("checkpointLocation", ck()).start(out());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  // pyspark's files: n=1: 'id,s,d\n1,a b,2024-01-02\n'; n=3: 'id,s,d\n3,,2024-01-03\n'.
  std::map<std::string, std::vector<std::string>> expected = {
      {"n=1", {"1,a b,2024-01-02", "id,s,d"}},
      {"n=3", {"3,,2024-01-03", "id,s,d"}},
  };
  EXPECT_EQ(LinesByDirectory(), expected);
  for (const auto& [path, lines] : Files()) EXPECT_EQ(lines.front(), "id,s,d") << path;
}

TEST_F(FileSinkPartitionTest, EveryBatchAddsFilesToTheSameDirectoriesExactlyOnceAcrossRestarts) {
  auto input = std::make_shared<MemoryStream>(Schema({{"id", DataType::Bigint()}, {"p", DataType::String()}}));
  auto start = [&] {
    return spark->readStream().source(input).writeStream().format("json").partitionBy({"p"})
        .option("checkpointLocation", ck()).start(out());
  };
  std::vector<std::vector<std::vector<Value>>> rounds = {
      {{Value::Bigint(1), Value::String("a")}, {Value::Bigint(2), Value::String("b")}},
      {{Value::Bigint(3), Value::String("a")}},
      {{Value::Bigint(4), Value::String("c")}, {Value::Bigint(5), Value::Null(DataType::String())}}};
  for (const auto& rows : rounds) {
    ASSERT_TRUE(input->AddRows(rows).ok());
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  }
  std::map<std::string, std::vector<std::string>> expected = {
      {"p=__HIVE_DEFAULT_PARTITION__", {"{\"id\":5}"}},
      {"p=a", {"{\"id\":1}", "{\"id\":3}"}},
      {"p=b", {"{\"id\":2}"}},
      {"p=c", {"{\"id\":4}"}},
  };
  EXPECT_EQ(LinesByDirectory(), expected);
  // One file per batch and directory: 2 + 1 + 2; batch ids in the names.
  auto files = Files();
  EXPECT_EQ(files.size(), 5u);
  std::set<std::string> dir_and_batch;  // "p=a/part-00000"
  for (const auto& [path, lines] : files) dir_and_batch.insert(path.substr(0, path.find("/part-") + 11));
  EXPECT_EQ(dir_and_batch, (std::set<std::string>{"p=__HIVE_DEFAULT_PARTITION__/part-00002", "p=a/part-00000",
                                                  "p=a/part-00001", "p=b/part-00000", "p=c/part-00002"}));
  // A part file of a crashed attempt (not in the manifest) is not data.
  std::ofstream(out() + "/p=a/part-00009-stray.json") << "{\"id\":99}\n";
  auto r = spark->read().format("json").load(out()).collect();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Strings(r->Rows()), (std::vector<std::string>{"1,a", "2,b", "3,a", "4,c", "5,NULL"}));
}

TEST_F(FileSinkPartitionTest, BadPartitionColumnsFailTheStartBeforeWritingAnything) {
  // start() fails (as pyspark's does), before anything is written.
  auto run = [&](const DataFrame& df, const std::vector<std::string>& cols, const std::string& name) {
    auto q = df.writeStream().format("json").partitionBy(cols).option("checkpointLocation", ck(name))
                 .start(dir.path() + "/" + name);
    EXPECT_FALSE(q.ok()) << name << " started";
    EXPECT_FALSE(Env::Default()->FileExists(dir.path() + "/" + name + "/_sluice_metadata/0")) << name;
    if (q.ok()) {
      (void)q->stop();
      return Status::OK();
    }
    return q.status();
  };
  auto df = spark->readStream().source(Input()).select({"id", "s"});
  // pyspark: "Partition column nope not found in existing columns (id, s, d, n)."
  Status unknown = run(df, {"nope"}, "unknown");
  EXPECT_EQ(unknown.code(), StatusCode::kAnalysisError);
  EXPECT_NE(unknown.message().find("Partition column nope not found in existing columns (id, s)"),
            std::string::npos)
      << unknown.ToString();
  // pyspark: "[ALL_PARTITION_COLUMNS_NOT_ALLOWED] Cannot use all columns for partition columns."
  Status all = run(df, {"id", "s"}, "all");
  EXPECT_EQ(all.code(), StatusCode::kAnalysisError);
  EXPECT_NE(all.message().find("[ALL_PARTITION_COLUMNS_NOT_ALLOWED] Cannot use all columns for partition columns"),
            std::string::npos)
      << all.ToString();
  Status nested = run(spark->readStream().source(Input()).selectExpr({"id", "named_struct('a', id) AS st"}),
                      {"st"}, "nested");
  EXPECT_EQ(nested.code(), StatusCode::kAnalysisError);
  EXPECT_NE(nested.message().find("for partition column st"), std::string::npos) << nested.ToString();
  Status twice = run(df, {"s", "S"}, "twice");
  EXPECT_EQ(twice.code(), StatusCode::kAnalysisError);
  EXPECT_NE(twice.message().find("duplicate column(s) in the partition schema: S"), std::string::npos)
      << twice.ToString();
}

void WriteText(const std::string& path, const std::string& text) {
  ASSERT_TRUE(Env::Default()->CreateDirRecursive(path.substr(0, path.rfind('/'))).ok());
  std::ofstream(path) << text;
}

TEST_F(FileSinkPartitionTest, AStreamOverPartitionDirectoriesFillsThePartitionColumns) {

  // pyspark: schema "x BIGINT" -> struct<x:bigint,i:int>; "i STRING, x
  // BIGINT" -> struct<x:bigint,i:string>; rows (0, 1), (1, 2) in both.
  struct Case {
    std::string schema;
    std::string expected_schema;
  };
  int k = 0;
  for (const Case& c : {Case{"x BIGINT", "x BIGINT, i INT"}, Case{"i STRING, x BIGINT", "x BIGINT, i STRING"}}) {
    SCOPED_TRACE(c.schema);
    std::string name = "m" + std::to_string(k++);
    std::string in = dir.path() + "/in" + name;
    WriteText(in + "/i=1/a.json", "{\"x\":0}\n");
    WriteText(in + "/i=2/b.json", "{\"x\":1}\n");
    auto df = spark->readStream().format("json").schema(c.schema).load(in);
    ASSERT_TRUE(df.status().ok()) << df.status().ToString();
    auto q = df.writeStream().format("memory").queryName(name).option("checkpointLocation", ck(name)).start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto r = spark->Sql("SELECT * FROM " + name);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->schema().ToString(), c.expected_schema);
    EXPECT_EQ(Strings(r->Rows()), (std::vector<std::string>{"0,1", "1,2"}));
    // A file in a new partition directory is picked up by the next batch.
    WriteText(in + "/i=" + std::to_string(10 + k) + "/c.json", "{\"x\":" + std::to_string(10 + k) + "}\n");
    ASSERT_TRUE(q->processAllAvailable().ok());
    EXPECT_EQ(TableRows(*spark, name).back(), std::to_string(10 + k) + "," + std::to_string(10 + k));
    ASSERT_TRUE(q->stop().ok());
  }
}

TEST_F(FileSinkPartitionTest, AStreamReadsAPartitionedSinksOutput) {
  // The sink's output directory as a stream's input: the files its
  // manifest lists, in partition directories (a stray part file of a
  // crashed attempt is not read).
  auto q = spark->readStream().source(Input()).select({"id", "n"}).writeStream().format("json").partitionBy({"n"})
               .option("checkpointLocation", ck()).start(out());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  std::ofstream(out() + "/n=1/part-00009-stray.json") << "{\"id\":99}\n";
  auto df = spark->readStream().format("json").schema("id BIGINT").load(out());
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto q2 = df.writeStream().format("memory").queryName("back").option("checkpointLocation", ck("ck2")).start();
  ASSERT_TRUE(q2.ok()) << q2.status().ToString();
  ASSERT_TRUE(q2->processAllAvailable().ok());
  ASSERT_TRUE(q2->stop().ok());
  EXPECT_EQ(TableRows(*spark, "back"), (std::vector<std::string>{"1,1", "2,2", "3,3", "4,4", "5,5"}));
}

}  // namespace
}  // namespace sluice
