// Vectorized evaluation of bound expressions, a batch at a time.
#pragma once

#include "exec/eval_context.h"
#include "exec/expression.h"
#include "sluice/status.h"
#include "vector/vector.h"

namespace sluice {

class ExpressionEvaluator {
 public:
  // Evaluates `expr` over the rows of `input` picked by `sel` (all rows when
  // null). The result is dense: one row per picked row. Run-time errors
  // (ANSI cast failure, division by zero, overflow) are ExecutionError
  // naming the value and the expression.
  static Result<Vector> Evaluate(const Expr& expr, const Batch& input,
                                 const SelectionVector* sel, const EvalContext& ctx);
  // Rows (of `sel`, or of all rows) where the boolean `predicate` is TRUE
  // (NULL and FALSE are dropped).
  static Result<SelectionVector> Select(const Expr& predicate, const Batch& input,
                                        const SelectionVector* sel, const EvalContext& ctx);
};

}  // namespace sluice
