// Scalar function resolution: name + bound arguments -> typed kCall Expr,
// with Spark's implicit casts inserted. Every SQL operator goes through here
// under a reserved name (see the table in function_registry.cc):
//
//   arithmetic  "+" "-" "*" "/" "%" "negate"  ("div" for integral division)
//   comparison  "=" "<>" "<" "<=" ">" ">=" "<=>" (null-safe equal)
//   logic       "and" "or" "not"        nulls  "isnull" "isnotnull"
//   "in"        args[0] IN (args[1..])
//   "like"      args: value, pattern [, escape]   ("ilike": like over lower())
//   "extract"   args: literal field name, value     (EXTRACT(YEAR FROM x))
//   "timestamp_add_micros"  TIMESTAMP + INTERVAL (bound by the binder)
//   "case"      args: cond1, val1, cond2, val2, ... [, else]
//   "coalesce"  "if"/"nvl"...  and named functions: upper, substring, ...
//   "get_field" args: struct, literal field name   (data.a)
//   "cast" / "try_cast": use BindCast.
#pragma once

#include <string_view>
#include <vector>

#include "exec/eval_context.h"
#include "exec/expression.h"
#include "sluice/status.h"
#include "vector/vector.h"

namespace sluice {

// A kernel evaluates a call for the rows `sel` of `input` (all rows when sel
// is null) and returns a dense vector with one row per picked row.
// Kernels for ordinary functions receive their arguments already evaluated
// (dense, one row per picked row) in `args`; "special forms" (and, or, case,
// coalesce, if) get `lazy` set and evaluate their own arguments, so that a
// branch not taken is never evaluated (1/0 in an untaken CASE branch is no
// error).
// An argument whose expression is constant (a literal, or a constant
// subexpression) may arrive as a 1-row vector standing for all n rows, so
// kernels can take literals as scalars (see exec/functions/kernel_util.h).
struct KernelContext {
  const Expr* call;
  const EvalContext* eval;
};

struct ScalarFunction {
  std::string name;
  bool deterministic = true;
  // Ordinary: result = fn(args evaluated densely over n rows).
  Result<Vector> (*kernel)(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) = nullptr;
  // Special form: evaluates its own arguments.
  Result<Vector> (*lazy_kernel)(const KernelContext& ctx, const Batch& input,
                                const SelectionVector* sel) = nullptr;
};

// Resolves `name` (case-insensitive) applied to `args`. Errors are
// AnalysisError naming the function and the offending argument type, e.g.
//   cannot resolve "upper(x)": argument 1 requires STRING, got ARRAY<INT>
Result<ExprPtr> BindScalarFunction(std::string_view name, std::vector<ExprPtr> args);
// CAST(arg AS to) (ANSI: invalid values are errors at run time) or
// TRY_CAST (invalid values become NULL). Fails at bind time if Spark forbids
// the cast between these types (e.g. DATE -> BOOLEAN).
Result<ExprPtr> BindCast(ExprPtr arg, const DataType& to, bool try_cast = false);
bool IsScalarFunction(std::string_view name);
// All registered scalar function names (for "did you mean" suggestions).
std::vector<std::string> ScalarFunctionNames();

// The common type two operands are cast to for comparison / arithmetic /
// union / CASE branches (Spark's type coercion), or an AnalysisError.
Result<DataType> CommonType(const DataType& a, const DataType& b);

}  // namespace sluice
