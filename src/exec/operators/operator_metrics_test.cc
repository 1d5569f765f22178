// PhysicalOperator::Execute with ExecContext::metrics (issue 16): each
// operator's output rows and its own time, summed over its partitions. The
// expected counts are worked out by hand from the inputs below.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "exec/function_registry.h"
#include "exec/operators/filter_project_operator.h"
#include "exec/operators/limit_operator.h"
#include "exec/operators/operator_test_util.h"
#include "exec/operators/union_all_operator.h"

namespace sluice {
namespace {

using namespace sluice::testing;  // NOLINT

const Schema kX({{"x", DataType::Int(), true}});

// Partitions [1 2 3], [4 | 5 6], [7 8 9] (| separates batches).
std::shared_ptr<TestSourceOperator> Nine() {
  return Source(kX, {{{{I(1)}, {I(2)}, {I(3)}}}, {{{I(4)}}, {{I(5)}, {I(6)}}}, {{{I(7)}, {I(8)}, {I(9)}}}});
}

std::shared_ptr<FilterProjectOperator> GreaterThan(PhysicalOperatorPtr child, int v) {
  auto x = MakeColumnRef(0, DataType::Int(), "x");
  auto filter = BindScalarFunction(">", {x, MakeLiteral(I(v))});
  EXPECT_TRUE(filter.ok());
  return std::make_shared<FilterProjectOperator>(std::move(child), *filter, std::vector<ExprPtr>{x}, kX);
}

// Sleeps `sleep_ms` in every Next before passing its child's batch on.
class SlowOperator : public PhysicalOperator {
 public:
  SlowOperator(PhysicalOperatorPtr child, int sleep_ms)
      : PhysicalOperator(child->output_schema(), {child}), sleep_ms_(sleep_ms) {}
  int num_partitions() const override { return children()[0]->num_partitions(); }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override {
    SLUICE_ASSIGN_OR_RETURN(auto in, children()[0]->Execute(partition, ctx));
    return std::unique_ptr<BatchStream>(std::make_unique<Stream>(std::move(in), sleep_ms_));
  }
  std::string name() const override { return "Slow"; }

 private:
  struct Stream : BatchStream {
    Stream(std::unique_ptr<BatchStream> in, int ms) : in_(std::move(in)), ms_(ms) {}
    Result<std::optional<Batch>> Next() override {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms_));
      return in_->Next();
    }
    std::unique_ptr<BatchStream> in_;
    int ms_;
  };
  int sleep_ms_;
};

TEST(OperatorMetricsTest, RowsPerOperatorSummedOverPartitions) {
  auto src = Nine();
  auto filter = GreaterThan(src, 2);  // keeps 3..9: 7 rows
  ExecContext ctx;
  ctx.max_threads = 2;
  OperatorMetrics m;
  ctx.metrics = &m;
  auto out = CollectAll(*filter, &ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  OperatorStats s = m.Get(src.get());
  EXPECT_EQ(s.num_output_rows, 9);
  EXPECT_EQ(s.num_output_batches, 4);
  EXPECT_EQ(s.partitions_opened, 3);
  OperatorStats f = m.Get(filter.get());
  EXPECT_EQ(f.num_output_rows, 7);
  // [1 2 3] -> [3], [4] -> [4], [5 6], [7 8 9]: the filter drops no whole batch.
  EXPECT_EQ(f.num_output_batches, 4);
  EXPECT_EQ(f.partitions_opened, 3);
  EXPECT_GE(s.time_nanos, 0);
  EXPECT_GE(f.time_nanos, 0);
}

TEST(OperatorMetricsTest, StreamsEndedEarlyStillCount) {
  // Limit 4 over the nine: the first partition's batch [1 2 3] and the second
  // partition's [4]; the second partition's stream is dropped before its end.
  auto src = Nine();
  auto limit = std::make_shared<LimitOperator>(src, 4);
  ExecContext ctx;
  OperatorMetrics m;
  ctx.metrics = &m;
  auto out = CollectAll(*limit, &ctx);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(m.Get(src.get()).num_output_rows, 4);
  EXPECT_EQ(m.Get(src.get()).partitions_opened, 2);
  EXPECT_EQ(m.Get(limit.get()).num_output_rows, 4);
}

TEST(OperatorMetricsTest, UnionCountsEachInputOnce) {
  auto a = Source(kX, {{{{I(1)}}}, {{{I(2)}, {I(3)}}}});
  auto b = Source(kX, {{{{I(4)}}}});
  auto u = std::make_shared<UnionAllOperator>(std::vector<PhysicalOperatorPtr>{a, b});
  ExecContext ctx;
  OperatorMetrics m;
  ctx.metrics = &m;
  ASSERT_TRUE(CollectAll(*u, &ctx).ok());
  EXPECT_EQ(m.Get(a.get()).num_output_rows, 3);
  EXPECT_EQ(m.Get(b.get()).num_output_rows, 1);
  EXPECT_EQ(m.Get(u.get()).num_output_rows, 4);
}

TEST(OperatorMetricsTest, TimeIsTheOperatorsOwnNotItsChildren) {
  // Slow sleeps 30 ms per Next: one partition of two batches, so three Next
  // calls (two batches and the end): at least 90 ms in Slow. The filter above
  // it waits for Slow in every Next, but that time is Slow's, not the filter's.
  auto src = Source(kX, {{{{I(1)}, {I(2)}}, {{I(3)}}}});
  auto slow = std::make_shared<SlowOperator>(src, 30);
  auto filter = GreaterThan(slow, 1);
  ExecContext ctx;
  OperatorMetrics m;
  ctx.metrics = &m;
  ASSERT_TRUE(CollectAll(*filter, &ctx).ok());
  EXPECT_EQ(m.Get(slow.get()).num_output_rows, 3);
  EXPECT_EQ(m.Get(filter.get()).num_output_rows, 2);
  EXPECT_GE(m.Get(slow.get()).time_nanos, 90'000'000);
  // Filtering three rows takes microseconds; 30 ms would mean Slow's sleep
  // was counted here.
  EXPECT_LT(m.Get(filter.get()).time_nanos, 30'000'000);
  EXPECT_LT(m.Get(src.get()).time_nanos, 30'000'000);
}

TEST(OperatorMetricsTest, NothingCountedWithoutMetrics) {
  auto src = Nine();
  ExecContext ctx;  // metrics null: batch queries
  auto out = CollectAll(*GreaterThan(src, 2), &ctx);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(ToRows(*out).size(), 7u);
  OperatorMetrics unused;
  EXPECT_EQ(unused.Get(src.get()).num_output_rows, 0);
}

}  // namespace
}  // namespace sluice
