// Expr: a bound (resolved and typed) scalar expression, the form that the
// binder produces and the evaluator runs. Unbound SQL/DataFrame expressions
// live in sql/ast.h.
//
// Three kinds only. Every operator (+, =, AND, CASE, CAST, LIKE, IN,
// field access...) is a kCall of a function resolved through
// exec/function_registry.h, so the evaluator has one dispatch point.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "types/data_type.h"
#include "types/value.h"

namespace sluice {

struct ScalarFunction;
struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

enum class ExprKind : uint8_t { kColumnRef, kLiteral, kCall };

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  DataType type;
  bool nullable = true;

  // kColumnRef: index of the column in the input batch; `name` for display.
  int column_index = -1;
  // kColumnRef: column name; kCall: function name (lower case).
  std::string name;
  // kLiteral.
  Value literal;
  // kCall.
  std::vector<ExprPtr> args;
  const ScalarFunction* function = nullptr;

  // SQL-like rendering for EXPLAIN: a + 1, upper(name), CAST(x AS INT).
  std::string ToString() const;
  // True if this expression has no column refs and no non-deterministic
  // function (so it can be folded to a literal).
  bool IsConstant() const;
};

ExprPtr MakeColumnRef(int index, DataType type, std::string name, bool nullable = true);
ExprPtr MakeLiteral(Value v);
// Builds a kCall node for an already-resolved function. Normally use
// BindScalarFunction (function_registry.h), which checks types and inserts
// casts.
ExprPtr MakeCall(const ScalarFunction* fn, std::string name, std::vector<ExprPtr> args,
                 DataType type, bool nullable = true);
// True if `a` and `b` compute the same value for every input row: the same
// column indexes (not names: the two sides of a self join have columns of
// the same name), the same literals and types, the same functions over
// equal arguments, nothing non-deterministic (two rand() calls differ).
// This, never ToString(), is how the binder matches a select-list expression
// to a GROUP BY key and finds a repeated aggregate.
bool SemanticallyEqual(const Expr& a, const Expr& b);
// Conjuncts of an AND tree (nothing for a null expression).
void SplitConjuncts(const ExprPtr& e, std::vector<ExprPtr>* out);

}  // namespace sluice
