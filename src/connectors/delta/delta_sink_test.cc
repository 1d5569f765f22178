#include "connectors/delta/delta_sink.h"

#include <gtest/gtest.h>

#include "env/fault_injection_env.h"
#include "env/mem_env.h"

namespace sluice {
namespace {

// The sink's commit protocol over MemEnv: other writers are simulated by
// commits written straight into _delta_log between a batch's start and its
// commit. (Reading tables back is the job of test/delta/, with deltalake.)
class DeltaSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { sink_ = MakeSink(); }

  std::shared_ptr<DeltaSink> MakeSink(std::map<std::string, std::string> opts = {}, Env* env = nullptr) {
    opts["path"] = "/t";
    auto s = DeltaSink::Make(SourceOptions(opts));
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    SinkContext ctx;
    ctx.env = env ? env : &env_;
    ctx.query_id = "q1";
    ctx.checkpoint_dir = "/ck";
    ctx.output_schema = schema_;
    Status st = (*s)->Open(ctx);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return *s;
  }

  Batch Rows(int64_t from, int64_t n) {
    Vector v(DataType::Bigint(), static_cast<size_t>(n));
    for (int64_t i = 0; i < n; i++) v.data<int64_t>()[i] = from + i;
    return Batch({v}, static_cast<size_t>(n));
  }

  Result<std::unique_ptr<SinkWriter>> Begin(DeltaSink* sink, int64_t id, OutputMode mode = OutputMode::kAppend,
                                            std::string digest = "") {
    SinkBatchInfo b;
    b.id = id;
    b.offsets_digest = std::move(digest);
    return sink->BeginBatch(b, schema_, mode, 2);
  }

  Status WriteBatch(DeltaSink* sink, int64_t id, int64_t from, OutputMode mode = OutputMode::kAppend,
                    std::string digest = "") {
    SLUICE_ASSIGN_OR_RETURN(auto w, Begin(sink, id, mode, std::move(digest)));
    SLUICE_RETURN_NOT_OK(w->Write(0, Rows(from, 3)));
    SLUICE_RETURN_NOT_OK(w->Write(1, Rows(from + 3, 2)));
    return w->Commit();
  }

  DeltaSnapshot Snapshot() {
    DeltaSnapshot s;
    Status st = DeltaLog(&env_, "/t", "q1").Update(&s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s;
  }

  void Foreign(int64_t version, const std::string& actions) {
    ASSERT_TRUE(env_.CreateDirRecursive("/t/_delta_log").ok());
    ASSERT_TRUE(env_.WriteFile(DeltaLog(&env_, "/t").CommitPath(version), actions, true).ok());
  }

  size_t ParquetFiles() {
    auto names = env_.ListDir("/t");
    size_t n = 0;
    for (const auto& name : *names) n += name.size() > 8 && name.substr(name.size() - 8) == ".parquet";
    return n;
  }

  MemEnv env_;
  Schema schema_{{{"id", DataType::Bigint()}}};
  std::shared_ptr<DeltaSink> sink_;
};

TEST_F(DeltaSinkTest, OneVersionPerBatchWithTxnAndStats) {
  ASSERT_TRUE(WriteBatch(sink_.get(), 0, 0).ok());
  ASSERT_TRUE(WriteBatch(sink_.get(), 1, 5).ok());
  DeltaSnapshot s = Snapshot();
  EXPECT_EQ(s.version, 1);
  EXPECT_EQ(s.app_versions.at("q1"), 1);
  EXPECT_EQ(s.files.size(), 4u);  // two partitions per batch
  ASSERT_TRUE(s.protocol && s.metadata);
  EXPECT_EQ(s.protocol->min_writer_version, 2);
  std::string v0;
  ASSERT_TRUE(env_.ReadFileToString("/t/_delta_log/00000000000000000000.json", &v0).ok());
  EXPECT_EQ(v0.rfind("{\"commitInfo\":", 0), 0u) << v0;
  EXPECT_NE(v0.find("\\\"numRecords\\\":3,\\\"minValues\\\":{\\\"id\\\":0},\\\"maxValues\\\":{\\\"id\\\":2}"),
            std::string::npos)
      << v0;
}

TEST_F(DeltaSinkTest, ReplayedBatchIsSkippedAndADifferentDigestFails) {
  ASSERT_TRUE(WriteBatch(sink_.get(), 0, 0, OutputMode::kAppend, "fnv1a64:aaaa").ok());
  auto again = MakeSink();  // a restart after a crash before the checkpoint's commit log
  ASSERT_TRUE(WriteBatch(again.get(), 0, 0, OutputMode::kAppend, "fnv1a64:aaaa").ok());
  EXPECT_EQ(Snapshot().version, 0);
  EXPECT_EQ(ParquetFiles(), 2u) << "the replay wrote no files";
  auto w = Begin(again.get(), 0, OutputMode::kAppend, "fnv1a64:bbbb");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kCorruption);
  EXPECT_NE(w.status().message().find("fnv1a64:aaaa"), std::string::npos) << w.status().ToString();
}

TEST_F(DeltaSinkTest, ConcurrentAppendIsRetriedAtTheNextVersion) {
  ASSERT_TRUE(WriteBatch(sink_.get(), 0, 0).ok());
  auto w = Begin(sink_.get(), 1);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(0, Rows(100, 4)).ok());
  Foreign(1,
          "{\"commitInfo\":{\"operation\":\"WRITE\"}}\n{\"txn\":{\"appId\":\"other\",\"version\":9}}\n"
          "{\"add\":{\"path\":\"x.parquet\",\"partitionValues\":{},\"size\":1,\"modificationTime\":1,"
          "\"dataChange\":true}}\n"
          "{\"remove\":{\"path\":\"gone.parquet\",\"dataChange\":false}}\n");  // and a compaction's remove
  Status st = (*w)->Commit();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(sink_->commit_retries(), 1);
  DeltaSnapshot s = Snapshot();
  EXPECT_EQ(s.version, 2);
  EXPECT_EQ(s.app_versions.at("q1"), 1);
  EXPECT_EQ(s.app_versions.at("other"), 9);
  EXPECT_EQ(s.files.count("x.parquet"), 1u);
}

TEST_F(DeltaSinkTest, ConcurrentMetadataChangeIsAConflict) {
  ASSERT_TRUE(WriteBatch(sink_.get(), 0, 0).ok());
  auto w = Begin(sink_.get(), 1);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(0, Rows(100, 4)).ok());
  Foreign(1,
          "{\"commitInfo\":{\"operation\":\"SET TBLPROPERTIES\"}}\n"
          "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
          "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\","
          "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[],\"configuration\":{}}}\n");
  Status st = (*w)->Commit();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("version 1"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("SET TBLPROPERTIES"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("conflict"), std::string::npos) << st.ToString();
  w->reset();
  EXPECT_EQ(Snapshot().version, 1);
  EXPECT_EQ(ParquetFiles(), 2u) << "the failed batch's file is deleted";
  // The query restarts: the batch goes in at version 2.
  auto restarted = MakeSink();
  ASSERT_TRUE(WriteBatch(restarted.get(), 1, 100).ok());
  EXPECT_EQ(Snapshot().app_versions.at("q1"), 1);
  EXPECT_EQ(Snapshot().version, 2);
}

TEST_F(DeltaSinkTest, ConcurrentCommitOfTheSameBatchMeansDone) {
  ASSERT_TRUE(WriteBatch(sink_.get(), 0, 0).ok());
  auto w = Begin(sink_.get(), 1);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(0, Rows(100, 4)).ok());
  Foreign(1, "{\"txn\":{\"appId\":\"q1\",\"version\":1}}\n");
  ASSERT_TRUE((*w)->Commit().ok());
  DeltaSnapshot s = Snapshot();
  EXPECT_EQ(s.version, 1) << "no second version for batch 1";
  EXPECT_EQ(ParquetFiles(), 2u) << "the loser's file is deleted";
}

TEST_F(DeltaSinkTest, TableCreatedConcurrentlyWithOurSchemaIsAppendedTo) {
  auto w = Begin(sink_.get(), 0);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(0, Rows(0, 2)).ok());
  Foreign(0,
          "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
          "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
          "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\","
          "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[],\"configuration\":{}}}\n"
          "{\"txn\":{\"appId\":\"q2\",\"version\":0}}\n");
  Status st = (*w)->Commit();
  ASSERT_TRUE(st.ok()) << st.ToString();
  DeltaSnapshot s = Snapshot();
  EXPECT_EQ(s.version, 1);
  EXPECT_EQ(s.metadata->id, "x");
  EXPECT_EQ(s.app_versions.at("q1"), 0);
  std::string v1;
  ASSERT_TRUE(env_.ReadFileToString("/t/_delta_log/00000000000000000001.json", &v1).ok());
  EXPECT_EQ(v1.find("metaData"), std::string::npos) << "an append to their table: " << v1;
}

TEST_F(DeltaSinkTest, TableCreatedConcurrentlyIsAConflict) {
  auto w = Begin(sink_.get(), 0);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(0, Rows(0, 2)).ok());
  Foreign(0,
          "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
          "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
          "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[]}\",\"partitionColumns\":[],\"configuration\":{}}}\n");
  Status st = (*w)->Commit();  // their table has no columns: not the query's
  EXPECT_EQ(st.code(), StatusCode::kAnalysisError) << st.ToString();
  EXPECT_NE(st.message().find("schema mismatch"), std::string::npos) << st.ToString();
  EXPECT_EQ(Snapshot().version, 0);
}

TEST_F(DeltaSinkTest, CompleteModeReplacesTheTable) {
  ASSERT_TRUE(WriteBatch(sink_.get(), 0, 0, OutputMode::kComplete).ok());
  ASSERT_TRUE(WriteBatch(sink_.get(), 1, 10, OutputMode::kComplete).ok());
  DeltaSnapshot s = Snapshot();
  EXPECT_EQ(s.version, 1);
  EXPECT_EQ(s.files.size(), 2u) << "only batch 1's files are active";
  std::string v1;
  ASSERT_TRUE(env_.ReadFileToString("/t/_delta_log/00000000000000000001.json", &v1).ok());
  size_t removes = 0;
  for (size_t p = v1.find("{\"remove\""); p != std::string::npos; p = v1.find("{\"remove\"", p + 1)) removes++;
  EXPECT_EQ(removes, 2u) << v1;
  EXPECT_NE(v1.find("\"isBlindAppend\":false"), std::string::npos);
}

TEST_F(DeltaSinkTest, RefusedModesAndTables) {
  auto w = Begin(sink_.get(), 0, OutputMode::kUpdate);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("Update output mode"), std::string::npos);
  Foreign(0,
          "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"
          "\"writerFeatures\":[\"deletionVectors\"]}}\n"
          "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
          "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\","
          "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[],\"configuration\":{}}}\n");
  w = Begin(sink_.get(), 0);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(w.status().message().find("deletionVectors"), std::string::npos) << w.status().ToString();
  Foreign(1,
          "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
          "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
          "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\","
          "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[\"id\"],"
          "\"configuration\":{\"delta.appendOnly\":\"true\"}}}\n");
  w = Begin(sink_.get(), 0, OutputMode::kComplete);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("append-only"), std::string::npos) << w.status().ToString();
  w = Begin(sink_.get(), 0);  // the table is partitioned by its only column
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("ALL_PARTITION_COLUMNS_NOT_ALLOWED"), std::string::npos)
      << w.status().ToString();
}

TEST_F(DeltaSinkTest, FailedCommitWriteLeavesNoVersionAndTheRetryCommits) {
  FaultInjectionEnv faulty(&env_);
  auto sink = MakeSink({}, &faulty);
  faulty.FailNth(FaultInjectionEnv::Op::kRename, 1);
  Status st = WriteBatch(sink.get(), 0, 0);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Snapshot().version, -1);
  ASSERT_TRUE(WriteBatch(sink.get(), 0, 0).ok());
  EXPECT_EQ(Snapshot().version, 0);
  EXPECT_EQ(ParquetFiles(), 2u);
}

// The commit's rename went through but the log directory's fsync failed:
// the version is visible, so its data files must stay (the batch fails; the
// restart finds the txn and skips the batch).
TEST_F(DeltaSinkTest, FailureAfterTheCommitRenameKeepsTheFiles) {
  FaultInjectionEnv faulty(&env_);
  auto sink = MakeSink({}, &faulty);
  faulty.FailNth(FaultInjectionEnv::Op::kSyncDir, 2);  // 1: the table directory, 2: _delta_log
  Status st = WriteBatch(sink.get(), 0, 0);
  EXPECT_FALSE(st.ok());
  DeltaSnapshot s = Snapshot();
  ASSERT_EQ(s.version, 0);
  for (const auto& [path, f] : s.files) EXPECT_TRUE(env_.FileExists("/t/" + path)) << path;
  EXPECT_EQ(ParquetFiles(), 2u);
  auto restarted = MakeSink();
  ASSERT_TRUE(WriteBatch(restarted.get(), 0, 0).ok());
  EXPECT_EQ(Snapshot().version, 0);
}

// Files a failed batch closed before its commit (maxRecordsPerFile) are
// deleted with the open ones.
TEST_F(DeltaSinkTest, FailedBatchDeletesItsClosedFiles) {
  auto sink = MakeSink({{"maxRecordsPerFile", "2"}});
  {
    auto w = Begin(sink.get(), 0);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(0, Rows(0, 5)).ok());  // two files closed, one open
  }  // dropped without Commit: the batch failed
  EXPECT_EQ(ParquetFiles(), 0u);
}

// Every 10th version gets a checkpoint; read back alone (the commits before
// it deleted) it gives the state the JSON replay gives.
TEST_F(DeltaSinkTest, CheckpointEveryTenVersions) {
  for (int64_t b = 0; b < 12; b++) {
    ASSERT_TRUE(WriteBatch(sink_.get(), b, b * 10, b == 11 ? OutputMode::kComplete : OutputMode::kAppend).ok());
  }
  ASSERT_TRUE(env_.FileExists("/t/_delta_log/00000000000000000010.checkpoint.parquet"));
  EXPECT_FALSE(env_.FileExists("/t/_delta_log/00000000000000000000.checkpoint.parquet"));
  std::string last;
  ASSERT_TRUE(env_.ReadFileToString("/t/_delta_log/_last_checkpoint", &last).ok());
  EXPECT_EQ(last, "{\"version\":10,\"size\":25}");  // protocol, metaData, 1 txn, 22 adds
  DeltaSnapshot replayed = Snapshot();
  for (int v = 0; v < 10; v++) ASSERT_TRUE(env_.DeleteFile(DeltaLog(&env_, "/t").CommitPath(v)).ok());
  DeltaSnapshot from_checkpoint = Snapshot();
  EXPECT_EQ(from_checkpoint.version, 11);
  EXPECT_EQ(from_checkpoint.app_versions, replayed.app_versions);
  EXPECT_EQ(from_checkpoint.metadata->schema_string, replayed.metadata->schema_string);
  EXPECT_EQ(from_checkpoint.metadata->id, replayed.metadata->id);
  ASSERT_EQ(from_checkpoint.files.size(), 2u);  // version 11 replaced everything
  EXPECT_EQ(from_checkpoint.tombstones.size(), 22u);
  // The checkpoint at 10 itself: every file with its size and stats.
  DeltaLog log(&env_, "/t");
  DeltaSnapshot at10;
  ASSERT_TRUE(env_.DeleteFile(log.CommitPath(11)).ok());
  ASSERT_TRUE(log.Update(&at10).ok());
  EXPECT_EQ(at10.version, 10);
  ASSERT_EQ(at10.files.size(), 22u);
  for (const auto& [path, f] : at10.files) {
    EXPECT_GT(f.size, 0) << path;
    EXPECT_NE(f.stats.find("\"numRecords\":"), std::string::npos) << path;
  }
}

TEST_F(DeltaSinkTest, MaxRecordsPerFileRollsFiles) {
  auto sink = MakeSink({{"maxRecordsPerFile", "2"}});
  ASSERT_TRUE(WriteBatch(sink.get(), 0, 0).ok());  // 3 rows + 2 rows: 2 + 1 files
  EXPECT_EQ(Snapshot().files.size(), 3u);
}

TEST_F(DeltaSinkTest, PartitionedTable) {
  schema_ = Schema({{"id", DataType::Bigint()}, {"day", DataType::Date()}, {"region", DataType::String()}});
  auto sink = MakeSink({{"partitionBy", "day,region"}});
  Vector id(DataType::Bigint(), 4), day(DataType::Date(), 4), region(DataType::String(), 4);
  const char* regions[] = {"east", "a b/c", "east", ""};
  for (size_t i = 0; i < 4; i++) {
    id.data<int64_t>()[i] = static_cast<int64_t>(i);
    day.data<int32_t>()[i] = i < 2 ? 19723 : 19724;
    region.SetString(i, regions[i]);
  }
  region.SetNull(3);
  auto w = Begin(sink.get(), 0);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Write(0, Batch({id, day, region}, 4)).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  DeltaSnapshot s = Snapshot();
  ASSERT_TRUE(s.metadata.has_value());
  EXPECT_EQ(s.metadata->partition_columns, (std::vector<std::string>{"day", "region"}));
  ASSERT_EQ(s.files.size(), 4u);
  std::map<std::string, std::string> by_dir;  // directory of the add path -> partitionValues
  for (const auto& [path, f] : s.files) by_dir[path.substr(0, path.rfind('/'))] = f.partition_values_json;
  EXPECT_EQ(by_dir.at("day=2024-01-01/region=east"), "{\"day\":\"2024-01-01\",\"region\":\"east\"}");
  // Hive-escaped directory (a%2Fb), then URI-encoded in the path (%25, %20).
  EXPECT_EQ(by_dir.at("day=2024-01-01/region=a%20b%252Fc"), "{\"day\":\"2024-01-01\",\"region\":\"a b/c\"}");
  EXPECT_EQ(by_dir.at("day=2024-01-02/region=__HIVE_DEFAULT_PARTITION__"), "{\"day\":\"2024-01-02\",\"region\":null}");
  EXPECT_TRUE(env_.FileExists("/t/day=2024-01-01/region=a b%2Fc"));
  // An existing table keeps its partitioning: another partitionBy is refused.
  auto other = DeltaSink::Make(SourceOptions({{"path", "/t"}, {"partitionBy", "region"}}));
  ASSERT_TRUE(other.ok());
  SinkContext ctx;
  ctx.env = &env_;
  ctx.query_id = "q1";
  ctx.output_schema = schema_;
  Status st = (*other)->Open(ctx);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("is partitioned by (day, region)"), std::string::npos) << st.ToString();
  // Without partitionBy the table's own columns are used.
  auto plain = MakeSink();
  auto w3 = Begin(plain.get(), 1);
  ASSERT_TRUE(w3.ok()) << w3.status().ToString();
  ASSERT_TRUE((*w3)->Write(1, Batch({id, day, region}, 4).Slice(0, 1)).ok());
  ASSERT_TRUE((*w3)->Commit().ok());
  EXPECT_EQ(Snapshot().files.size(), 5u);
}

}  // namespace
}  // namespace sluice
