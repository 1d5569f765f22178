// Streaming aggregations the Nexmark queries need (issue 17), through SQL on
// each state store provider, StreamTest-style with restarts:
//   * DISTINCT aggregates (count/sum/avg(DISTINCT x), several in one query),
//     their values kept in the state store;
//   * chained aggregations (Spark 3.4+): an aggregation over a windowed
//     aggregation's output, its event time carried up by window_time(window).
// The expected rows never come from the streaming engine: each test runs the
// same SQL as a batch query over the rows that reach the closed windows
// (the batch engine's DISTINCT and aggregation are independent of the
// stateful operators), and the hand-worked watermark arithmetic says which
// windows have closed.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>

#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/state_store_provider_param.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

constexpr int64_t kSec = 1000000;  // microseconds

Schema KVT() {
  return Schema({{"k", DataType::String()}, {"v", DataType::Int()}, {"ts", DataType::Timestamp()}});
}

struct Row {
  std::string k;
  int v;
  int64_t secs;
};

std::vector<std::vector<Value>> Rows(const std::vector<Row>& rows) {
  std::vector<std::vector<Value>> out;
  for (const auto& r : rows) {
    out.push_back({Value::String(r.k), r.v < 0 ? Value::Null(DataType::Int()) : Value::Int(r.v), Value::Timestamp(r.secs * kSec)});
  }
  return out;
}

class StreamingAggregationSqlTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { ExpectStateWrittenBy(dir.path(), GetParam()); }

  std::shared_ptr<Session> spark = Session::Create();
  std::shared_ptr<MemoryStream> input = std::make_shared<MemoryStream>(KVT());
  TempDir dir;
  std::string ck() const { return dir.path() + "/ck"; }
  std::vector<Row> all;  // every row added to the stream

  void Add(const std::vector<Row>& rows) {
    ASSERT_TRUE(input->AddRows(Rows(rows)).ok());
    all.insert(all.end(), rows.begin(), rows.end());
  }

  // Runs `sql` over the stream view `events` in `mode` until the input is
  // drained (and the no-data batches after it), then stops.
  void RunAvailable(const std::string& sql, const std::string& mode) {
    ASSERT_TRUE(spark->readStream().source(input).createOrReplaceTempView("events").ok());
    RunViewsAvailable(sql, mode, "3");
  }

  // Runs `sql` over the stream views already registered, in `mode` with
  // `partitions` shuffle partitions, into `out` until the input is drained,
  // then stops.
  void RunViewsAvailable(const std::string& sql, const std::string& mode, const std::string& partitions) {
    auto df = spark->sql(sql);
    ASSERT_TRUE(df.status().ok()) << df.status().ToString();
    auto q = df.writeStream()
                 .outputMode(mode)
                 .option("checkpointLocation", ck())
                 .option(kStateStoreProviderClass, GetParam())
                 .option("spark.sql.shuffle.partitions", partitions)
                 .foreachBatch([this](const QueryResult& r, int64_t id) {
                   std::lock_guard<std::mutex> l(mu);
                   out[id] = Strings(r.Rows());
                   return Status::OK();
                 })
                 .start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    Status st = q->processAllAvailable();
    EXPECT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE(q->stop().ok());
  }

  // Every row the sink received, over all batches, sorted.
  std::vector<std::string> Emitted() {
    std::lock_guard<std::mutex> l(mu);
    std::vector<std::string> rows;
    for (const auto& [id, b] : out) rows.insert(rows.end(), b.begin(), b.end());
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  // The last row emitted for each value of the first column (update mode).
  std::map<std::string, std::string> LatestByFirstColumn() {
    std::lock_guard<std::mutex> l(mu);
    std::map<std::string, std::string> latest;
    for (const auto& [id, b] : out) {
      for (const auto& r : b) latest[r.substr(0, r.find(','))] = r;
    }
    return latest;
  }

  // `sql` as a batch query over `rows` (a view `events` of the same schema).
  std::vector<std::string> Batch(const std::string& sql, const std::vector<Row>& rows) {
    auto data = QueryResult::FromRows(KVT(), Rows(rows));
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    if (!data.ok()) return {};
    auto batch = Session::Create();
    EXPECT_TRUE(batch->createDataFrame(*data).createOrReplaceTempView("events").ok());
    auto r = batch->Sql(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    return Strings(r->Rows());
  }

  std::mutex mu;
  std::map<int64_t, std::vector<std::string>> out;  // GUARDED_BY(mu)
};

SLUICE_INSTANTIATE_FOR_STATE_STORE_PROVIDERS(StreamingAggregationSqlTest);

// Three DISTINCT aggregates (two over the same column) beside plain ones,
// per key and 10-second window, append mode, watermark delay 5 s. Values
// repeat across batches and across the restart, so a value seen before the
// restart must not count again after it: only the state store remembers it.
//   run 1: rows up to 14 s           -> watermark 9 s: nothing closes
//   run 2: rows up to 27 s, one at 3 s (not late: a group is late when its
//          window's end, 10 s, is <= the previous watermark, 9 s)
//                                    -> watermark 22 s: [0,10) [10,20) close
//   run 3: rows at 26-29 s and 41 s, and one at 3 s that is late now
//          (10 s <= 22 s) and dropped -> watermark 36 s: [20,30) closes
// The reference is the batch query over the rows that are not late, limited
// to the closed windows (start < 30 s).
TEST_P(StreamingAggregationSqlTest, DistinctAggregatesInAppendModeAcrossRestartsMatchABatchRun) {
  const std::string body =
      "SELECT window.start AS ws, k, count(DISTINCT v) AS dv, sum(DISTINCT v) AS sv, avg(DISTINCT v) AS av, "
      "count(DISTINCT v % 3) AS dm, count(*) AS n, sum(v) AS total FROM events";
  const std::string group = " GROUP BY window(ts, '10 seconds'), k";
  const std::string stream_sql = body + " WATERMARK ts DELAY OF INTERVAL '5 seconds'" + group;

  Add({{"a", 1, 1}, {"a", 1, 2}, {"a", 2, 3}, {"b", 7, 4}, {"b", -1, 5}, {"a", 4, 11}, {"b", 4, 14}});
  RunAvailable(stream_sql, "append");
  EXPECT_EQ(Emitted(), std::vector<std::string>{});
  // Restarted: (a,1) and (a,2) at 6-8 s were seen in run 1 for [0,10).
  std::vector<Row> late{{"a", 9, 3}};
  Add({{"a", 1, 6}, {"a", 2, 7}, {"a", 3, 8}, {"b", 7, 9}, {"a", 4, 12}, {"a", 5, 13}, {"b", 4, 15}, {"c", 8, 21},
       {"a", 9, 4}, {"c", 8, 22}, {"c", 1, 27}});
  RunAvailable(stream_sql, "append");
  Add({{"c", 8, 26}, {"c", 2, 29}, {"a", 6, 28}, {"a", 9, 3}, {"d", 1, 41}});
  RunAvailable(stream_sql, "append");

  std::vector<Row> on_time;
  for (const Row& r : all) {
    if (!(r.k == late[0].k && r.v == late[0].v && r.secs == late[0].secs)) on_time.push_back(r);
  }
  auto expected = Batch("SELECT * FROM (" + body + group + ") WHERE ws < TIMESTAMP '1970-01-01 00:00:30'", on_time);
  ASSERT_EQ(expected.size(), 6u);  // [0,10) a b, [10,20) a b, [20,30) a c
  EXPECT_EQ(Emitted(), expected);
}

// Update mode without a watermark: the groups never close, so the distinct
// values of every key stay in the state; after each run the last row
// emitted for a key is the batch answer over every row so far.
TEST_P(StreamingAggregationSqlTest, DistinctAggregatesInUpdateModeAcrossRestartsMatchABatchRun) {
  const std::string sql =
      "SELECT k, count(DISTINCT v) AS dv, sum(DISTINCT v) AS sv, count(*) AS n FROM events GROUP BY k";
  auto latest = [&] {
    std::vector<std::string> rows;
    for (const auto& [k, r] : LatestByFirstColumn()) rows.push_back(r);
    return rows;
  };
  Add({{"a", 1, 1}, {"a", 1, 2}, {"b", 2, 3}, {"b", -1, 3}});
  RunAvailable(sql, "update");
  EXPECT_EQ(latest(), Batch(sql, all));
  Add({{"a", 1, 4}, {"a", 3, 5}, {"b", 2, 6}, {"c", 5, 7}});
  RunAvailable(sql, "update");
  EXPECT_EQ(latest(), Batch(sql, all));
  Add({{"a", 3, 8}, {"c", 5, 9}, {"c", 6, 9}});
  RunAvailable(sql, "update");
  EXPECT_EQ(latest(), Batch(sql, all));
}

// A global aggregation (no grouping key: one state partition, one group)
// in complete mode: every batch emits the one row, which must be the batch
// answer over every row so far, across restarts.
TEST_P(StreamingAggregationSqlTest, GlobalDistinctAggregatesInCompleteModeAcrossRestartsMatchABatchRun) {
  const std::string sql = "SELECT count(DISTINCT v) AS dv, sum(DISTINCT v) AS sv, count(*) AS n FROM events";
  auto last = [&] {
    std::lock_guard<std::mutex> l(mu);
    return out.empty() ? std::vector<std::string>{} : out.rbegin()->second;
  };
  Add({{"a", 1, 1}, {"b", 1, 2}, {"b", -1, 3}});
  RunAvailable(sql, "complete");
  EXPECT_EQ(last(), Batch(sql, all));
  Add({{"a", 2, 4}, {"c", 1, 5}});
  RunAvailable(sql, "complete");
  EXPECT_EQ(last(), Batch(sql, all));
  EXPECT_EQ(last(), std::vector<std::string>{"2,3,5"});  // values {1, 2}, 5 rows
}

// A windowed count (and a count DISTINCT) per key and 10 s window, then per
// 20 s window over its rows' event time window_time(window): the top
// aggregation sees the lower one's final rows only (append semantics below
// it), with the lower one's watermark, so a 20 s window closes once both
// of its 10 s windows have. Watermark delay 5 s:
//   run 1: rows up to 14 s  -> W 9 s: nothing closes
//   run 2: rows up to 27 s  -> W 22 s: [0,10) [10,20) close below, [0,20) above
//   run 3: rows up to 41 s  -> W 36 s: [20,30) closes below
//   run 4: a row at 50 s    -> W 45 s: [30,40) (empty) and [20,40) above close
// Reference: the batch query over all rows, windows starting before 40 s.
constexpr const char* kChainedInner =
    "SELECT window_time(window) AS wt, k, count(*) AS n, count(DISTINCT v) AS dv FROM events";
constexpr const char* kChainedOuter =
    "SELECT window.start AS ws, max(n) AS mx, sum(n) AS total, count(*) AS groups, sum(dv) AS dvs FROM (";

class ChainedAggregationTest : public StreamingAggregationSqlTest {
 protected:
  std::string StreamSql() const {
    return std::string(kChainedOuter) + kChainedInner +
           " WATERMARK ts DELAY OF INTERVAL '5 seconds' GROUP BY window(ts, '10 seconds'), k) "
           "GROUP BY window(wt, '20 seconds')";
  }
  std::vector<std::string> Expected() {
    return Batch(std::string("SELECT * FROM (") + kChainedOuter + kChainedInner +
                     " GROUP BY window(ts, '10 seconds'), k) GROUP BY window(wt, '20 seconds')) "
                     "WHERE ws < TIMESTAMP '1970-01-01 00:00:40'",
                 all);
  }
  void RunAll(const std::string& mode) {
    Add({{"a", 1, 1}, {"a", 1, 2}, {"a", 2, 3}, {"b", 7, 4}, {"a", 4, 11}, {"b", 4, 14}});
    RunAvailable(StreamSql(), mode);
    Add({{"a", 3, 8}, {"b", 7, 9}, {"c", 1, 12}, {"a", 5, 13}, {"c", 8, 21}, {"c", 1, 27}});
    RunAvailable(StreamSql(), mode);
    Add({{"c", 8, 26}, {"a", 6, 28}, {"d", 1, 41}});
    RunAvailable(StreamSql(), mode);
    Add({{"e", 1, 50}});
    RunAvailable(StreamSql(), mode);
  }
};

SLUICE_INSTANTIATE_FOR_STATE_STORE_PROVIDERS(ChainedAggregationTest);

TEST_P(ChainedAggregationTest, AppendModeAcrossRestartsMatchesABatchRunOverClosedWindows) {
  RunAll("append");
  auto expected = Expected();
  ASSERT_EQ(expected.size(), 2u);  // [0,20) and [20,40)
  EXPECT_EQ(Emitted(), expected);
}

// The top aggregation in update mode: nothing below it retracts, so the
// last row it emitted for a window is that window's answer.
TEST_P(ChainedAggregationTest, UpdateModeOnTopEndsWithTheBatchAnswer) {
  RunAll("update");
  std::vector<std::string> rows;
  for (const auto& [ws, r] : LatestByFirstColumn()) rows.push_back(r);
  EXPECT_EQ(rows, Expected());
}

TEST_P(ChainedAggregationTest, CompleteModeOnTopEndsWithTheBatchAnswer) {
  RunAll("complete");
  std::vector<std::string> last;
  {
    std::lock_guard<std::mutex> l(mu);
    ASSERT_FALSE(out.empty());
    last = out.rbegin()->second;
  }
  EXPECT_EQ(last, Expected());
}

// The lower aggregation must emit final rows: grouping it by a column
// without a watermark is refused at start, naming the fix.
TEST_P(ChainedAggregationTest, ALowerAggregationWithoutEventTimeIsRefused) {
  ASSERT_TRUE(spark->readStream().source(input).createOrReplaceTempView("events").ok());
  auto df = spark->sql("SELECT n, count(*) FROM (SELECT k, count(*) AS n FROM events GROUP BY k) GROUP BY n");
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto q = df.writeStream()
               .outputMode("update")
               .option("checkpointLocation", ck())
               .foreachBatch([](const QueryResult&, int64_t) { return Status::OK(); })
               .start();
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("must group by a column or window that carries a watermark"),
            std::string::npos)
      << q.status().ToString();
}

// Nexmark q4's shape: a stream-stream join of auctions and bids, the
// highest bid per auction (grouped by its watermarked expiry: emitted once
// the auction has closed), then the average of those per category in update
// mode, across restarts. Watermarks 2 s on expires and on the bid time; the
// join's output watermark is the auction side's state watermark (W - 1 ms,
// from `B.bts <= A.expires`), which closes the auctions:
//   run 1: W = min(12 - 2, 9 - 2) = 7 s    -> auction 1 (expires 5 s) closes
//   run 2: W = min(14 - 2, 20 - 2) = 12 s  -> auction 3 (8 s); 2 (12 s) not yet
//   run 3: W = min(30 - 2, 25 - 2) = 23 s  -> auctions 2 and 4 (14 s)
// (bid (3, 25) at 9 s is after auction 3's expiry: not joined.)
// Reference: the batch query over the auctions closed by then (expires
// before 23 s), with every bid.
TEST_P(StreamingAggregationSqlTest, JoinThenTwoAggregationsInUpdateModeAcrossRestarts) {
  Schema auctions_schema({{"id", DataType::Int()},
                          {"cat", DataType::String()},
                          {"start", DataType::Timestamp()},
                          {"expires", DataType::Timestamp()}});
  Schema bids_schema({{"auction", DataType::Int()}, {"price", DataType::Int()}, {"bts", DataType::Timestamp()}});
  auto auctions = std::make_shared<MemoryStream>(auctions_schema);
  auto bids = std::make_shared<MemoryStream>(bids_schema);
  std::vector<std::vector<Value>> all_auctions, all_bids;
  auto add = [&](std::vector<std::tuple<int, std::string, int64_t, int64_t>> as,
                 std::vector<std::tuple<int, int, int64_t>> bs) {
    std::vector<std::vector<Value>> a, b;
    for (auto& [id, cat, st, ex] : as) {
      a.push_back({Value::Int(id), Value::String(cat), Value::Timestamp(st * kSec), Value::Timestamp(ex * kSec)});
    }
    for (auto& [au, price, t] : bs) b.push_back({Value::Int(au), Value::Int(price), Value::Timestamp(t * kSec)});
    if (!a.empty()) {
      ASSERT_TRUE(auctions->AddRows(a).ok());
    }
    if (!b.empty()) {
      ASSERT_TRUE(bids->AddRows(b).ok());
    }
    all_auctions.insert(all_auctions.end(), a.begin(), a.end());
    all_bids.insert(all_bids.end(), b.begin(), b.end());
  };
  const std::string inner_select = "SELECT max(B.price) AS final, A.cat FROM ";
  const std::string join_cond = " ON A.id = B.auction AND B.bts BETWEEN A.start AND A.expires ";
  const std::string stream_sql =
      "SELECT cat, avg(final) AS a, count(*) AS n FROM (" + inner_select +
      "auctions WATERMARK expires DELAY OF INTERVAL 2 SECONDS AS A JOIN bids WATERMARK bts DELAY OF INTERVAL 2 "
      "SECONDS AS B" + join_cond + "GROUP BY A.id, A.cat, A.expires) GROUP BY cat";
  auto run = [&] {
    ASSERT_TRUE(spark->readStream().source(auctions).createOrReplaceTempView("auctions").ok());
    ASSERT_TRUE(spark->readStream().source(bids).createOrReplaceTempView("bids").ok());
    RunViewsAvailable(stream_sql, "update", "2");
  };
  auto batch = [&](int64_t closed_before_secs) {
    auto batch_session = Session::Create();
    auto a = QueryResult::FromRows(auctions_schema, all_auctions);
    auto b = QueryResult::FromRows(bids_schema, all_bids);
    EXPECT_TRUE(a.ok() && b.ok());
    EXPECT_TRUE(batch_session->createDataFrame(*a).createOrReplaceTempView("auctions").ok());
    EXPECT_TRUE(batch_session->createDataFrame(*b).createOrReplaceTempView("bids").ok());
    auto r = batch_session->Sql("SELECT cat, avg(final) AS a, count(*) AS n FROM (" + inner_select +
                                "auctions AS A JOIN bids AS B" + join_cond + "WHERE A.expires < " +
                                "TIMESTAMP '" + Value::Timestamp(closed_before_secs * kSec).ToString() +
                                "' GROUP BY A.id, A.cat, A.expires) GROUP BY cat");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? Strings(r->Rows()) : std::vector<std::string>{};
  };
  auto latest = [&] {
    std::vector<std::string> rows;
    for (const auto& [k, r] : LatestByFirstColumn()) rows.push_back(r);
    return rows;
  };
  add({{1, "x", 0, 5}, {2, "y", 1, 12}, {3, "x", 2, 8}}, {{1, 10, 1}, {1, 15, 4}, {2, 7, 3}, {3, 20, 3}, {3, 25, 9}});
  run();
  EXPECT_EQ(latest(), batch(6));
  add({{4, "y", 10, 14}}, {{2, 9, 11}, {4, 3, 12}, {4, 8, 13}, {1, 99, 20}});
  run();
  EXPECT_EQ(latest(), batch(11));
  add({{5, "z", 20, 30}}, {{4, 5, 14}, {5, 50, 25}});
  run();
  auto expected = batch(23);
  EXPECT_EQ(expected, (std::vector<std::string>{"x,17.5,2", "y,8.5,2"}));  // worked out by hand, above
  EXPECT_EQ(latest(), expected);
}

}  // namespace
}  // namespace sluice
