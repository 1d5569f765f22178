// PropagateWatermarks: the watermarks a stateful operator gets from the
// operators below it, as Spark's PropagateWatermarkSimulator computes them.
#include "exec/stateful/stateful_operator.h"

#include <gtest/gtest.h>

#include "exec/operators/event_time_watermark_operator.h"
#include "exec/operators/values_operator.h"

namespace sluice {
namespace {

// A stateful operator whose output watermark is its input one minus `lag`
// (as a stream-stream join's may be); it is never executed.
class LaggingStatefulOperator final : public StatefulOperator {
 public:
  LaggingStatefulOperator(PhysicalOperatorPtr child, StatefulBatchInfo batch, int64_t lag_ms)
      : StatefulOperator(child->output_schema(), {child}, StatefulOperatorStateInfo{batch, 1}, StateSchema{}),
        lag_ms_(lag_ms) {}
  int num_partitions() const override { return 1; }
  Result<std::unique_ptr<BatchStream>> Open(int, ExecContext*) const override {
    return Status::Internal("not executed");
  }
  Result<StateOperatorMetrics> Finish(ExecContext*) const override { return Status::Internal("not executed"); }
  std::optional<int64_t> OutputWatermarkMs(std::optional<int64_t> input_ms) const override {
    if (!input_ms) return input_ms;
    return *input_ms - lag_ms_;
  }
  std::string name() const override { return "Lagging"; }

 private:
  int64_t lag_ms_;
};

Schema TsSchema() { return Schema({{"ts", DataType::Timestamp()}}); }
PhysicalOperatorPtr Leaf() { return std::make_shared<ValuesOperator>(TsSchema(), std::vector<Batch>{}); }
PhysicalOperatorPtr Watermarked() { return std::make_shared<EventTimeWatermarkOperator>(Leaf(), 0, 5000); }

StatefulBatchInfo Global(std::optional<int64_t> late, std::optional<int64_t> eviction) {
  StatefulBatchInfo b;
  b.batch_id = 3;
  b.watermark_for_late_events_ms = late;
  b.watermark_for_eviction_ms = eviction;
  return b;
}

TEST(PropagateWatermarksTest, WithoutAStatefulOperatorBelowTheGlobalWatermarksPassUnchanged) {
  StatefulBatchInfo got = PropagateWatermarks(Global(7000, 12000), {Watermarked()});
  EXPECT_EQ(got.watermark_for_late_events_ms, 7000);
  EXPECT_EQ(got.watermark_for_eviction_ms, 12000);
  EXPECT_EQ(got.batch_id, 3);
  // No watermark in the query: none propagated.
  got = PropagateWatermarks(Global(std::nullopt, std::nullopt), {Leaf()});
  EXPECT_FALSE(got.watermark_for_late_events_ms.has_value());
  EXPECT_FALSE(got.watermark_for_eviction_ms.has_value());
}

TEST(PropagateWatermarksTest, AnOperatorAboveAnotherSeesItsOutputWatermark) {
  auto below = std::make_shared<LaggingStatefulOperator>(Watermarked(), Global(7000, 12000), 5001);
  StatefulBatchInfo got = PropagateWatermarks(Global(7000, 12000), {below});
  EXPECT_EQ(got.watermark_for_late_events_ms, 1999);
  EXPECT_EQ(got.watermark_for_eviction_ms, 6999);
  // Chained as the planner builds them: a pass-through stateful operator
  // (lag 0) planned over `below` with its propagated watermarks, then one
  // more above it: still the lagging operator's.
  auto middle = std::make_shared<LaggingStatefulOperator>(below, PropagateWatermarks(Global(7000, 12000), {below}), 0);
  got = PropagateWatermarks(Global(7000, 12000), {middle});
  EXPECT_EQ(got.watermark_for_late_events_ms, 1999);
  EXPECT_EQ(got.watermark_for_eviction_ms, 6999);
}

TEST(PropagateWatermarksTest, TheSmallestOverTheInputPathsThatHaveOne) {
  auto lagging = std::make_shared<LaggingStatefulOperator>(Watermarked(), Global(7000, 12000), 3000);
  // A watermarked path (the global watermark) and a lagging operator: the smaller.
  StatefulBatchInfo got = PropagateWatermarks(Global(7000, 12000), {Watermarked(), lagging});
  EXPECT_EQ(got.watermark_for_late_events_ms, 4000);
  EXPECT_EQ(got.watermark_for_eviction_ms, 9000);
  // A path without any watermark does not count.
  got = PropagateWatermarks(Global(7000, 12000), {Leaf(), lagging});
  EXPECT_EQ(got.watermark_for_eviction_ms, 9000);
}

}  // namespace
}  // namespace sluice
