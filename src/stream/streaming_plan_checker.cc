#include "stream/streaming_plan_checker.h"

#include "plan/streaming_join_helper.h"
#include "stream/streaming_relation.h"

namespace sluice {

namespace {
bool Streaming(const LogicalPlan& p) { return IsStreamingPlan(p); }

// A streaming aggregation by session_window().
bool HasSessionWindowAggregate(const LogicalPlan& p) {
  if (p.kind == LogicalKind::kAggregate && p.session_window_group >= 0 && Streaming(p)) return true;
  for (const auto& c : p.children) {
    if (HasSessionWindowAggregate(*c)) return true;
  }
  return false;
}

void CountAggs(const LogicalPlan& p, int* n) {
  if (p.kind == LogicalKind::kAggregate && Streaming(p)) ++*n;
  for (const auto& c : p.children) CountAggs(*c, n);
}

bool GroupsByEventTime(const LogicalPlan& agg) {
  for (size_t g = 0; g < agg.groups.size(); ++g) {
    if (agg.output[g].watermark_delay_ms) return true;
  }
  return false;
}

// Chained aggregations (Spark 3.4+): an aggregation with a stateful
// operator above it (an aggregation, a stream-stream join) emits in append
// semantics (a group once, final, when the watermark passes its event
// time), so it must group by a column or a window carrying a watermark, and
// may not be a session window (not planned below another operator yet).
Status CheckChainedAggregates(const LogicalPlan& p, bool stateful_above) {
  bool here = p.kind == LogicalKind::kAggregate && Streaming(p);
  if (here && stateful_above) {
    if (p.session_window_group >= 0) {
      return Status::AnalysisError("A session window aggregation below another stateful operator is not supported");
    }
    if (!GroupsByEventTime(p)) {
      return Status::AnalysisError(
          "A streaming aggregation below another stateful operator (an aggregation, a stream-stream join) must "
          "group by a column or window that carries a watermark (withWatermark / WATERMARK): it emits each group "
          "once, when the watermark passes it, as in append mode; carry its event time up with "
          "window_time(window)");
    }
  }
  // (A deduplication above an aggregation is refused by Check.)
  const bool stateful = here || (p.kind == LogicalKind::kJoin && Streaming(*p.children[0]) &&
                                 Streaming(*p.children[1]));
  for (const auto& c : p.children) SLUICE_RETURN_NOT_OK(CheckChainedAggregates(*c, stateful_above || stateful));
  return Status::OK();
}

// A Join of two streams (Spark's rules): append mode only (or below a
// streaming aggregation, which takes its rows in append semantics and may
// itself run in any mode: nothing below it retracts a row); inner joins
// always; outer and left semi joins need a watermark on a join key, or a range condition
// that bounds the preserved side's event time by the other side's
// watermarked event time (for a full outer join, one side's suffices, as
// in Spark); left anti is not supported.
Status CheckStreamStreamJoin(const LogicalPlan& p, OutputMode mode, bool agg_above) {
  if (mode != OutputMode::kAppend && !agg_above) {
    return Status::AnalysisError(std::string("Join between two streaming DataFrames/Datasets is not supported in ") +
                                 OutputModeName(mode) + " output mode, only in Append output mode");
  }
  switch (p.join_type) {
    case JoinType::kInner:
    case JoinType::kCross: return Status::OK();
    case JoinType::kLeftOuter:
    case JoinType::kLeftSemi:
    case JoinType::kRightOuter:
    case JoinType::kFullOuter: break;
    case JoinType::kLeftAnti:
      return Status::AnalysisError("LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported");
    default:
      return Status::AnalysisError(std::string("Join type ") + JoinTypeName(p.join_type) +
                                   " is not supported with streaming DataFrame/Dataset");
  }
  bool in_keys = WatermarkedJoinKey(p, SplitEquiJoinCondition(p)) >= 0;
  bool range = false;
  if (p.join_type == JoinType::kLeftOuter || p.join_type == JoinType::kLeftSemi) {
    range = !StateValueWatermarkBounds(p, 0).empty();
  }
  if (p.join_type == JoinType::kRightOuter) range = !StateValueWatermarkBounds(p, 1).empty();
  if (p.join_type == JoinType::kFullOuter) {
    range = !StateValueWatermarkBounds(p, 0).empty() || !StateValueWatermarkBounds(p, 1).empty();
  }
  if (!in_keys && !range) {
    return Status::AnalysisError(std::string("Stream-stream ") + JoinTypeName(p.join_type) +
                                 " join between two streaming DataFrame/Datasets is not supported without a "
                                 "watermark in the join keys, or a watermark on the nullable side and an "
                                 "appropriate range condition");
  }
  return Status::OK();
}

// Walks the plan; `has_agg`: the plan has a streaming aggregate; `agg_above`:
// one is above this node.
Status Check(const LogicalPlan& p, OutputMode mode, bool has_agg, bool agg_above) {
  const bool agg_here = p.kind == LogicalKind::kAggregate && Streaming(p);
  for (const auto& c : p.children) SLUICE_RETURN_NOT_OK(Check(*c, mode, has_agg, agg_above || agg_here));
  if (!Streaming(p)) return Status::OK();
  switch (p.kind) {
    case LogicalKind::kSort:
      if (!(has_agg && mode == OutputMode::kComplete)) {
        return Status::AnalysisError(
            "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated "
            "DataFrame/Dataset in Complete output mode");
      }
      break;
    case LogicalKind::kLimit:
      if (mode == OutputMode::kUpdate) {
        return Status::AnalysisError("Limits are not supported on streaming DataFrames/Datasets in Update output mode");
      }
      if (has_agg && mode != OutputMode::kComplete) {
        return Status::AnalysisError("Limits on aggregated streaming DataFrames need Complete output mode");
      }
      break;
    case LogicalKind::kDeduplicate: {
      int below = 0;
      CountAggs(*p.children[0], &below);
      if (below > 0) {
        return Status::AnalysisError(
            "dropDuplicates is not supported after aggregation on a streaming DataFrame/Dataset");
      }
      if (p.dedup_within_watermark) {
        bool has_watermark = false;
        for (const auto& c : p.output) has_watermark |= c.watermark_delay_ms.has_value();
        if (!has_watermark) {
          return Status::AnalysisError(
              "dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without "
              "watermark; call withWatermark(eventTime, delay) before it");
        }
      }
      break;
    }
    case LogicalKind::kJoin: {
      bool l = Streaming(*p.children[0]), r = Streaming(*p.children[1]);
      if (l && r) return CheckStreamStreamJoin(p, mode, agg_above);
      if ((l && p.join_type != JoinType::kInner && p.join_type != JoinType::kLeftOuter &&
           p.join_type != JoinType::kLeftSemi && p.join_type != JoinType::kLeftAnti) ||
          (r && p.join_type != JoinType::kInner && p.join_type != JoinType::kRightOuter)) {
        return Status::AnalysisError(std::string(JoinTypeName(p.join_type)) +
                                     " join with a streaming DataFrame on that side is not supported");
      }
      break;
    }
    default: break;
  }
  return Status::OK();
}
}  // namespace

bool AggregateHasWatermark(const LogicalPlan& plan) {
  if (plan.kind == LogicalKind::kAggregate && Streaming(plan)) {
    for (size_t g = 0; g < plan.groups.size(); ++g) {
      if (plan.output[g].watermark_delay_ms) return true;
    }
    return false;
  }
  for (const auto& c : plan.children) {
    if (AggregateHasWatermark(*c)) return true;
  }
  return false;
}

int CountStreamingAggregates(const LogicalPlan& plan) {
  int n = 0;
  CountAggs(plan, &n);
  return n;
}

Status CheckStreamingPlan(const LogicalPlan& analyzed, OutputMode mode) {
  // SELECT DISTINCT over a stream is checked as the aggregation it runs as.
  const LogicalPlanPtr rewritten = ReplaceStreamingDistinctWithAggregate(std::make_shared<LogicalPlan>(analyzed));
  const LogicalPlan& plan = *rewritten;
  if (!IsStreamingPlan(plan)) {
    return Status::AnalysisError("writeStream needs a streaming DataFrame (one read with readStream)");
  }
  int aggs = CountStreamingAggregates(plan);
  SLUICE_RETURN_NOT_OK(CheckChainedAggregates(plan, false));
  if (aggs == 1 && mode == OutputMode::kAppend && !AggregateHasWatermark(plan)) {
    return Status::AnalysisError(
        "Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets "
        "without watermark; use outputMode(\"update\") or outputMode(\"complete\"), or group by a column "
        "(or window) that carries a watermark (withWatermark / WATERMARK)");
  }
  if (aggs == 0 && mode == OutputMode::kComplete) {
    return Status::AnalysisError(
        "Complete output mode not supported when there are no streaming aggregations on streaming "
        "DataFrames/Datasets; use outputMode(\"append\")");
  }
  if (mode == OutputMode::kUpdate && HasSessionWindowAggregate(plan)) {
    // Spark (SPARK-36463): a session's range changes, so its rows cannot be
    // upserted by key.
    return Status::AnalysisError("Update output mode not supported for session window on streaming DataFrames/DataSets");
  }
  return Check(plan, mode, aggs > 0, false);
}

}  // namespace sluice
