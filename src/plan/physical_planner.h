// PhysicalPlanner: translates an optimized LogicalPlan into physical
// operators, one translation per logical node:
//   Scan            -> the table's scan (projection and filter pushed in)
//   Project/Filter  -> FilterProject (a Filter directly under a Project is fused)
//   Aggregate       -> FilterProject computing keys and arguments, then HashAggregate
//   Distinct        -> HashAggregate with every column a key
//   Join            -> HashJoin on the equi-conjuncts of the condition, the
//                      rest as a residual (key expressions computed by
//                      projections below when they are not plain columns)
//   Sort [+ Limit]  -> Sort (top-N when a limit sits on it)
//   Limit, Union, Values -> Limit, UnionAll, Values
#pragma once

#include "exec/physical_operator.h"
#include "plan/logical_plan.h"

namespace sluice {

Result<PhysicalOperatorPtr> PlanPhysical(const LogicalPlanPtr& plan);

}  // namespace sluice
