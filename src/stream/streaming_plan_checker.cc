#include "stream/streaming_plan_checker.h"

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

// Walks the plan; `below_agg`: some streaming aggregate is below this node.
Status Check(const LogicalPlan& p, OutputMode mode, bool has_agg) {
  for (const auto& c : p.children) SLUICE_RETURN_NOT_OK(Check(*c, mode, has_agg));
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
    case LogicalKind::kDistinct:
      return Status::AnalysisError(
          "Deduplication (DISTINCT / dropDuplicates) on streaming DataFrames is not supported yet; "
          "use groupBy on the columns instead");
    case LogicalKind::kJoin: {
      bool l = Streaming(*p.children[0]), r = Streaming(*p.children[1]);
      if (l && r) {
        return Status::AnalysisError("Stream-stream joins are not supported yet (join a stream with a static table)");
      }
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

int CountStreamingAggregates(const LogicalPlan& plan) {
  int n = 0;
  CountAggs(plan, &n);
  return n;
}

Status CheckStreamingPlan(const LogicalPlan& plan, OutputMode mode) {
  if (!IsStreamingPlan(plan)) {
    return Status::AnalysisError("writeStream needs a streaming DataFrame (one read with readStream)");
  }
  int aggs = CountStreamingAggregates(plan);
  if (aggs > 1) {
    return Status::AnalysisError("Multiple streaming aggregations are not supported with streaming DataFrames/Datasets");
  }
  if (aggs == 1 && mode == OutputMode::kAppend) {
    return Status::AnalysisError(
        "Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets "
        "without watermark; use outputMode(\"update\") or outputMode(\"complete\")");
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
  return Check(plan, mode, aggs > 0);
}

}  // namespace sluice
