// PhysicalPlanner: translates an optimized LogicalPlan into physical
// operators, one translation per logical node:
//   Scan            -> the table's scan (projection and filter pushed in)
//   Project/Filter  -> FilterProject (a Filter directly under a Project is fused)
//   Aggregate       -> FilterProject computing keys and arguments, then HashAggregate
//                      (a stateful Aggregate of a streaming query: then
//                      StatefulAggregate, with the batch's state info)
//   Distinct        -> HashAggregate with every column a key
//   Join            -> HashJoin on the equi-conjuncts of the condition, the
//                      rest as a residual (key expressions computed by
//                      projections below when they are not plain columns;
//                      a stateful Join, of two streams: StreamStreamJoin)
//   Sort [+ Limit]  -> Sort (top-N when a limit sits on it)
//   Limit, Union, Values -> Limit, UnionAll, Values
#pragma once

#include <map>
#include <optional>

#include "exec/physical_operator.h"
#include "exec/stateful/stateful_operator.h"
#include "plan/logical_plan.h"

namespace sluice {

struct PhysicalPlannerOptions {
  // Planning one micro-batch of a streaming query: where the state of its
  // stateful nodes (LogicalPlan::stateful()) lives and which version the
  // batch reads. Without it a stateful node is an error.
  std::optional<StatefulBatchInfo> stateful;
};

Result<PhysicalOperatorPtr> PlanPhysical(const LogicalPlanPtr& plan, const PhysicalPlannerOptions& options = {});

// The state schema of each stateful node of an optimized plan, by operator
// id, as the operators planned from it record and check them (the runner
// compares them with the checkpoint's at query start, before any batch).
std::map<int, StateSchema> PlanStateSchemas(const LogicalPlanPtr& plan);

}  // namespace sluice
