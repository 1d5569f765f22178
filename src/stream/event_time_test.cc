// End-to-end tests of event time, StreamTest-style: withWatermark, the
// watermark in the offset and commit logs across restarts, no-data batches,
// the aggregation's output modes with eviction, late rows, and streaming
// deduplication. Expected answers are worked out by hand from Spark's
// documented semantics (Structured Streaming guide, "Handling Late Data and
// Watermarking", "Streaming Deduplication"):
//   * watermark after a batch = max event time seen - delay (never backwards);
//     a batch runs with the watermark computed after the previous one (batch
//     0 with 0);
//   * a row is late when its event time <= the previous batch's watermark;
//   * append emits a group once its event time <= the batch's watermark.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "checkpoint/commit_log.h"
#include "checkpoint/offset_log.h"
#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/state_store_provider_param.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

constexpr int64_t kSec = 1000000;  // microseconds

Schema KT() { return Schema({{"k", DataType::String()}, {"ts", DataType::Timestamp()}}); }

std::vector<std::vector<Value>> KTRows(std::vector<std::pair<std::string, int64_t>> rows) {
  std::vector<std::vector<Value>> out;
  for (auto& [k, s] : rows) out.push_back({Value::String(k), Value::Timestamp(s * kSec)});
  return out;
}

// "1970-01-01 00:00:05" for 5 seconds.
std::string T(int64_t secs) { return Value::Timestamp(secs * kSec).ToString(); }

class EventTimeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { ExpectStateWrittenBy(dir.path(), GetParam()); }
  std::shared_ptr<Session> spark = Session::Create();
  std::shared_ptr<MemoryStream> input = std::make_shared<MemoryStream>(KT());
  TempDir dir;
  std::string ck() const { return dir.path() + "/ck"; }

  // Rows each batch handed to the sink, by batch id.
  std::mutex mu;
  std::map<int64_t, std::vector<std::string>> out;  // GUARDED_BY(mu)

  Result<StreamingQuery> Start(const DataFrame& df, const std::string& mode) {
    return df.writeStream()
        .outputMode(mode)
        .option("checkpointLocation", ck())
        .option(kStateStoreProviderClass, GetParam())
        .foreachBatch([this](const QueryResult& r, int64_t id) {
          std::lock_guard<std::mutex> l(mu);
          out[id] = Strings(r.Rows());
          return Status::OK();
        })
        .start();
  }
  std::map<int64_t, std::vector<std::string>> Output() {
    std::lock_guard<std::mutex> l(mu);
    return out;
  }
  // batchWatermarkMs of offsets/0.., nextBatchWatermarkMs of commits/0..
  std::vector<int64_t> LoggedWatermarks() {
    std::vector<int64_t> v;
    auto log = OffsetLog::Open(Env::Default(), ck());
    if (!log.ok()) return v;
    for (int64_t b = 0;; ++b) {
      auto e = log->Get(b);
      if (!e.ok()) break;
      v.push_back(e->metadata.batch_watermark_ms);
    }
    return v;
  }
  std::vector<int64_t> CommittedWatermarks() {
    std::vector<int64_t> v;
    auto log = CommitLog::Open(Env::Default(), ck());
    if (!log.ok()) return v;
    for (int64_t b = 0;; ++b) {
      auto e = log->Get(b);
      if (!e.ok()) break;
      v.push_back(e->next_batch_watermark_ms);
    }
    return v;
  }
  DataFrame Counts() {
    return spark->readStream().source(input).withWatermark("ts", "10 seconds").groupBy({"ts"}).count();
  }
};

using Batches = std::map<int64_t, std::vector<std::string>>;

SLUICE_INSTANTIATE_FOR_STATE_STORE_PROVIDERS(EventTimeTest);

TEST_P(EventTimeTest, AppendEmitsEachGroupOnceWhenTheWatermarkPassesAcrossRestart) {
  ASSERT_TRUE(Counts().status().ok()) << Counts().status().ToString();
  // Batch 0 (watermark 0): groups 5s (2 rows) and 20s; nothing is final.
  // The watermark becomes 20s - 10s = 10s, so a no-data batch 1 runs with
  // it and emits (and evicts) the 5s group.
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 5}, {"b", 5}, {"c", 20}})).ok());
  {
    auto q = Start(Counts(), "append");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->recentProgress();
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].numInputRows, 3);
    EXPECT_EQ(p[0].eventTime.at("min"), "1970-01-01T00:00:05.000Z");
    EXPECT_EQ(p[0].eventTime.at("max"), "1970-01-01T00:00:20.000Z");
    EXPECT_EQ(p[0].eventTime.at("avg"), "1970-01-01T00:00:10.000Z");
    EXPECT_EQ(p[0].eventTime.at("watermark"), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(p[1].numInputRows, 0);  // the no-data batch
    EXPECT_EQ(p[1].eventTime.count("max"), 0u);
    EXPECT_EQ(p[1].eventTime.at("watermark"), "1970-01-01T00:00:10.000Z");
    ASSERT_EQ(p[1].stateOperators.size(), 1u);
    EXPECT_EQ(p[1].stateOperators[0].operatorName, "stateStoreSave");
    EXPECT_EQ(p[1].stateOperators[0].numRowsRemoved, 1);
    EXPECT_EQ(p[1].stateOperators[0].numRowsTotal, 1);
    EXPECT_NE(p[1].json().find("\"eventTime\":{\"watermark\":\"1970-01-01T00:00:10.000Z\"}"), std::string::npos)
        << p[1].json();
    // Batch 2 (late-events watermark 10s): 3s is late and dropped; 15s and
    // 20s (now 2 rows) are not final at watermark 10s. Max stays 20s.
    ASSERT_TRUE(input->AddRows(KTRows({{"d", 3}, {"e", 15}, {"f", 20}})).ok());
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto last = q->lastProgress();
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->batchId, 2);
    EXPECT_EQ(last->stateOperators[0].numRowsDroppedByWatermark, 1);
    EXPECT_EQ(last->stateOperators[0].numRowsTotal, 2);
    ASSERT_TRUE(q->stop().ok());
  }
  EXPECT_EQ(Output(), (Batches{{0, {}}, {1, {T(5) + ",2"}}, {2, {}}}));
  EXPECT_EQ(LoggedWatermarks(), (std::vector<int64_t>{0, 10000, 10000}));
  EXPECT_EQ(CommittedWatermarks(), (std::vector<int64_t>{10000, 10000, 10000}));
  // Restart: the watermark comes back from the logs (10s), the state too.
  // 40s moves it to 30s: batch 3 emits nothing, no-data batch 4 emits 15s
  // and 20s (2 rows, one from before the restart).
  ASSERT_TRUE(input->AddRows(KTRows({{"g", 40}, {"h", 9}})).ok());
  {
    auto q = Start(Counts(), "append");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->recentProgress();
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].batchId, 3);
    EXPECT_EQ(p[0].eventTime.at("watermark"), "1970-01-01T00:00:10.000Z");
    EXPECT_EQ(p[0].stateOperators[0].numRowsDroppedByWatermark, 1);  // 9s <= 10s
    EXPECT_EQ(p[1].batchId, 4);
    EXPECT_EQ(p[1].stateOperators[0].numRowsRemoved, 2);
    EXPECT_EQ(p[1].stateOperators[0].numRowsTotal, 1);
    ASSERT_TRUE(q->stop().ok());
  }
  EXPECT_EQ(Output(), (Batches{{0, {}}, {1, {T(5) + ",2"}}, {2, {}}, {3, {}}, {4, {T(15) + ",1", T(20) + ",2"}}}));
  EXPECT_EQ(LoggedWatermarks(), (std::vector<int64_t>{0, 10000, 10000, 10000, 30000}));
  EXPECT_EQ(CommittedWatermarks(), (std::vector<int64_t>{10000, 10000, 10000, 30000, 30000}));
}

TEST_P(EventTimeTest, UpdateEmitsChangedGroupsAndEvictsWithoutEmitting) {
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 5}, {"b", 5}, {"c", 20}})).ok());
  auto q = Start(Counts(), "update");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  // No-data batch 1 (watermark 10s) removes 5s, emitting nothing.
  auto p = q->lastProgress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->batchId, 1);
  EXPECT_EQ(p->stateOperators[0].numRowsRemoved, 1);
  // 5s is late now (dropped, not re-created); 20s changes to 2.
  ASSERT_TRUE(input->AddRows(KTRows({{"d", 5}, {"e", 15}, {"f", 20}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  EXPECT_EQ(Output(), (Batches{{0, {T(5) + ",2", T(20) + ",1"}}, {1, {}}, {2, {T(15) + ",1", T(20) + ",2"}}}));
}

TEST_P(EventTimeTest, CompleteEmitsEverythingAndNeverEvicts) {
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 5}, {"b", 5}, {"c", 20}})).ok());
  auto q = Start(Counts(), "complete");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(input->AddRows(KTRows({{"e", 15}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  auto p = q->lastProgress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->stateOperators[0].numRowsRemoved, 0);
  EXPECT_EQ(p->stateOperators[0].numRowsTotal, 3);
  ASSERT_TRUE(q->stop().ok());
  // No no-data batch although the watermark moved to 10 s: complete mode
  // evicts nothing, so Spark's StateStoreSaveExec.shouldRunAnotherBatch is
  // false for it (test/differential/streaming.py, tumbling_count_complete).
  std::vector<std::string> first = {T(5) + ",2", T(20) + ",1"};
  EXPECT_EQ(Output(), (Batches{{0, first}, {1, {T(5) + ",2", T(15) + ",1", T(20) + ",1"}}}));
}

TEST_P(EventTimeTest, AppendAggregationNeedsAWatermarkOnAGroupingColumn) {
  auto no_wm = spark->readStream().source(input).groupBy({"ts"}).count();
  auto q = Start(no_wm, "append");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("Append output mode not supported when there are streaming aggregations on "
                                      "streaming DataFrames/DataSets without watermark"),
            std::string::npos)
      << q.status().ToString();
  // A watermark the aggregation does not group by does not make it final.
  auto by_k = spark->readStream().source(input).withWatermark("ts", "10 seconds").groupBy({"k"}).count();
  auto q2 = Start(by_k, "append");
  ASSERT_FALSE(q2.ok());
  EXPECT_NE(q2.status().message().find("without watermark"), std::string::npos) << q2.status().ToString();
}

TEST_P(EventTimeTest, WithWatermarkErrors) {
  auto bad_type = spark->readStream().source(input).withWatermark("k", "10 seconds");
  EXPECT_NE(bad_type.status().message().find("[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time `k` has the "
                                             "invalid type \"STRING\", but expected \"TIMESTAMP\""),
            std::string::npos)
      << bad_type.status().ToString();
  auto bad_delay = spark->readStream().source(input).withWatermark("ts", "ten seconds");
  EXPECT_NE(bad_delay.status().message().find("cannot parse the watermark delay 'ten seconds'"), std::string::npos)
      << bad_delay.status().ToString();
  auto negative = spark->readStream().source(input).withWatermark("ts", "-1 second");
  EXPECT_NE(negative.status().message().find("should not be negative"), std::string::npos)
      << negative.status().ToString();
  auto missing = spark->readStream().source(input).withWatermark("nope", "1 second");
  EXPECT_FALSE(missing.status().ok());
}

TEST_P(EventTimeTest, MultipleWatermarkPolicyMinAndMax) {
  // Two watermarked inputs unioned: delays 10s and 20s, both see 30s in
  // the first batch (their rows are there before the query starts: rows
  // added while it runs may come in two batches, and a watermark never
  // goes back, so min would stay at the 20s of the input seen first).
  for (const std::string policy : {"min", "max"}) {
    auto in2 = std::make_shared<MemoryStream>(KT());
    ASSERT_TRUE(input->AddRows(KTRows({{"x" + policy, 30}})).ok());
    ASSERT_TRUE(in2->AddRows(KTRows({{"y" + policy, 30}})).ok());
    auto a = spark->readStream().source(input).withWatermark("ts", "10 seconds");
    auto b = spark->readStream().source(in2).withWatermark("ts", "20 seconds");
    auto q = a.unionAll(b)
                 .dropDuplicates({"k", "ts"})
                 .writeStream()
                 .option("checkpointLocation", dir.path() + "/" + policy)
                 .option(kStateStoreProviderClass, GetParam())
                 .option("spark.sql.streaming.multipleWatermarkPolicy", policy)
                 .foreachBatch([](const QueryResult&, int64_t) { return Status::OK(); })
                 .start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->lastProgress();
    ASSERT_TRUE(p.has_value());
    // min(30 - 10, 30 - 20) = 10s; max = 20s.
    EXPECT_EQ(p->eventTime.at("watermark"), policy == "min" ? "1970-01-01T00:00:10.000Z" : "1970-01-01T00:00:20.000Z")
        << policy;
    ASSERT_TRUE(q->stop().ok());
  }
}

TEST_P(EventTimeTest, WatermarkPolicyIsPinnedAtTheFirstBatch) {
  auto in2 = std::make_shared<MemoryStream>(KT());
  auto start = [&](const std::string& policy) {
    auto a = spark->readStream().source(input).withWatermark("ts", "10 seconds");
    auto b = spark->readStream().source(in2).withWatermark("ts", "20 seconds");
    return a.unionAll(b)
        .dropDuplicates({"k", "ts"})
        .writeStream()
        .option("checkpointLocation", ck())
        .option(kStateStoreProviderClass, GetParam())
        .option("spark.sql.streaming.multipleWatermarkPolicy", policy)
        .foreachBatch([](const QueryResult&, int64_t) { return Status::OK(); })
        .start();
  };
  ASSERT_TRUE(input->AddRows(KTRows({{"x", 30}})).ok());
  ASSERT_TRUE(in2->AddRows(KTRows({{"y", 30}})).ok());
  {
    auto q = start("max");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  }
  // Restarted asking for "min": the checkpoint's "max" wins. 60s on both
  // inputs: max(50s, 40s) = 50s (min would give 40s); the no-data batch
  // after it runs with 50s.
  ASSERT_TRUE(input->AddRows(KTRows({{"x", 60}})).ok());
  ASSERT_TRUE(in2->AddRows(KTRows({{"y", 60}})).ok());
  auto q = start("min");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  auto p = q->lastProgress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->eventTime.at("watermark"), "1970-01-01T00:00:50.000Z");
  ASSERT_TRUE(q->stop().ok());
  auto log = OffsetLog::Open(Env::Default(), ck());
  ASSERT_TRUE(log.ok());
  auto first = log->Get(0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->metadata.conf.at("spark.sql.streaming.multipleWatermarkPolicy"), "max");
}

TEST_P(EventTimeTest, DropDuplicatesWithoutWatermarkAcrossRestarts) {
  auto dedup = [&] { return spark->readStream().source(input).dropDuplicates({"k"}); };
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 1}, {"b", 2}, {"a", 3}})).ok());
  {
    auto q = Start(dedup(), "append");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  }
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 4}, {"c", 5}, {"c", 6}})).ok());
  {
    auto q = Start(dedup(), "append");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->lastProgress();
    ASSERT_TRUE(p.has_value());
    ASSERT_EQ(p->stateOperators.size(), 1u);
    EXPECT_EQ(p->stateOperators[0].operatorName, "dedupe");
    EXPECT_EQ(p->stateOperators[0].numRowsTotal, 3);
    EXPECT_EQ(p->stateOperators[0].numRowsUpdated, 1);
    ASSERT_TRUE(q->stop().ok());
  }
  // Within batch 0 the first `a` (in input order) wins.
  EXPECT_EQ(Output(), (Batches{{0, {"a," + T(1), "b," + T(2)}}, {1, {"c," + T(5)}}}));
  // No watermark: no no-data batch, nothing evicted.
  EXPECT_EQ(CommittedWatermarks(), (std::vector<int64_t>{0, 0}));
}

TEST_P(EventTimeTest, DropDuplicatesWithWatermarkEvictsAndDropsLateRows) {
  auto dedup = spark->readStream().source(input).withWatermark("ts", "10 seconds").dropDuplicates({"k", "ts"});
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 5}, {"a", 5}, {"b", 20}})).ok());
  auto q = Start(dedup, "append");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  // No-data batch 1 (watermark 10s) evicts (a, 5s).
  auto p = q->lastProgress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->batchId, 1);
  EXPECT_EQ(p->stateOperators[0].numRowsRemoved, 1);
  EXPECT_EQ(p->stateOperators[0].numRowsTotal, 1);
  // (a, 5s) is late now: dropped and counted, not emitted again; (b, 20s) a
  // duplicate (dropped, not late); (c, 25s) new.
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 5}, {"b", 20}, {"c", 25}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  auto recent = q->recentProgress();
  ASSERT_GE(recent.size(), 3u);
  EXPECT_EQ(recent[2].batchId, 2);
  EXPECT_EQ(recent[2].stateOperators[0].numRowsDroppedByWatermark, 1);
  EXPECT_EQ(recent[2].stateOperators[0].numRowsUpdated, 1);
  ASSERT_TRUE(q->stop().ok());
  auto o = Output();
  EXPECT_EQ(o[0], (std::vector<std::string>{"a," + T(5), "b," + T(20)}));
  EXPECT_EQ(o[1], std::vector<std::string>{});
  EXPECT_EQ(o[2], (std::vector<std::string>{"c," + T(25)}));
}

TEST_P(EventTimeTest, DropDuplicatesWithinWatermarkAcrossRestart) {
  auto dedup = [&] {
    return spark->readStream().source(input).withWatermark("ts", "10 seconds").dropDuplicatesWithinWatermark({"k"});
  };
  // Batch 0: a expires at 5 + 10 = 15s, b at 40s; watermark becomes 20s.
  // No-data batch 1 (20s) evicts a.
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 5}, {"b", 30}})).ok());
  {
    auto q = Start(dedup(), "append");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->lastProgress();
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->batchId, 1);
    EXPECT_EQ(p->stateOperators[0].operatorName, "dedupeWithinWatermark");
    EXPECT_EQ(p->stateOperators[0].numRowsRemoved, 1);
    ASSERT_TRUE(q->stop().ok());
  }
  // Batch 2 (late-events watermark 20s): a at 25s is new again; b at 31s is
  // a duplicate within b's expiry though its event time differs; c at 12s
  // is late. Max event time 31s: watermark 21s, a no-data batch 3 (evicts
  // nothing: a expires at 35s, b at 40s).
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 25}, {"b", 31}, {"c", 12}})).ok());
  {
    auto q = Start(dedup(), "append");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->recentProgress();
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].stateOperators[0].numRowsDroppedByWatermark, 1);
    EXPECT_EQ(p[1].stateOperators[0].numRowsRemoved, 0);
    EXPECT_EQ(p[1].stateOperators[0].numRowsTotal, 2);
    ASSERT_TRUE(q->stop().ok());
  }
  // After another restart b (expiring at 40s) still deduplicates; 36s
  // moves the watermark to 26s: no-data batch 5.
  ASSERT_TRUE(input->AddRows(KTRows({{"b", 35}, {"d", 36}})).ok());
  {
    auto q = Start(dedup(), "append");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  }
  auto o = Output();
  EXPECT_EQ(o[0], (std::vector<std::string>{"a," + T(5), "b," + T(30)}));
  EXPECT_EQ(o[2], (std::vector<std::string>{"a," + T(25)}));
  EXPECT_EQ(o[4], (std::vector<std::string>{"d," + T(36)}));
  EXPECT_EQ(LoggedWatermarks(), (std::vector<int64_t>{0, 20000, 20000, 21000, 21000, 26000}));
}

TEST_P(EventTimeTest, DeduplicationRules) {
  // Without a watermark dropDuplicatesWithinWatermark fails, as in Spark.
  auto q = Start(spark->readStream().source(input).dropDuplicatesWithinWatermark({"k"}), "append");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("dropDuplicatesWithinWatermark is not supported"), std::string::npos)
      << q.status().ToString();
  // Not after an aggregation.
  auto agg = spark->readStream().source(input).groupBy({"k"}).count().dropDuplicates();
  auto q2 = Start(agg, "update");
  ASSERT_FALSE(q2.ok());
  EXPECT_NE(q2.status().message().find("dropDuplicates is not supported after aggregation"), std::string::npos)
      << q2.status().ToString();
  // Unknown column.
  auto bad = spark->readStream().source(input).dropDuplicates({"nope"});
  EXPECT_NE(bad.status().message().find("Cannot resolve column name \"nope\" among (k, ts)"), std::string::npos)
      << bad.status().ToString();
  // Complete mode needs an aggregation.
  auto q3 = Start(spark->readStream().source(input).dropDuplicates(), "complete");
  ASSERT_FALSE(q3.ok());
}

TEST_P(EventTimeTest, SqlDistinctIsAnAggregationEmittedOnceInAppendModeAcrossRestart) {
  ASSERT_TRUE(spark->readStream().source(input).createOrReplaceTempView("events").ok());
  // Spark plans SELECT DISTINCT as an aggregation with every column as a
  // key (ReplaceDistinctWithAggregate), not as a deduplication: in append
  // mode a row comes out once, when its key's event time (ts, which carries
  // the watermark) falls behind the watermark. The string form of the
  // delay, the alias after the clause.
  auto df = spark->sql("SELECT DISTINCT e.k, e.ts FROM events WATERMARK ts DELAY OF INTERVAL '10 seconds' AS e");
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  // Batch 0 (watermark 0): (a,5) twice and (b,20) go into the state, nothing
  // is final. Watermark after it: 20 - 10 = 10 s, so the no-data batch 1
  // runs with 10 s and emits (and evicts) (a,5).
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 5}, {"a", 5}, {"b", 20}})).ok());
  {
    auto q = Start(df, "append");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->recentProgress();
    ASSERT_EQ(p.size(), 2u);
    ASSERT_EQ(p[1].stateOperators.size(), 1u);
    EXPECT_EQ(p[1].stateOperators[0].operatorName, "stateStoreSave");
    EXPECT_EQ(p[1].stateOperators[0].numRowsTotal, 1);  // (b,20) left
    ASSERT_TRUE(q->stop().ok());
  }
  // Restart. Batch 2 runs with 10 s (late below 10 s): (a,5) is late and
  // dropped, (b,20) is already held, (c,30) is new; nothing is final. The
  // watermark moves to 30 - 10 = 20 s: the no-data batch 3 emits (b,20).
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 5}, {"b", 20}, {"c", 30}})).ok());
  {
    auto q = Start(df, "append");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->recentProgress();
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].stateOperators[0].numRowsDroppedByWatermark, 1);
    ASSERT_TRUE(q->stop().ok());
  }
  EXPECT_EQ(Output(), (Batches{{0, {}}, {1, {"a," + T(5)}}, {2, {}}, {3, {"b," + T(20)}}}));
  EXPECT_EQ(LoggedWatermarks(), (std::vector<int64_t>{0, 10000, 10000, 20000}));
  // The integer form of the delay, on a batch subquery: rows pass through.
  auto ok = spark->Sql("SELECT k FROM (SELECT 'x' AS k, TIMESTAMP '2024-01-01 00:00:00' AS ts) WATERMARK ts DELAY OF "
                       "INTERVAL 10 SECONDS AS v");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Strings(ok->Rows()), std::vector<std::string>{"x"});
}

TEST_P(EventTimeTest, SqlDistinctUpdateModeEmitsAGroupAgainWhenItRecurs) {
  ASSERT_TRUE(spark->readStream().source(input).createOrReplaceTempView("events").ok());
  auto df = spark->sql("SELECT DISTINCT k FROM events");
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  // Update mode emits the groups each batch touched: a repeated key comes
  // out again (a deduplication would drop it).
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 1}, {"a", 2}, {"b", 3}})).ok());
  auto q = Start(df, "update");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 4}, {"c", 5}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  EXPECT_EQ(Output(), (Batches{{0, {"a", "b"}}, {1, {"a", "c"}}}));
}

TEST_P(EventTimeTest, SqlDistinctCompleteModeEmitsEveryGroupEveryBatch) {
  ASSERT_TRUE(spark->readStream().source(input).createOrReplaceTempView("events").ok());
  auto df = spark->sql("SELECT DISTINCT k FROM events");
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 1}, {"b", 3}})).ok());
  auto q = Start(df, "complete");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 4}, {"c", 5}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  EXPECT_EQ(Output(), (Batches{{0, {"a", "b"}}, {1, {"a", "b", "c"}}}));
}

TEST_P(EventTimeTest, SqlDistinctAppendModeNeedsAWatermarkedColumn) {
  // As any streaming aggregation: without a watermark on one of its columns
  // (here ts has none; and with one on ts, k alone is not event time)
  // append mode fails at start.
  ASSERT_TRUE(spark->readStream().source(input).createOrReplaceTempView("events").ok());
  auto q = Start(spark->sql("SELECT DISTINCT k, ts FROM events"), "append");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("Append output mode not supported when there are streaming aggregations"),
            std::string::npos)
      << q.status().ToString();
  auto q2 = Start(spark->sql("SELECT DISTINCT k FROM events WATERMARK ts DELAY OF INTERVAL 10 SECONDS"), "append");
  ASSERT_FALSE(q2.ok());
  EXPECT_NE(q2.status().message().find("Append output mode not supported when there are streaming aggregations"),
            std::string::npos)
      << q2.status().ToString();
  // One more aggregation over it is a second streaming aggregation.
  auto q3 = Start(spark->sql("SELECT k, count(*) FROM (SELECT DISTINCT k, ts FROM events) GROUP BY k"), "update");
  ASSERT_FALSE(q3.ok());
}

TEST_P(EventTimeTest, DataFrameDistinctOnAStreamIsDropDuplicates) {
  // Dataset.distinct() is dropDuplicates() in Spark (an alias, unlike SQL's
  // SELECT DISTINCT): a row is emitted the first time it is seen, also in
  // append mode without a watermark, and never again.
  auto df = spark->readStream().source(input).select({"k"}).distinct();
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 1}, {"a", 2}, {"b", 3}})).ok());
  auto q = Start(df, "append");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(input->AddRows(KTRows({{"a", 4}, {"c", 5}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  auto p = q->recentProgress();
  ASSERT_FALSE(p.empty());
  ASSERT_EQ(p.back().stateOperators.size(), 1u);
  EXPECT_EQ(p.back().stateOperators[0].operatorName, "dedupe");
  ASSERT_TRUE(q->stop().ok());
  EXPECT_EQ(Output(), (Batches{{0, {"a", "b"}}, {1, {"c"}}}));
}

TEST_P(EventTimeTest, BatchDropDuplicatesKeepsOneRowPerKey) {
  auto df = spark->sql("SELECT * FROM VALUES ('a', 1), ('b', 2), ('a', 3) AS t(k, v)");
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto r = df.dropDuplicates({"k"}).collect();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Strings(r->Rows()), (std::vector<std::string>{"a,1", "b,2"}));
  auto all = df.dropDuplicates().collect();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->Rows().size(), 3u);
}

}  // namespace
}  // namespace sluice
