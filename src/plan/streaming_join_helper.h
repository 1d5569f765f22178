// StreamingJoinHelper: what a stream-stream join's columns and condition say
// about event time (Spark's StreamingJoinHelper and
// StreamingSymmetricHashJoinHelper): the equi-join keys, whether a join key
// carries a watermark, and the state watermark bounds that a range
// condition between the two sides' event times gives each side. The
// physical planner builds a StreamStreamJoinOperator from them; the
// streaming plan checker uses them to accept or reject outer joins.
#pragma once

#include <vector>

#include "exec/stateful/stream_stream_join_operator.h"
#include "plan/logical_plan.h"

namespace sluice {

// A join condition split into equi-join keys (one expression per side,
// bound over that side's columns) and the rest (bound over left then right).
struct EquiJoinCondition {
  std::vector<ExprPtr> left_keys;
  std::vector<ExprPtr> right_keys;
  std::vector<ExprPtr> residual;
};
EquiJoinCondition SplitEquiJoinCondition(const LogicalPlan& join);

// The index of the first column carrying a watermark (watermark_delay_ms), or -1.
int WatermarkColumn(const std::vector<LogicalColumn>& columns);

// The ordinal of the first equi-join key that is a plain column carrying a
// watermark on either side (Spark's isWatermarkInJoinKeys), or -1.
int WatermarkedJoinKey(const LogicalPlan& join, const EquiJoinCondition& keys);

// The state watermark bounds of `side` (0 left, 1 right) from the range
// conditions of the join's condition (Spark's getStateValueWatermark): each
// conjunct `a < b`, `a <= b`, `a > b` or `a >= b` whose sides are `x + c`
// (a TIMESTAMP column of one side, plus or minus INTERVAL literals) with
// `other.t + c1 < this.t + c2` once rearranged, `other.t` a column of the
// other side carrying a watermark, gives (this.t, c1 - c2, inclusive).
// Bounds on another column than the first one found are left out (one
// column per side is evicted on).
std::vector<JoinStateWatermarkBound> StateValueWatermarkBounds(const LogicalPlan& join, int side);

}  // namespace sluice
