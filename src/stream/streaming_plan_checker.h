// StreamingPlanChecker: which query shapes and output modes a streaming
// query supports (Spark's UnsupportedOperationChecker, for the operators
// Sluice has). Errors are AnalysisError with Spark's wording.
#pragma once

#include "connectors/sink.h"
#include "plan/logical_plan.h"

namespace sluice {

// Validates `plan` (analyzed) for `mode`.
Status CheckStreamingPlan(const LogicalPlan& plan, OutputMode mode);
// The number of Aggregate nodes over streaming data in `plan`.
int CountStreamingAggregates(const LogicalPlan& plan);
// The streaming aggregation of `plan` groups by a column carrying a
// watermark (LogicalColumn::watermark_delay_ms): append mode is allowed.
bool AggregateHasWatermark(const LogicalPlan& plan);

}  // namespace sluice
