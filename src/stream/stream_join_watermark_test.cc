// End-to-end tests of stream-stream joins with watermarks (withWatermark on
// both sides), StreamTest-style, one foreachBatch result per batch id.
// Expected answers are worked out by hand from Spark's semantics:
//   * the global watermark after a batch = min over the two sides of
//     (max event time seen - delay); a batch runs with the watermark computed
//     after the previous one (batch 0 with 0); when it moves, a no-data batch
//     runs with the new one;
//   * a row is late (dropped, counted) when its event time <= the previous
//     batch's watermark;
//   * with `c.cts BETWEEN e.ts AND e.ts + INTERVAL 5 SECONDS`, the events
//     (left) state watermark is W - 5 s - 1 ms (from `cts <= ts + 5 s`) and
//     the clicks (right) one W - 1 ms (from `cts >= ts`); state at or behind
//     it is removed, and an events row that never matched comes out of a
//     left outer join with NULLs then.
// Every case runs on both state store providers (file and RocksDB).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

constexpr int64_t kSec = 1000000;

Schema Events() { return Schema({{"user", DataType::String()}, {"ts", DataType::Timestamp()}, {"v", DataType::Bigint()}}); }
Schema Clicks() {
  return Schema({{"cuser", DataType::String()}, {"cts", DataType::Timestamp()}, {"url", DataType::String()}});
}

std::vector<std::vector<Value>> EventRows(std::vector<std::tuple<std::string, int64_t, int64_t>> rows) {
  std::vector<std::vector<Value>> out;
  for (auto& [u, t, v] : rows) out.push_back({Value::String(u), Value::Timestamp(t * kSec), Value::Bigint(v)});
  return out;
}
std::vector<std::vector<Value>> ClickRows(std::vector<std::tuple<std::string, int64_t, std::string>> rows) {
  std::vector<std::vector<Value>> out;
  for (auto& [u, t, url] : rows) out.push_back({Value::String(u), Value::Timestamp(t * kSec), Value::String(url)});
  return out;
}

// "1970-01-01 00:00:05" for 5 seconds.
std::string T(int64_t secs) { return Value::Timestamp(secs * kSec).ToString(); }

using Batches = std::map<int64_t, std::vector<std::string>>;

// The parameter: spark.sql.streaming.stateStore.providerClass (both
// providers run every case).
class StreamJoinWatermarkTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::shared_ptr<Session> spark = Session::Create();
  std::shared_ptr<MemoryStream> events = std::make_shared<MemoryStream>(Events());
  std::shared_ptr<MemoryStream> clicks = std::make_shared<MemoryStream>(Clicks());
  TempDir dir;
  std::string ck() const { return dir.path() + "/ck"; }
  std::mutex mu;
  Batches out;  // GUARDED_BY(mu): the non-empty results, by batch id

  DataFrame Join(const std::string& how) {
    auto e = spark->readStream().source(events).withWatermark("ts", "10 seconds");
    auto c = spark->readStream().source(clicks).withWatermark("cts", "10 seconds");
    return e.join(c, expr("user = cuser AND cts BETWEEN ts AND ts + INTERVAL 5 SECONDS"), how);
  }
  Result<StreamingQuery> Start(const DataFrame& df) {
    return df.writeStream()
        .outputMode("append")
        .option("checkpointLocation", ck())
        .option("spark.sql.streaming.stateStore.providerClass", GetParam())
        .foreachBatch([this](const QueryResult& r, int64_t id) {
          std::lock_guard<std::mutex> l(mu);
          auto rows = Strings(r.Rows());
          if (!rows.empty()) out[id] = rows;
          return Status::OK();
        })
        .start();
  }
  Batches Output() {
    std::lock_guard<std::mutex> l(mu);
    return out;
  }
  // Rows added to both sides while the query runs may be taken in one batch
  // or in two (the runner may ask for offsets between the two AddRows): the
  // id of the batch after the last one that read input, which is the
  // no-data batch the watermark's move brings.
  static int64_t AfterLastInput(StreamingQuery& q) {
    int64_t last_input = -1;
    for (const auto& p : q.recentProgress()) {
      if (p.numInputRows > 0) last_input = p.batchId;
    }
    return last_input + 1;
  }
};

INSTANTIATE_TEST_SUITE_P(Providers, StreamJoinWatermarkTest, ::testing::Values(std::string("hdfs"), std::string("rocksdb")),
                         [](const auto& info) { return info.param == "hdfs" ? std::string("File") : std::string("RocksDB"); });

TEST_P(StreamJoinWatermarkTest, LeftOuterEmitsUnmatchedRowsOnceTheWatermarkPassesAcrossARestart) {
  auto df = Join("left");
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  int64_t evicted = 0;  // the no-data batch that emits u2 with NULLs
  {
    // Batch 0 (watermark 0): u1 10 s meets its click at 13 s; u2 12 s waits.
    // Watermark after it: min(12 - 10, 13 - 10) = 2 s: no-data batch 1
    // (events state watermark -3.001 s, clicks 1.999 s: nothing removed).
    ASSERT_TRUE(events->AddRows(EventRows({{"u1", 10, 1}, {"u2", 12, 2}})).ok());
    ASSERT_TRUE(clicks->AddRows(ClickRows({{"u1", 13, "a"}})).ok());
    auto q = Start(df);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    EXPECT_EQ(Output(), (Batches{{0, {"u1," + T(10) + ",1,u1," + T(13) + ",a"}}}));
    auto p = q->recentProgress();
    ASSERT_EQ(p.size(), 2u);
    ASSERT_EQ(p[0].stateOperators.size(), 1u);
    EXPECT_EQ(p[0].stateOperators[0].operatorName, "symmetricHashJoin");
    EXPECT_EQ(p[0].stateOperators[0].numRowsTotal, 3);
    EXPECT_EQ(p[1].numInputRows, 0);
    EXPECT_EQ(p[1].stateOperators[0].numRowsRemoved, 0);
    // Batch 2 (watermark 2 s): u3 30 s and a click of u2 at 40 s (outside
    // 12..17 s) match nothing. Watermark after it: min(30, 40) - 10 = 20 s:
    // no-data batch 3 removes events <= 14.999 s (u1 matched, u2 never: it
    // comes out with NULLs) and clicks <= 19.999 s (u1's).
    ASSERT_TRUE(events->AddRows(EventRows({{"u3", 30, 3}})).ok());
    ASSERT_TRUE(clicks->AddRows(ClickRows({{"u2", 40, "b"}})).ok());
    ASSERT_TRUE(q->processAllAvailable().ok());
    evicted = AfterLastInput(*q);  // 3, or later when batch 2's rows came in two batches
    EXPECT_GE(evicted, 3);
    EXPECT_EQ(Output(), (Batches{{0, {"u1," + T(10) + ",1,u1," + T(13) + ",a"}},
                                {evicted, {"u2," + T(12) + ",2,NULL,NULL,NULL"}}}));
    auto last = q->lastProgress();
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->batchId, evicted);
    EXPECT_EQ(last->stateOperators[0].numRowsRemoved, 3);
    EXPECT_EQ(last->stateOperators[0].numRowsTotal, 2);  // u3 30 s; the click at 40 s
    ASSERT_TRUE(q->stop().ok());
  }
  // Restarted: the watermark (20 s) and both sides' state come back. Batch 4:
  // u4 15 s is late (dropped); u3's click at 33 s joins u3 30 s from the
  // state. The watermark stays 20 s: no no-data batch.
  ASSERT_TRUE(events->AddRows(EventRows({{"u4", 15, 4}})).ok());
  ASSERT_TRUE(clicks->AddRows(ClickRows({{"u3", 33, "c"}})).ok());
  auto q = Start(df);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  auto o = Output();
  ASSERT_EQ(o.count(evicted + 1), 1u);
  EXPECT_EQ(o[evicted + 1], (std::vector<std::string>{"u3," + T(30) + ",3,u3," + T(33) + ",c"}));
  auto last = q->lastProgress();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->batchId, evicted + 1);
  EXPECT_EQ(last->stateOperators[0].numRowsDroppedByWatermark, 1);
  EXPECT_EQ(last->stateOperators[0].numRowsTotal, 3);
  // Batch 5: new rows on both sides move the watermark to min(60, 70) - 10 =
  // 50 s; no-data batch 6 removes u3 (matched: no output) and both clicks
  // (<= 49.999 s): the state goes down to the two new rows.
  ASSERT_TRUE(events->AddRows(EventRows({{"u5", 60, 5}})).ok());
  ASSERT_TRUE(clicks->AddRows(ClickRows({{"u9", 70, "z"}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  last = q->lastProgress();
  ASSERT_TRUE(last.has_value());
  EXPECT_GE(last->batchId, evicted + 3);  // evicted + 3, or later when batch 5's rows came in two batches
  EXPECT_EQ(last->batchId, AfterLastInput(*q));
  EXPECT_EQ(last->stateOperators[0].numRowsRemoved, 3);
  EXPECT_EQ(last->stateOperators[0].numRowsTotal, 2);
  EXPECT_EQ(Output().size(), 3u);  // batches 0, evicted, evicted + 1: nothing else came out
  ASSERT_TRUE(q->stop().ok());
}

TEST_P(StreamJoinWatermarkTest, FullOuterEmitsEachSidesUnmatchedRowsWhenEvicted) {
  auto df = Join("full");
  // Batch 0: nothing matches; the watermark min(10, 11) - 10 = 0 s does not move.
  ASSERT_TRUE(events->AddRows(EventRows({{"u1", 10, 1}})).ok());
  ASSERT_TRUE(clicks->AddRows(ClickRows({{"u2", 11, "x"}})).ok());
  auto q = Start(df);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  EXPECT_EQ(q->recentProgress().size(), 1u);
  // Batch 1: new unmatched rows move it to min(40, 45) - 10 = 30 s; no-data
  // batch 2 evicts events <= 24.999 s and clicks <= 29.999 s: u1 and u2,
  // each with NULLs for the other side.
  ASSERT_TRUE(events->AddRows(EventRows({{"u3", 40, 3}})).ok());
  ASSERT_TRUE(clicks->AddRows(ClickRows({{"u4", 45, "y"}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  const int64_t evicted = AfterLastInput(*q);  // 2, or later when batch 1's rows came in two batches
  EXPECT_GE(evicted, 2);
  EXPECT_EQ(Output(),
            (Batches{{evicted, {"NULL,NULL,NULL,u2," + T(11) + ",x", "u1," + T(10) + ",1,NULL,NULL,NULL"}}}));
  auto last = q->lastProgress();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->batchId, evicted);
  EXPECT_EQ(last->stateOperators[0].numRowsRemoved, 2);
  EXPECT_EQ(last->stateOperators[0].numRowsTotal, 2);
  ASSERT_TRUE(q->stop().ok());
}

TEST_P(StreamJoinWatermarkTest, RightOuterEmitsUnmatchedClicks) {
  auto df = Join("right");
  // Batch 0: the click of u1 at 20 s meets u1 17 s; u2's at 21 s nothing.
  // Watermark min(17, 21) - 10 = 7 s: no-data batch 1 removes nothing.
  ASSERT_TRUE(events->AddRows(EventRows({{"u1", 17, 1}})).ok());
  ASSERT_TRUE(clicks->AddRows(ClickRows({{"u1", 20, "a"}, {"u2", 21, "b"}})).ok());
  auto q = Start(df);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  // Batch 2: watermark min(50, 60) - 10 = 40 s; no-data batch 3 removes the
  // clicks <= 39.999 s (u2's unmatched: NULLs for the events side) and the
  // events <= 34.999 s.
  ASSERT_TRUE(events->AddRows(EventRows({{"u9", 50, 9}})).ok());
  ASSERT_TRUE(clicks->AddRows(ClickRows({{"u9", 60, "z"}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  const int64_t evicted = AfterLastInput(*q);  // 3, or later when batch 2's rows came in two batches
  EXPECT_GE(evicted, 3);
  EXPECT_EQ(Output(), (Batches{{0, {"u1," + T(17) + ",1,u1," + T(20) + ",a"}},
                              {evicted, {"NULL,NULL,NULL,u2," + T(21) + ",b"}}}));
  auto last = q->lastProgress();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->batchId, evicted);
  EXPECT_EQ(last->stateOperators[0].numRowsRemoved, 3);
  EXPECT_EQ(last->stateOperators[0].numRowsTotal, 2);
  ASSERT_TRUE(q->stop().ok());
}

TEST_P(StreamJoinWatermarkTest, OuterJoinsNeedTheNullableSidesWatermarkInTheRange) {
  // The range bounds the events (preserved) side by the clicks' event time,
  // which carries no watermark here: refused as Spark refuses it.
  auto e = spark->readStream().source(events).withWatermark("ts", "10 seconds");
  auto c = spark->readStream().source(clicks);
  auto df = e.join(c, expr("user = cuser AND cts BETWEEN ts AND ts + INTERVAL 5 SECONDS"), "left");
  auto q = Start(df);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not "
                                      "supported without a watermark in the join keys"),
            std::string::npos)
      << q.status().ToString();
  // A watermarked event-time column as a join key is enough, without a range.
  auto keyed = e.join(spark->readStream().source(clicks).withWatermark("cts", "10 seconds"),
                      expr("user = cuser AND ts = cts"), "left");
  auto ok = Start(keyed);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_TRUE(ok->stop().ok());
}

TEST_P(StreamJoinWatermarkTest, LeftSemiOutputsAnEventOnceWhenItsFirstClickArrives) {
  auto df = Join("left_semi");
  // Batch 0: u1 10 s has two clicks in range: output once. Watermark
  // min(12, 14) - 10 = 2 s: no-data batch 1 (nothing to output).
  ASSERT_TRUE(events->AddRows(EventRows({{"u1", 10, 1}, {"u2", 12, 2}})).ok());
  ASSERT_TRUE(clicks->AddRows(ClickRows({{"u1", 13, "a"}, {"u1", 14, "b"}})).ok());
  auto q = Start(df);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  // Batch 2: u2's click at 15 s finds u2 12 s in the state. (When the
  // runner takes the two rows in two batches, the click's batch is later.)
  ASSERT_TRUE(events->AddRows(EventRows({{"u3", 30, 3}})).ok());
  ASSERT_TRUE(clicks->AddRows(ClickRows({{"u2", 15, "c"}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  const Batches out = Output();
  const int64_t matched = out.size() == 2 ? std::next(out.begin())->first : -1;
  EXPECT_GE(matched, 2);
  EXPECT_LT(matched, AfterLastInput(*q)) << "the batch that read the click";
  EXPECT_EQ(out, (Batches{{0, {"u1," + T(10) + ",1"}}, {matched, {"u2," + T(12) + ",2"}}}));
  ASSERT_TRUE(q->stop().ok());
}

}  // namespace
}  // namespace sluice
