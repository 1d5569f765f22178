#include "plan/streaming_join_helper.h"

#include <gtest/gtest.h>

#include "exec/function_registry.h"
#include "plan/optimizer.h"

namespace sluice {
namespace {

constexpr int64_t kSecond = 1000000;

// A side of two columns: a key and an event time, watermarked or not.
LogicalPlanPtr Side(const std::string& key, const std::string& time, bool watermark) {
  std::vector<LogicalColumn> cols{{key, "", DataType::String()}, {time, "", DataType::Timestamp()}};
  if (watermark) cols[1].watermark_delay_ms = 10000;
  return MakeValues(cols, {});
}

ExprPtr Col(int i) {
  return i % 2 == 0 ? MakeColumnRef(i, DataType::String(), "k" + std::to_string(i))
                    : MakeColumnRef(i, DataType::Timestamp(), "t" + std::to_string(i));
}
ExprPtr Call(const std::string& f, std::vector<ExprPtr> args) { return *BindScalarFunction(f, std::move(args)); }
ExprPtr Plus(ExprPtr t, int64_t seconds) {
  return Call("timestamp_add_micros", {std::move(t), MakeLiteral(Value::Bigint(seconds * kSecond))});
}
ExprPtr And(ExprPtr a, ExprPtr b) { return Call("and", {std::move(a), std::move(b)}); }

// Left: k0, t1; right: k2, t3.
LogicalPlanPtr Join(ExprPtr cond, bool left_wm = true, bool right_wm = true, JoinType type = JoinType::kLeftOuter) {
  return MakeJoin(Side("lk", "lt", left_wm), Side("rk", "rt", right_wm), type, std::move(cond));
}

TEST(StreamingJoinHelperTest, SplitsEqualitiesBetweenTheSidesFromTheRest) {
  auto j = Join(And(Call("=", {Col(0), Col(2)}), Call(">=", {Col(1), Col(3)})));
  auto split = SplitEquiJoinCondition(*j);
  ASSERT_EQ(split.left_keys.size(), 1u);
  EXPECT_EQ(split.left_keys[0]->column_index, 0);
  EXPECT_EQ(split.right_keys[0]->column_index, 0);  // shifted to the right side's own columns
  ASSERT_EQ(split.residual.size(), 1u);
  EXPECT_EQ(split.residual[0]->name, ">=");
}

TEST(StreamingJoinHelperTest, AWatermarkedColumnAsAJoinKeyOnEitherSide) {
  auto on_time = Call("=", {Col(1), Col(3)});
  auto j = Join(And(Call("=", {Col(0), Col(2)}), on_time));
  EXPECT_EQ(WatermarkedJoinKey(*j, SplitEquiJoinCondition(*j)), 1);
  j = Join(And(Call("=", {Col(0), Col(2)}), on_time), false, true);
  EXPECT_EQ(WatermarkedJoinKey(*j, SplitEquiJoinCondition(*j)), 1);
  j = Join(And(Call("=", {Col(0), Col(2)}), on_time), false, false);
  EXPECT_EQ(WatermarkedJoinKey(*j, SplitEquiJoinCondition(*j)), -1);
  j = Join(Call("=", {Col(0), Col(2)}));
  EXPECT_EQ(WatermarkedJoinKey(*j, SplitEquiJoinCondition(*j)), -1);
  EXPECT_EQ(WatermarkColumn(j->children[0]->output), 1);
}

TEST(StreamingJoinHelperTest, RangeConditionsBoundEachSideByTheOtherSidesWatermark) {
  // lt BETWEEN rt - 10 s AND rt + 20 s, as the binder writes BETWEEN.
  auto between = And(Call(">=", {Col(1), Plus(Col(3), -10)}), Call("<=", {Col(1), Plus(Col(3), 20)}));
  auto j = Join(And(Call("=", {Col(0), Col(2)}), between));
  auto left = StateValueWatermarkBounds(*j, 0);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].column, 1);
  EXPECT_EQ(left[0].offset_us, -10 * kSecond);  // rt - 10 s <= lt: left state watermark W - 10 s (- 1 ms)
  EXPECT_TRUE(left[0].inclusive);
  auto right = StateValueWatermarkBounds(*j, 1);
  ASSERT_EQ(right.size(), 1u);
  EXPECT_EQ(right[0].column, 1);
  EXPECT_EQ(right[0].offset_us, -20 * kSecond);  // lt - 20 s <= rt
  EXPECT_TRUE(right[0].inclusive);
  // Strict, written the other way round: rt < lt + 5 s bounds the left side by rt's watermark.
  j = Join(Call(">", {Plus(Col(1), 5), Col(3)}));
  left = StateValueWatermarkBounds(*j, 0);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].offset_us, -5 * kSecond);
  EXPECT_FALSE(left[0].inclusive);
  EXPECT_TRUE(StateValueWatermarkBounds(*j, 1).empty());  // an upper bound on rt says nothing of old rt
  // No watermark on the other side's column: no bound.
  j = Join(between, true, false);
  EXPECT_TRUE(StateValueWatermarkBounds(*j, 0).empty());
  EXPECT_EQ(StateValueWatermarkBounds(*j, 1).size(), 1u);
  // Not against the other side's column (a literal): no bound.
  j = Join(Call(">=", {Col(1), MakeLiteral(Value::Timestamp(0))}));
  EXPECT_TRUE(StateValueWatermarkBounds(*j, 0).empty());
}

TEST(StreamingJoinHelperTest, TheOptimizerKeepsTheJoinsStatefulMark) {
  auto j = MakeJoin(Side("lk", "lt", true), Side("rk", "rt", true), JoinType::kCross, nullptr, 3);
  // A WHERE above the join is pushed into it (the join is rebuilt as inner).
  auto plan = MakeFilter(j, Call("=", {Col(0), Col(2)}));
  auto opt = Optimize(plan);
  ASSERT_TRUE(opt.ok()) << opt.status().ToString();
  const LogicalPlan* p = opt->get();
  while (p->kind != LogicalKind::kJoin && !p->children.empty()) p = p->children[0].get();
  ASSERT_EQ(p->kind, LogicalKind::kJoin);
  EXPECT_EQ(p->join_type, JoinType::kInner);
  EXPECT_EQ(p->state_operator_id, 3);
}

}  // namespace
}  // namespace sluice
