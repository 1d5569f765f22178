#include "connectors/delta/delta_log.h"

#include <gtest/gtest.h>

#include "env/mem_env.h"

namespace sluice {
namespace {

class DeltaLogTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.CreateDirRecursive("/t/_delta_log").ok()); }
  void Put(int64_t v, const std::string& text) { ASSERT_TRUE(log_.WriteCommit(v, text).ok()); }

  MemEnv env_;
  DeltaLog log_{&env_, "/t", "query-1"};
};

const char* kCreate =
    "{\"commitInfo\":{\"operation\":\"WRITE\"}}\n"
    "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
    "{\"metaData\":{\"id\":\"abc\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
    "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[]}\",\"partitionColumns\":[],\"configuration\":"
    "{\"delta.appendOnly\":\"false\"}}}\n"
    "{\"add\":{\"path\":\"a.parquet\",\"partitionValues\":{},\"size\":10,\"modificationTime\":1,\"dataChange\":true}}\n";

TEST_F(DeltaLogTest, NoTableIsVersionMinusOne) {
  DeltaLog none(&env_, "/nothing");
  DeltaSnapshot s;
  ASSERT_TRUE(none.Update(&s).ok());
  EXPECT_EQ(s.version, -1);
  ASSERT_TRUE(log_.Update(&s).ok());  // an empty _delta_log
  EXPECT_EQ(s.version, -1);
}

TEST_F(DeltaLogTest, ReplaysProtocolMetadataFilesAndTxns) {
  Put(0, kCreate);
  Put(1,
      "{\"commitInfo\":{\"operation\":\"STREAMING UPDATE\",\"operationParameters\":{\"offsetsDigest\":\"d0\"}}}\n"
      "{\"txn\":{\"appId\":\"query-1\",\"version\":0,\"lastUpdated\":5}}\n"
      "{\"add\":{\"path\":\"b.parquet\",\"partitionValues\":{},\"size\":20,\"modificationTime\":1,\"dataChange\":true}}\n");
  Put(2,
      "{\"txn\":{\"appId\":\"other\",\"version\":7}}\n"
      "{\"remove\":{\"path\":\"a.parquet\",\"dataChange\":false}}\n"
      "{\"add\":{\"path\":\"c.parquet\",\"partitionValues\":{},\"size\":30,\"modificationTime\":1,\"dataChange\":false}}\n");
  DeltaSnapshot s;
  std::vector<DeltaCommitSummary> sum;
  ASSERT_TRUE(log_.Update(&s, &sum).ok());
  EXPECT_EQ(s.version, 2);
  ASSERT_TRUE(s.protocol.has_value());
  EXPECT_EQ(s.protocol->min_writer_version, 2);
  ASSERT_TRUE(s.metadata.has_value());
  EXPECT_EQ(s.metadata->id, "abc");
  EXPECT_EQ(s.metadata->configuration.at("delta.appendOnly"), "false");
  ASSERT_EQ(s.files.size(), 2u);
  EXPECT_EQ(s.files.count("a.parquet"), 0u);
  EXPECT_EQ(s.files.at("c.parquet").size, 30);
  EXPECT_EQ(s.app_versions.at("query-1"), 0);
  EXPECT_EQ(s.app_versions.at("other"), 7);
  EXPECT_EQ(s.tracked_digests.at(0), "d0");
  ASSERT_EQ(sum.size(), 3u);
  EXPECT_TRUE(sum[0].protocol && sum[0].metadata);
  EXPECT_EQ(sum[0].operation, "WRITE");
  EXPECT_EQ(sum[2].removes, 1);
  EXPECT_EQ(sum[2].data_removes, 0);  // a compaction's remove
  EXPECT_EQ(sum[2].txns.at("other"), 7);

  // Incremental: only the new commit is read.
  Put(3, "{\"remove\":{\"path\":\"b.parquet\",\"dataChange\":true}}\n");
  sum.clear();
  ASSERT_TRUE(log_.Update(&s, &sum).ok());
  EXPECT_EQ(s.version, 3);
  ASSERT_EQ(sum.size(), 1u);
  EXPECT_EQ(sum[0].version, 3);
  EXPECT_EQ(sum[0].data_removes, 1);
  EXPECT_EQ(s.files.size(), 1u);
}

TEST_F(DeltaLogTest, CommitIsPutIfAbsent) {
  Put(0, kCreate);
  Status s = log_.WriteCommit(0, "{\"commitInfo\":{}}\n");
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  std::string text;
  ASSERT_TRUE(env_.ReadFileToString(log_.CommitPath(0), &text).ok());
  EXPECT_EQ(text, kCreate);  // the first writer's commit stands
  auto names = env_.ListDir("/t/_delta_log");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->size(), 1u) << "the loser's temp file is removed";
  EXPECT_EQ(log_.CommitPath(12), "/t/_delta_log/00000000000000000012.json");
}

TEST_F(DeltaLogTest, GapIsCorruptionNamingTheMissingCommit) {
  Put(0, kCreate);
  Put(2, "{\"commitInfo\":{}}\n");
  DeltaSnapshot s;
  Status st = log_.Update(&s);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("00000000000000000001.json is missing"), std::string::npos) << st.ToString();
}

TEST_F(DeltaLogTest, UnreadableCheckpointWithoutTheEarlyCommitsIsAnError) {
  ASSERT_TRUE(env_.WriteFile("/t/_delta_log/00000000000000000010.checkpoint.parquet", "PAR1", true).ok());
  ASSERT_TRUE(env_.WriteFile("/t/_delta_log/_last_checkpoint", "{\"version\":10,\"size\":3}", true).ok());
  Put(11, "{\"commitInfo\":{}}\n");
  DeltaSnapshot s;
  Status st = log_.Update(&s);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("00000000000000000010.checkpoint.parquet is not a readable Parquet file"),
            std::string::npos)
      << st.ToString();
}

TEST_F(DeltaLogTest, IncompleteMultiPartCheckpointIsNotUsed) {
  ASSERT_TRUE(
      env_.WriteFile("/t/_delta_log/00000000000000000010.checkpoint.0000000001.0000000002.parquet", "PAR1", true).ok());
  Put(11, "{\"commitInfo\":{}}\n");
  DeltaSnapshot s;
  Status st = log_.Update(&s);
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented);
  EXPECT_NE(st.message().find("checkpoint of version 10"), std::string::npos) << st.ToString();
}

TEST_F(DeltaLogTest, UnreadableCheckpointFallsBackToTheJsonCommits) {
  Put(0, kCreate);
  Put(1, "{\"txn\":{\"appId\":\"query-1\",\"version\":4}}\n");
  ASSERT_TRUE(env_.WriteFile("/t/_delta_log/00000000000000000001.checkpoint.parquet", "PAR1", true).ok());
  ASSERT_TRUE(env_.WriteFile("/t/_delta_log/_last_checkpoint", "{\"version\":1,\"size\":3}", true).ok());
  DeltaSnapshot s;
  ASSERT_TRUE(log_.Update(&s).ok());
  EXPECT_EQ(s.version, 1);
  EXPECT_EQ(s.app_versions.at("query-1"), 4);
  EXPECT_EQ(s.files.count("a.parquet"), 1u);
}

TEST_F(DeltaLogTest, MalformedLineNamesFileAndLine) {
  Put(0, std::string(kCreate) + "{\"add\":{\"size\":1}}\n");
  DeltaSnapshot s;
  Status st = log_.Update(&s);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("00000000000000000000.json line 5"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("without a path"), std::string::npos) << st.ToString();
  Put(1, "not json\n");
  DeltaSnapshot s2;
  EXPECT_EQ(log_.Update(&s2).code(), StatusCode::kCorruption);
}

TEST(DeltaLogNames, CommitAndCheckpointNames) {
  EXPECT_EQ(ParseDeltaCommitName("00000000000000000007.json"), 7);
  EXPECT_FALSE(ParseDeltaCommitName(".00000000000000000007.json.x.tmp"));
  EXPECT_FALSE(ParseDeltaCommitName("00000000000000000007.crc"));
  EXPECT_FALSE(ParseDeltaCommitName("00000000000000000007.00000000000000000009.compacted.json"));
  EXPECT_EQ(ParseDeltaCheckpointName("00000000000000000010.checkpoint.parquet"), 10);
  EXPECT_EQ(ParseDeltaCheckpointName("00000000000000000010.checkpoint.0000000001.0000000002.parquet"), 10);
  EXPECT_FALSE(ParseDeltaCheckpointName("_last_checkpoint"));
}

}  // namespace
}  // namespace sluice
