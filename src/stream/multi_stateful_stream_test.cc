// Several stateful operators in one query (Spark 3.4+), StreamTest-style, on
// each state store provider: dropDuplicates then a windowed count, and a
// stream-stream join then a windowed count, both in append mode, with a
// restart in the middle. Each operator keeps its own state (state/0 is the
// top one, the aggregation; state/1 the one below it: Spark numbers them
// top-down) and reports its own stateOperators entry.
//
// Expected answers are worked out by hand from Spark's semantics and were
// checked against Spark 4 (pyspark, file streams, processAllAvailable):
//   * watermark after a batch = min over the inputs of (max event time -
//     delay); a no-data batch runs when it moved;
//   * the watermark an operator sees is propagated through the operators
//     below it (Spark's PropagateWatermarkSimulator): dropDuplicates passes
//     it through; a stream-stream join delays it to the smaller of its two
//     state watermarks, because it may still output rows that old. For
//     `cts BETWEEN ts AND ts + 5 s` the events side's state watermark is
//     W - 5 s - 1 ms and the clicks side's W - 1 ms, so a window after the
//     join closes only once W - 5.001 s >= its end.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/state_store_provider_param.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSec = 1000000;  // microseconds

Schema Events() { return Schema({{"k", DataType::String()}, {"ts", DataType::Timestamp()}}); }
Schema Clicks() { return Schema({{"ck", DataType::String()}, {"cts", DataType::Timestamp()}}); }

std::vector<std::vector<Value>> Rows(std::vector<std::pair<std::string, int64_t>> rows) {
  std::vector<std::vector<Value>> out;
  for (auto& [k, s] : rows) out.push_back({Value::String(k), Value::Timestamp(s * kSec)});
  return out;
}

// "1970-01-01 00:00:10,2": a window's start second and its count.
std::string W(int64_t start_secs, int64_t n) {
  return Value::Timestamp(start_secs * kSec).ToString() + "," + std::to_string(n);
}

using Batches = std::map<int64_t, std::vector<std::string>>;

class MultiStatefulStreamTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { ExpectStateWrittenBy(dir.path(), GetParam()); }

  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
  std::string ck() const { return dir.path() + "/ck"; }

  // Runs `df` in append mode on the test's checkpoint until the input is
  // drained (and the no-data batches after it), then stops; returns this
  // run's progress reports.
  std::vector<StreamingQueryProgress> RunAvailable(const DataFrame& df) {
    auto q = df.writeStream()
                 .outputMode("append")
                 .option("checkpointLocation", ck())
                 .option(kStateStoreProviderClass, GetParam())
                 .option("spark.sql.shuffle.partitions", "2")
                 .foreachBatch([this](const QueryResult& r, int64_t id) {
                   std::vector<std::string> rows;
                   for (const auto& row : r.Rows()) {
                     std::string s;
                     for (size_t i = 0; i < row.size(); ++i) s += (i ? "," : "") + row[i].ToString();
                     rows.push_back(s);
                   }
                   std::sort(rows.begin(), rows.end());
                   std::lock_guard<std::mutex> l(mu);
                   out[id] = rows;
                   return Status::OK();
                 })
                 .start();
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    if (!q.ok()) return {};
    Status st = q->processAllAvailable();
    EXPECT_TRUE(st.ok()) << st.ToString();
    auto progress = q->recentProgress();
    EXPECT_TRUE(q->stop().ok());
    return progress;
  }
  Batches Output() {
    std::lock_guard<std::mutex> l(mu);
    return out;
  }
  // The operator ids with a directory under state/, and whether each has
  // its recorded schema.
  std::vector<std::string> StateOperators() const {
    std::vector<std::string> ops;
    for (const auto& e : fs::directory_iterator(ck() + "/state")) {
      std::string name = e.path().filename().string();
      bool schema = fs::exists(e.path() / "_metadata" / "schema");
      ops.push_back(name + (schema ? "" : " (no schema)"));
    }
    std::sort(ops.begin(), ops.end());
    return ops;
  }

  std::mutex mu;
  Batches out;  // GUARDED_BY(mu)
};

SLUICE_INSTANTIATE_FOR_STATE_STORE_PROVIDERS(MultiStatefulStreamTest);

const StateOperatorProgress* Op(const StreamingQueryProgress& p, size_t i) {
  return i < p.stateOperators.size() ? &p.stateOperators[i] : nullptr;
}

// withWatermark(ts, 10 s).dropDuplicates(k, ts).groupBy(window(ts, 10 s)).count().
//   run 1, add (a,1) (a,1) (b,2) (a,12):
//     batch 0  wm 0:  dedup keeps (a,1) (b,2) (a,12); windows [0,10)=2
//                     [10,20)=1; nothing closes.              next wm 2
//     batch 1  wm 2 (no data): dedup evicts (a,1) (b,2); nothing closes.
//   restart; run 2, add (a,1) (a,12) (c,25) (b,13):
//     batch 2  wm 2, late <= 2: (a,1) is late (dropped by the dedup and
//                     counted there), (a,12) a duplicate; (c,25) (b,13)
//                     new: [10,20)=2, [20,30)=1.             next wm 15
//     batch 3  wm 15 (no data): [0,10)=2 closes and is emitted; the dedup
//                     evicts (a,12) (b,13), keeps (c,25).
//   run 3, add (d,41):
//     batch 4  wm 15: [40,50)=1.                             next wm 31
//     batch 5  wm 31 (no data): [10,20)=2 and [20,30)=1 close.
TEST_P(MultiStatefulStreamTest, DropDuplicatesThenWindowedCountInAppendModeAcrossRestart) {
  auto input = std::make_shared<MemoryStream>(Events());
  auto df = spark->readStream()
                .source(input)
                .withWatermark("ts", "10 seconds")
                .dropDuplicates({"k", "ts"})
                .groupBy({window(col("ts"), "10 seconds")})
                .agg({count(lit(1)).alias("n")})
                .select({col("window.start"), col("n")});
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();

  ASSERT_TRUE(input->AddRows(Rows({{"a", 1}, {"a", 1}, {"b", 2}, {"a", 12}})).ok());
  auto p1 = RunAvailable(df);
  ASSERT_EQ(p1.size(), 2u);
  EXPECT_EQ(Output(), (Batches{{0, {}}, {1, {}}}));
  // Two operators, each with its own state: 0 the aggregation, 1 the dedup.
  EXPECT_EQ(StateOperators(), (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(p1[0].stateOperators.size(), 2u);
  EXPECT_EQ(p1[0].stateOperators[0].operatorName, "stateStoreSave");
  EXPECT_EQ(p1[0].stateOperators[0].numRowsTotal, 2);  // [0,10) and [10,20)
  EXPECT_EQ(p1[0].stateOperators[1].operatorName, "dedupe");
  EXPECT_EQ(p1[0].stateOperators[1].numRowsTotal, 3);  // (a,1) (b,2) (a,12)
  ASSERT_EQ(p1[1].stateOperators.size(), 2u);
  EXPECT_EQ(p1[1].stateOperators[0].numRowsTotal, 2);
  EXPECT_EQ(p1[1].stateOperators[1].numRowsTotal, 1);  // (a,12)
  EXPECT_EQ(p1[1].stateOperators[1].numRowsRemoved, 2);

  // Restarted: both operators reload their own state.
  ASSERT_TRUE(input->AddRows(Rows({{"a", 1}, {"a", 12}, {"c", 25}, {"b", 13}})).ok());
  auto p2 = RunAvailable(df);
  ASSERT_EQ(p2.size(), 2u);
  EXPECT_EQ(p2[0].batchId, 2);
  ASSERT_NE(Op(p2[0], 1), nullptr);
  EXPECT_EQ(Op(p2[0], 1)->numRowsDroppedByWatermark, 1);  // (a,1), at the dedup
  EXPECT_EQ(Op(p2[0], 1)->numRowsTotal, 3);                // (a,12) (c,25) (b,13)
  EXPECT_EQ(Op(p2[0], 0)->numRowsDroppedByWatermark, 0);
  EXPECT_EQ(Op(p2[0], 0)->numRowsTotal, 3);  // [0,10) [10,20) [20,30)
  ASSERT_NE(Op(p2[1], 1), nullptr);
  EXPECT_EQ(p2[1].batchId, 3);
  EXPECT_EQ(Op(p2[1], 0)->numRowsTotal, 2);    // [0,10) emitted and evicted
  EXPECT_EQ(Op(p2[1], 0)->numRowsRemoved, 1);
  EXPECT_EQ(Op(p2[1], 1)->numRowsTotal, 1);    // (c,25)
  EXPECT_EQ(Op(p2[1], 1)->numRowsRemoved, 2);  // (a,12) (b,13)

  ASSERT_TRUE(input->AddRows(Rows({{"d", 41}})).ok());
  auto p3 = RunAvailable(df);
  ASSERT_EQ(p3.size(), 2u);
  EXPECT_EQ(Output(), (Batches{{0, {}}, {1, {}}, {2, {}}, {3, {W(0, 2)}}, {4, {}}, {5, {W(10, 2), W(20, 1)}}}));
  ASSERT_NE(Op(p3[1], 1), nullptr);
  EXPECT_EQ(Op(p3[1], 0)->numRowsTotal, 1);  // [40,50)
  EXPECT_EQ(Op(p3[1], 1)->numRowsTotal, 1);  // (d,41)
  EXPECT_EQ(StateOperators(), (std::vector<std::string>{"0", "1"}));
}

// events (k, ts) watermark 5 s JOIN clicks (ck, cts) watermark 5 s ON
// k = ck AND cts BETWEEN ts AND ts + 5 s, then groupBy(window(ts, 10 s)).
// The count sees the join's output watermark W - 5001 ms (above); with the
// global watermark instead it would emit [0,10) at batch 3 and [10,20) at
// batch 5.
//   run 1: events (a,1) (b,3) (c,12), clicks (a,4) (b,9) (c,14):
//     batch 0  W 0: pairs (a,1)-(a,4), (c,12)-(c,14) ((b,9) is 6 s after
//              b's event): [0,10)=1 [10,20)=1.     next W min(12-5, 14-5) = 7
//     batch 1  W 7 (no data): count sees 1999 ms: nothing closes.
//   restart; run 2: events (b,15) (a,17), clicks (a,20):
//     batch 2  W 7: pair (a,17)-(a,20): [10,20)=2.  next W min(12, 15) = 12
//     batch 3  W 12 (no data): count sees 6999 ms: [0,10) stays open.
//   run 3: events (c,30), clicks (c,33):
//     batch 4  W 12: pair (c,30)-(c,33): [30,40)=1.        next W 25
//     batch 5  W 25 (no data): count sees 19999 ms: [0,10)=1 closes; [10,20)
//              (end 20000) does not yet.
//   run 4: events (d,50), clicks (d,52):
//     batch 6  W 25: [50,60)=1.                            next W 45
//     batch 7  W 45 (no data): count sees 39999 ms: [10,20)=2 closes; [30,40)
//              (end 40000) does not.
TEST_P(MultiStatefulStreamTest, JoinThenWindowedCountInAppendModeAcrossRestart) {
  auto events = std::make_shared<MemoryStream>(Events());
  auto clicks = std::make_shared<MemoryStream>(Clicks());
  auto e = spark->readStream().source(events).withWatermark("ts", "5 seconds");
  auto c = spark->readStream().source(clicks).withWatermark("cts", "5 seconds");
  auto df = e.join(c, expr("k = ck AND cts BETWEEN ts AND ts + INTERVAL 5 SECONDS"), "inner")
                .groupBy({window(col("ts"), "10 seconds")})
                .agg({count(lit(1)).alias("n")})
                .select({col("window.start"), col("n")});
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();

  ASSERT_TRUE(events->AddRows(Rows({{"a", 1}, {"b", 3}, {"c", 12}})).ok());
  ASSERT_TRUE(clicks->AddRows(Rows({{"a", 4}, {"b", 9}, {"c", 14}})).ok());
  auto p1 = RunAvailable(df);
  ASSERT_EQ(p1.size(), 2u);
  EXPECT_EQ(StateOperators(), (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(p1[0].stateOperators.size(), 2u);
  EXPECT_EQ(p1[0].stateOperators[0].operatorName, "stateStoreSave");
  EXPECT_EQ(p1[0].stateOperators[0].numRowsTotal, 2);
  EXPECT_EQ(p1[0].stateOperators[1].operatorName, "symmetricHashJoin");
  EXPECT_EQ(p1[0].stateOperators[1].numRowsTotal, 6);  // every row of both sides
  // Batch 1 (W 7): the events side drops ts <= 1999 ms ((a,1)), the clicks
  // side cts <= 6999 ms ((a,4)).
  ASSERT_EQ(p1[1].stateOperators.size(), 2u);
  EXPECT_EQ(p1[1].stateOperators[1].numRowsTotal, 4);
  EXPECT_EQ(p1[1].stateOperators[1].numRowsRemoved, 2);

  ASSERT_TRUE(events->AddRows(Rows({{"b", 15}, {"a", 17}})).ok());
  ASSERT_TRUE(clicks->AddRows(Rows({{"a", 20}})).ok());
  auto p2 = RunAvailable(df);
  ASSERT_EQ(p2.size(), 2u);
  EXPECT_EQ(p2[1].batchId, 3);
  EXPECT_EQ(p2[1].eventTime.at("watermark"), "1970-01-01T00:00:12.000Z");
  // Batch 3 (W 12): the join drops (b,3) (events side, <= 6999 ms) and
  // (b,9) (clicks side, <= 11999 ms) of its 7 rows.
  ASSERT_NE(Op(p2[1], 1), nullptr);
  EXPECT_EQ(Op(p2[1], 1)->numRowsTotal, 5);
  EXPECT_EQ(Op(p2[1], 1)->numRowsRemoved, 2);

  ASSERT_TRUE(events->AddRows(Rows({{"c", 30}})).ok());
  ASSERT_TRUE(clicks->AddRows(Rows({{"c", 33}})).ok());
  auto p3 = RunAvailable(df);
  ASSERT_EQ(p3.size(), 2u);
  ASSERT_NE(Op(p3[1], 0), nullptr);
  EXPECT_EQ(Op(p3[1], 0)->numRowsRemoved, 1);  // [0,10)
  EXPECT_EQ(Op(p3[1], 0)->numRowsTotal, 2);    // [10,20) [30,40)
  // Batch 5 (W 25): of (c,12) (b,15) (a,17) (c,30) | (c,14) (a,20) (c,33)
  // only (c,30) | (c,33) are above 19999 / 24999 ms.
  ASSERT_NE(Op(p3[1], 1), nullptr);
  EXPECT_EQ(Op(p3[1], 1)->numRowsTotal, 2);
  EXPECT_EQ(Op(p3[1], 1)->numRowsRemoved, 5);

  ASSERT_TRUE(events->AddRows(Rows({{"d", 50}})).ok());
  ASSERT_TRUE(clicks->AddRows(Rows({{"d", 52}})).ok());
  auto p4 = RunAvailable(df);
  ASSERT_EQ(p4.size(), 2u);
  EXPECT_EQ(Output(), (Batches{{0, {}}, {1, {}}, {2, {}}, {3, {}}, {4, {}}, {5, {W(0, 1)}}, {6, {}}, {7, {W(10, 2)}}}));
  ASSERT_NE(Op(p4[1], 0), nullptr);
  EXPECT_EQ(Op(p4[1], 0)->numRowsTotal, 2);  // [30,40) [50,60)
  EXPECT_EQ(StateOperators(), (std::vector<std::string>{"0", "1"}));
  // The join keeps one store per side under its own operator directory.
  for (const char* side : {"left", "right"}) {
    bool found = false;
    for (const auto& part : fs::directory_iterator(ck() + "/state/1")) found |= fs::exists(part.path() / side);
    EXPECT_TRUE(found) << side;
  }
}

}  // namespace
}  // namespace sluice
