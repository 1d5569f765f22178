// Adaptive batch sizing (targetLatency): the controller's arithmetic, and the
// limits a query hands its source, with a source whose offsets (row counts)
// the test scripts and whose "processing time" is a manual clock advanced by
// a fixed cost per row: no wall-clock time is involved. Expected limits are
// worked out by hand from the policy in docs/streaming.md.
#include "stream/batch_size_controller.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "connectors/memory/memory_sink.h"
#include "env/clock.h"
#include "env/temp_dir.h"
#include "exec/operators/memory_table.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"

namespace sluice {
namespace {

TEST(BatchSizeControllerTest, NoCapBeforeTheFirstBatchThenTheRateCap) {
  BatchSizeController c(20'000);  // 20 ms
  EXPECT_EQ(c.NextLimit(-1), -1);
  EXPECT_EQ(c.NextLimit(5000), 5000);
  // 300 rows in 3 ms: 100,000 rows/s; 20 ms of it is 2,000 rows.
  c.Observe(300, 300, -1, 3'000, -1);
  EXPECT_EQ(c.NextLimit(-1), 2000);
  EXPECT_EQ(c.NextLimit(1500), 1500);  // never above the source's own limit
  // The rate is over the recent batches: 300 rows in 3 ms and 100 in 3 ms
  // are 400 rows in 6 ms; 20 ms of it is 1,333 rows.
  c.Observe(100, 100, 2000, 3'000, -1);
  EXPECT_EQ(c.NextLimit(-1), 1333);
}

TEST(BatchSizeControllerTest, GrowingBacklogDoublesHoldsWhileDrainingAndShrinksWhenGone) {
  // 10 ms; every batch below runs at 10 us per row (100,000 rows/s: the
  // rate cap is 1,000 rows); the source's own limit is 8,000.
  BatchSizeController d(10'000);
  d.Observe(100, 100, -1, 1'000, 8000);
  EXPECT_EQ(d.NextLimit(8000), 1000);
  d.Observe(1000, 5000, 1000, 10'000, 8000);  // 4,000 left behind, from 0: grew
  EXPECT_EQ(d.NextLimit(8000), 2000);
  d.Observe(2000, 9000, 2000, 20'000, 8000);  // 7,000 left: grew
  EXPECT_EQ(d.NextLimit(8000), 4000);
  d.Observe(4000, 12000, 4000, 40'000, 8000);  // 8,000 left: grew; 8,000 is the source's limit
  EXPECT_EQ(d.NextLimit(8000), 8000);
  d.Observe(8000, 14000, 8000, 80'000, 8000);  // 6,000 left: draining, hold
  EXPECT_EQ(d.NextLimit(8000), 8000);
  d.Observe(6000, 6000, 8000, 60'000, 8000);  // nothing left: the rate cap again
  EXPECT_EQ(d.NextLimit(8000), 1000);
}

TEST(BatchSizeControllerTest, WithoutACountAFullBatchMeansBackedUp) {
  BatchSizeController c(10'000);
  c.Observe(100, -1, -1, 1'000, -1);  // 100,000 rows/s: 1,000 rows in 10 ms
  EXPECT_EQ(c.NextLimit(-1), 1000);
  c.Observe(1000, -1, 1000, 10'000, -1);  // filled its cap
  EXPECT_EQ(c.NextLimit(-1), 2000);
  c.Observe(2000, -1, 2000, 20'000, -1);
  EXPECT_EQ(c.NextLimit(-1), 4000);
  c.Observe(10, -1, 4000, 100, -1);  // took less than its cap: nothing left
  EXPECT_EQ(c.NextLimit(-1), 1000);
}

// Offsets are row counts. Every LatestOffset call first receives the next
// number of rows of its script (none once the script is done), records the
// limit it was given, and answers at most limit.max_rows past `start`.
// GetBatch advances the query's manual clock by `micros_per_row` per row:
// the batch's processing time.
class ScriptedSource final : public Source {
 public:
  ScriptedSource(std::vector<int64_t> arrivals, ManualClock* clock, int64_t micros_per_row, int64_t max_rows)
      : arrivals_(std::move(arrivals)), clock_(clock), micros_per_row_(micros_per_row), max_rows_(max_rows) {}
  const Schema& schema() const override { return schema_; }
  std::string description() const override { return "ScriptedSource"; }
  Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                  const ReadLimit& limit) override {
    std::lock_guard<std::mutex> l(mu_);
    int64_t from = start ? std::stoll(*start) : 0;
    if (calls_ < arrivals_.size()) total_ += arrivals_[calls_];
    ++calls_;
    limits_.push_back(limit.max_rows);
    available_ = total_ - from;
    int64_t end = limit.max_rows > 0 ? std::min(total_, from + limit.max_rows) : total_;
    if (end == 0) return std::optional<std::string>();
    return std::optional<std::string>(std::to_string(end));
  }
  int64_t AvailableRows() const override {
    std::lock_guard<std::mutex> l(mu_);
    return available_;
  }
  Result<SourceBatch> GetBatch(const std::optional<std::string>& start, const std::string& end) override {
    int64_t from = start ? std::stoll(*start) : 0, to = std::stoll(end);
    Vector v(DataType::Bigint(), 0);
    for (int64_t i = from; i < to; ++i) v.AppendValue(Value::Bigint(i));
    std::vector<Batch> batches;
    batches.emplace_back(std::vector<Vector>{std::move(v)}, static_cast<size_t>(to - from));
    clock_->AdvanceMicros((to - from) * micros_per_row_);
    return SourceBatch{std::make_shared<MemoryTable>(schema_, std::move(batches)), to - from, nullptr};
  }
  ReadLimit DefaultReadLimit() const override {
    ReadLimit l;
    l.max_rows = max_rows_;
    return l;
  }
  size_t calls() const {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }
  std::vector<int64_t> limits() const {
    std::lock_guard<std::mutex> l(mu_);
    return limits_;
  }

 private:
  Schema schema_{{{"v", DataType::Bigint()}}};
  std::vector<int64_t> arrivals_;
  ManualClock* clock_;
  int64_t micros_per_row_;
  int64_t max_rows_;
  mutable std::mutex mu_;
  size_t calls_ = 0;
  int64_t total_ = 0;
  int64_t available_ = 0;
  std::vector<int64_t> limits_;
};

class AdaptiveBatchTest : public ::testing::Test {
 protected:
  // Runs the script through a query (default trigger, memory sink) with
  // `target_latency` (empty: not set) and returns the limits of the first
  // `script.size()` LatestOffset calls and each batch's input rows.
  void Run(const std::vector<int64_t>& script, const std::string& target_latency, std::vector<int64_t>* limits,
           std::vector<int64_t>* batch_rows) {
    ManualClock clock(1'000'000'000);
    // 10 us per row: 100,000 rows/s, 2,000 rows in 20 ms. maxOffsetsPerTrigger 12,000.
    auto source = std::make_shared<ScriptedSource>(script, &clock, 10, 12000);
    auto w = spark->readStream().source(source).writeStream().format("memory").queryName("adaptive")
                 .option("checkpointLocation", dir.path() + "/ck").clock(&clock);
    if (!target_latency.empty()) w.option("targetLatency", target_latency);
    auto q = w.start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    for (int i = 0; i < 5000 && source->calls() <= script.size(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_GT(source->calls(), script.size()) << "the query did not get through the script";
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
    auto all = source->limits();
    limits->assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(script.size()));
    for (const auto& p : q->recentProgress()) batch_rows->push_back(p.numInputRows);
  }
  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
};

// Rows arriving per LatestOffset call: quiet, a burst of 10,000 per call
// for four calls, then quiet again.
const std::vector<int64_t> kScript = {500, 500, 10000, 10000, 10000, 10000, 0, 0, 500};

TEST_F(AdaptiveBatchTest, WithoutTargetLatencyABatchTakesAllUpToMaxOffsetsPerTrigger) {
  std::vector<int64_t> limits, rows;
  ASSERT_NO_FATAL_FAILURE(Run(kScript, "", &limits, &rows));
  EXPECT_EQ(limits, std::vector<int64_t>(kScript.size(), 12000));
  // Available 500, 500, 10,000 x 4; then two calls with nothing new (idle)
  // and 500.
  EXPECT_EQ(rows, (std::vector<int64_t>{500, 500, 10000, 10000, 10000, 10000, 500}));
}

TEST_F(AdaptiveBatchTest, TargetLatencyCapsAtTheRateGrowsWhileBackedUpAndShrinksBack) {
  std::vector<int64_t> limits, rows;
  ASSERT_NO_FATAL_FAILURE(Run(kScript, "20ms", &limits, &rows));
  // call 1: no batch measured yet: the source's limit; 500 available, 500 taken.
  // call 2: the rate cap, 100,000 rows/s x 20 ms = 2,000; 500 taken.
  // call 3: 10,000 available, 2,000 taken, 8,000 left (was 0): doubles to 4,000.
  // call 4: 18,000 available, 4,000 taken, 14,000 left: 8,000.
  // call 5: 24,000 available, 8,000 taken, 16,000 left: 16,000, held to 12,000.
  // call 6: 26,000 available, 12,000 taken, 14,000 left (fewer): holds 12,000.
  // call 7: 14,000 available, 12,000 taken, 2,000 left: holds.
  // call 8: 2,000 available, all taken: back to the rate cap, 2,000.
  // call 9: 500 available, 500 taken.
  EXPECT_EQ(limits, (std::vector<int64_t>{12000, 2000, 2000, 4000, 8000, 12000, 12000, 12000, 2000}));
  EXPECT_EQ(rows, (std::vector<int64_t>{500, 500, 2000, 4000, 8000, 12000, 12000, 2000, 500}));
}

TEST_F(AdaptiveBatchTest, TargetLatencyMustBeAPositiveDuration) {
  auto input = std::make_shared<ScriptedSource>(std::vector<int64_t>{}, nullptr, 0, -1);
  for (const char* bad : {"fast", "0ms", "20 parsecs"}) {
    auto q = spark->readStream().source(input).writeStream().format("memory").queryName("bad")
                 .option("checkpointLocation", dir.path() + "/ck").option("targetLatency", bad).start();
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument) << q.status().ToString();
    EXPECT_NE(q.status().ToString().find("targetLatency"), std::string::npos) << q.status().ToString();
    EXPECT_NE(q.status().ToString().find(bad), std::string::npos) << q.status().ToString();
  }
}

}  // namespace
}  // namespace sluice
