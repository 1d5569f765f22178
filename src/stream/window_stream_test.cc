// Streaming aggregations by time windows, StreamTest-style: MemoryStream in,
// a foreachBatch sink recording each batch, stop and restart on the same
// checkpoint. Expected answers are worked out by hand from Spark's window
// semantics (docs/sql.md, "Time windows").
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/state_store_provider_param.h"
#include "stream/stream_test_util.h"
#include "types/datetime.h"

namespace sluice {
namespace {

Schema Clicks() { return Schema({{"user", DataType::String()}, {"ts", DataType::Timestamp()}}); }

// 2021-01-01 00:00:00 UTC plus `seconds`.
Value At(int64_t seconds) { return Value::Timestamp((1609459200LL + seconds) * kMicrosPerSecond); }

std::vector<std::vector<Value>> Rows(std::vector<std::pair<std::string, int64_t>> rows) {
  std::vector<std::vector<Value>> out;
  for (auto& [u, s] : rows) out.push_back({Value::String(u), At(s)});
  return out;
}

class WindowStreamTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { ExpectStateWrittenBy(dir_.path(), GetParam()); }
  // Runs `df` in `mode` on the test's checkpoint until `input` is drained,
  // appending each batch's rows to batches_.
  void RunAvailable(const DataFrame& df, const std::string& mode) {
    auto q = df.writeStream()
                 .outputMode(mode)
                 .option("checkpointLocation", dir_.path() + "/ck")
                 .option(kStateStoreProviderClass, GetParam())
                 .foreachBatch([&](const QueryResult& r, int64_t id) {
                   std::lock_guard<std::mutex> l(mu_);
                   batches_.push_back({id, Strings(r.Rows())});
                   return Status::OK();
                 })
                 .start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->lastProgress();
    if (p && !p->stateOperators.empty()) last_state_rows_ = p->stateOperators[0].numRowsTotal;
    ASSERT_TRUE(q->stop().ok());
  }

  std::shared_ptr<Session> spark_ = Session::Create();
  TempDir dir_;
  std::mutex mu_;
  std::vector<std::pair<int64_t, std::vector<std::string>>> batches_;
  int64_t last_state_rows_ = -1;
};

SLUICE_INSTANTIATE_FOR_STATE_STORE_PROVIDERS(WindowStreamTest);

// A window STRUCT is a state key: update mode emits the windows a batch
// changed, with counts carried across a restart from the state store.
TEST_P(WindowStreamTest, TumblingWindowCountsInUpdateModeAcrossRestart) {
  auto input = std::make_shared<MemoryStream>(Clicks());
  auto df = spark_->readStream()
                .source(input)
                .groupBy({col("user"), window(col("ts"), "10 seconds")})
                .agg({count(lit(1)).alias("n")})
                .select({col("user"), col("window.start"), col("window.end"), col("n")});
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  ASSERT_TRUE(input->AddRows(Rows({{"a", 1}, {"a", 9}, {"a", 12}, {"b", 3}})).ok());
  RunAvailable(df, "update");
  // Out of order, into a window of batch 0: a's [00:00, 00:10) becomes 3.
  ASSERT_TRUE(input->AddRows(Rows({{"a", 5}, {"b", 25}})).ok());
  RunAvailable(df, "update");
  ASSERT_EQ(batches_.size(), 2u);
  EXPECT_EQ(batches_[0].second, (std::vector<std::string>{"a,2021-01-01 00:00:00,2021-01-01 00:00:10,2",
                                                          "a,2021-01-01 00:00:10,2021-01-01 00:00:20,1",
                                                          "b,2021-01-01 00:00:00,2021-01-01 00:00:10,1"}));
  EXPECT_EQ(batches_[1].first, 1);
  EXPECT_EQ(batches_[1].second, (std::vector<std::string>{"a,2021-01-01 00:00:00,2021-01-01 00:00:10,3",
                                                          "b,2021-01-01 00:00:20,2021-01-01 00:00:30,1"}));
  EXPECT_EQ(last_state_rows_, 4);
}

// Sliding windows through Expand: every event counts in both windows that
// contain it, in complete mode.
TEST_P(WindowStreamTest, SlidingWindowCountsInCompleteMode) {
  auto input = std::make_shared<MemoryStream>(Clicks());
  auto df = spark_->readStream()
                .source(input)
                .groupBy({window(col("ts"), "10 seconds", "5 seconds")})
                .agg({count(lit(1)).alias("n")})
                .select({col("window.start"), col("n")});
  ASSERT_TRUE(input->AddRows(Rows({{"a", 1}, {"a", 7}})).ok());
  RunAvailable(df, "complete");
  ASSERT_TRUE(input->AddRows(Rows({{"b", 12}})).ok());
  RunAvailable(df, "complete");
  ASSERT_EQ(batches_.size(), 2u);
  // 00:01 in [23:59:55, 00:05) and [00:00, 00:10); 00:07 in [00:00, 00:10)
  // and [00:05, 00:15); 00:12 in [00:05, 00:15) and [00:10, 00:20).
  EXPECT_EQ(batches_[0].second, (std::vector<std::string>{"2020-12-31 23:59:55,1", "2021-01-01 00:00:00,2",
                                                          "2021-01-01 00:00:05,1"}));
  EXPECT_EQ(batches_[1].second, (std::vector<std::string>{"2020-12-31 23:59:55,1", "2021-01-01 00:00:00,2",
                                                          "2021-01-01 00:00:05,2", "2021-01-01 00:00:10,1"}));
}


// session_window in a streaming aggregation: sessions live in the state
// store between batches and across a restart; complete mode emits every
// session each batch.
TEST_P(WindowStreamTest, SessionWindowsInCompleteModeAcrossRestart) {
  auto input = std::make_shared<MemoryStream>(Clicks());
  auto df = spark_->readStream()
                .source(input)
                .groupBy({col("user"), session_window(col("ts"), "5 seconds")})
                .agg({count(lit(1)).alias("n")})
                .select({col("user"), col("session_window.start"), col("session_window.end"), col("n")});
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  // u1: 00:00 and 00:04 overlap ([00:00, 00:05) and [00:04, 00:09)); u2: 00:01.
  ASSERT_TRUE(input->AddRows(Rows({{"u1", 0}, {"u1", 4}, {"u2", 1}})).ok());
  RunAvailable(df, "complete");
  // After the restart: u1's 00:20 opens a new session; u2's 00:05 extends
  // the stored [00:01, 00:06) to [00:01, 00:10).
  ASSERT_TRUE(input->AddRows(Rows({{"u1", 20}, {"u2", 5}})).ok());
  RunAvailable(df, "complete");
  ASSERT_EQ(batches_.size(), 2u);
  EXPECT_EQ(batches_[0].second, (std::vector<std::string>{"u1,2021-01-01 00:00:00,2021-01-01 00:00:09,2",
                                                          "u2,2021-01-01 00:00:01,2021-01-01 00:00:06,1"}));
  EXPECT_EQ(batches_[1].second, (std::vector<std::string>{"u1,2021-01-01 00:00:00,2021-01-01 00:00:09,2",
                                                          "u1,2021-01-01 00:00:20,2021-01-01 00:00:25,1",
                                                          "u2,2021-01-01 00:00:01,2021-01-01 00:00:10,2"}));
  EXPECT_EQ(last_state_rows_, 3);
}

// Spark refuses update mode for session windows (SPARK-36463), before any
// batch runs.
TEST_P(WindowStreamTest, SessionWindowsInUpdateModeFailAtStart) {
  auto input = std::make_shared<MemoryStream>(Clicks());
  auto df = spark_->readStream()
                .source(input)
                .groupBy({col("user"), session_window(col("ts"), "5 seconds")})
                .agg({count(lit(1)).alias("n")});
  ASSERT_TRUE(input->AddRows(Rows({{"u1", 0}})).ok());
  auto q = df.writeStream()
               .outputMode("update")
               .option("checkpointLocation", dir_.path() + "/ck")
                 .option(kStateStoreProviderClass, GetParam())
               .foreachBatch([](const QueryResult&, int64_t) { return Status::OK(); })
               .start();
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("Update output mode not supported for session window on streaming "
                                      "DataFrames/DataSets"),
            std::string::npos)
      << q.status().ToString();
}

}  // namespace
}  // namespace sluice
