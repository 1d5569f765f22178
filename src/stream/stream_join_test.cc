// End-to-end tests of stream-stream joins through the micro-batch runner,
// StreamTest-style: add rows to two MemoryStreams, process, check the memory
// sink, restart on the same checkpoint. Expected answers are worked out by
// hand from Spark's semantics (each new row joins the other side's stored
// rows and the other side's new rows, once).
#include <gtest/gtest.h>

#include <algorithm>

#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/state_store_provider_param.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

Schema LeftSchema() { return Schema({{"k", DataType::String()}, {"lv", DataType::Bigint()}}); }
Schema RightSchema() { return Schema({{"rk", DataType::String()}, {"rv", DataType::Bigint()}}); }

std::vector<std::vector<Value>> Rows(std::vector<std::pair<std::string, int64_t>> kv) {
  std::vector<std::vector<Value>> out;
  for (auto& [k, v] : kv) out.push_back({Value::String(k), Value::Bigint(v)});
  return out;
}

class StreamJoinTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { ExpectStateWrittenBy(dir.path(), GetParam()); }
  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
  std::shared_ptr<MemoryStream> left = std::make_shared<MemoryStream>(LeftSchema());
  std::shared_ptr<MemoryStream> right = std::make_shared<MemoryStream>(RightSchema());
  std::string ck() const { return dir.path() + "/ck"; }

  DataFrame Join(const std::string& on, const std::string& how = "inner") {
    return spark->readStream().source(left).join(spark->readStream().source(right), expr(on), how);
  }
  Result<StreamingQuery> Start(const DataFrame& df, const std::string& mode = "append") {
    return df.writeStream().format("memory").queryName("out").outputMode(mode).option("checkpointLocation", ck())
        .option(kStateStoreProviderClass, GetParam()).start();
  }
};

SLUICE_INSTANTIATE_FOR_STATE_STORE_PROVIDERS(StreamJoinTest);

TEST_P(StreamJoinTest, InnerJoinAcrossBatchesAndARestart) {
  auto df = Join("k = rk");
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  ASSERT_TRUE(left->AddRows(Rows({{"a", 1}, {"b", 2}})).ok());
  ASSERT_TRUE(right->AddRows(Rows({{"a", 10}})).ok());
  {
    auto q = Start(df);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    EXPECT_EQ(TableRows(*spark, "out"), (std::vector<std::string>{"a,1,a,10"}));
    ASSERT_TRUE(q->stop().ok());
  }
  // Restarted: the rows of both sides stored by batch 0 are read back.
  ASSERT_TRUE(left->AddRows(Rows({{"a", 3}})).ok());
  ASSERT_TRUE(right->AddRows(Rows({{"b", 20}, {"a", 30}})).ok());
  auto q = Start(df);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  EXPECT_EQ(TableRows(*spark, "out"),
            (std::vector<std::string>{"a,1,a,10", "a,1,a,30", "a,3,a,10", "a,3,a,30", "b,2,b,20"}));
  auto p = q->lastProgress();
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->stateOperators.size(), 1u);
  EXPECT_EQ(p->stateOperators[0].numRowsTotal, 6);  // 3 rows per side
  EXPECT_EQ(p->stateOperators[0].numRowsUpdated, 3);
  // A row only one side has joins nothing, but is kept.
  ASSERT_TRUE(left->AddRows(Rows({{"c", 4}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  EXPECT_EQ(TableRows(*spark, "out").size(), 5u);
  ASSERT_TRUE(right->AddRows(Rows({{"c", 40}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  EXPECT_EQ(TableRows(*spark, "out").size(), 6u);
  ASSERT_TRUE(q->stop().ok());
}

TEST_P(StreamJoinTest, ResidualConditionAndComputedKeys) {
  // upper(k) = upper(rk) is computed below the join; lv < rv is checked on each pair.
  auto df = Join("upper(k) = upper(rk) AND lv < rv");
  ASSERT_TRUE(left->AddRows(Rows({{"a", 5}, {"B", 50}})).ok());
  ASSERT_TRUE(right->AddRows(Rows({{"A", 1}, {"A", 6}, {"b", 60}})).ok());
  auto q = Start(df);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  EXPECT_EQ(TableRows(*spark, "out"), (std::vector<std::string>{"B,50,b,60", "a,5,A,6"}));
  ASSERT_TRUE(q->stop().ok());
}

TEST_P(StreamJoinTest, SparksRulesForStreamStreamJoins) {
  auto inner = Join("k = rk");
  auto q = Start(inner, "update");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kAnalysisError);
  EXPECT_NE(q.status().message().find(
                "Join between two streaming DataFrames/Datasets is not supported in Update output mode, only in "
                "Append output mode"),
            std::string::npos)
      << q.status().ToString();
  for (const auto& [how, type] : std::vector<std::pair<std::string, std::string>>{
           {"left", "LeftOuter"}, {"right", "RightOuter"}, {"full", "FullOuter"}, {"left_semi", "LeftSemi"}}) {
    auto outer = Start(Join("k = rk", how));
    ASSERT_FALSE(outer.ok()) << how;
    EXPECT_NE(outer.status().message().find(
                  "Stream-stream " + type +
                  " join between two streaming DataFrame/Datasets is not supported without a watermark in the join "
                  "keys, or a watermark on the nullable side and an appropriate range condition"),
              std::string::npos)
        << outer.status().ToString();
  }
  auto anti = Start(Join("k = rk", "left_anti"));
  ASSERT_FALSE(anti.ok());
  EXPECT_NE(anti.status().message().find("LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported"),
            std::string::npos)
      << anti.status().ToString();
}

TEST_P(StreamJoinTest, AJoinWithoutAnEqualityFailsTheFirstBatch) {
  auto df = Join("lv < rv");
  ASSERT_TRUE(left->AddRows(Rows({{"a", 1}})).ok());
  auto q = Start(df);
  Status st = q.ok() ? q->processAllAvailable() : q.status();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("Stream-stream join without equality predicate is not supported"), std::string::npos)
      << st.ToString();
}

TEST_P(StreamJoinTest, ChangedJoinKeysFailTheRestartNamingTheChange) {
  ASSERT_TRUE(left->AddRows(Rows({{"a", 1}})).ok());
  {
    auto q = Start(Join("k = rk"));
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  }
  auto q = Start(Join("lv = rv"));
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("key columns changed from (k STRING, index BIGINT) to (lv BIGINT, index BIGINT)"),
            std::string::npos)
      << q.status().ToString();
}

}  // namespace
}  // namespace sluice
