// Optimizer: rule-based rewrites of an analyzed LogicalPlan, applied in this
// order:
//   1. constant folding (deterministic column-free subexpressions -> literal)
//   2. boolean simplification (x AND TRUE -> x, NOT NOT x -> x, Filter TRUE
//      removed, Filter FALSE/NULL -> empty relation)
//   3. filter merging and predicate pushdown: through projections (by
//      substitution), sorts, unions and distincts, below aggregates (for
//      conjuncts on grouping columns only), into the sides of joins (as the
//      join type allows; ON conjuncts over one side go to that side), and
//      into scans (the scan applies them while reading)
//   4. projection pruning down to the scan, so a column no one uses is never
//      read or parsed; identity projections are removed.
#pragma once

#include "plan/logical_plan.h"
#include "sluice/status.h"

namespace sluice {

Result<LogicalPlanPtr> Optimize(const LogicalPlanPtr& plan);

// Individual rules, exposed for tests.
Result<LogicalPlanPtr> FoldConstants(const LogicalPlanPtr& plan);
Result<LogicalPlanPtr> PushDownFilters(const LogicalPlanPtr& plan);
Result<LogicalPlanPtr> PruneColumns(const LogicalPlanPtr& plan);

// Folds / simplifies one expression, as Spark's ConstantFolding and
// NullPropagation do: a null-intolerant call with a NULL literal argument is
// NULL; a constant subexpression is evaluated, and one that fails with a data
// error fails the fold (so the query, as Spark fails it while planning, even
// where no row would reach it) unless it sits in a branch of CASE, IF,
// coalesce or nvl, where it is left for run time.
Result<ExprPtr> FoldExpression(const ExprPtr& e);

}  // namespace sluice
