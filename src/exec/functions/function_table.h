// FunctionTable: the registry behind exec/function_registry.h. Each function
// family (functions/*.cc) adds its FunctionDefs with a Register*Functions
// call; a FunctionDef pairs the ScalarFunction the evaluator runs with the
// binder that checks and coerces argument types (inserting implicit casts)
// and computes the result type.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exec/expression.h"
#include "exec/function_registry.h"
#include "sluice/status.h"
#include "types/data_type.h"

namespace sluice::fn {

struct FunctionDef;
// Checks args, inserts implicit casts and builds the kCall. `name` is the
// (lower-cased) name the function was called by (an alias or the canonical
// name).
using BindFn = Result<ExprPtr> (*)(const FunctionDef& def, const std::string& name,
                                   std::vector<ExprPtr> args);

struct FunctionDef {
  ScalarFunction fn;  // fn.name: canonical name
  BindFn bind = nullptr;
  int min_args = 0;
  int max_args = 0;  // -1: variadic
  // For BindFixed: expected parameter types (a NULL type means "any type");
  // with max_args == -1 the last entry repeats. `result` is the result type.
  std::vector<DataType> params;
  DataType result;
  // Result may be NULL even when no argument is (e.g. element_at).
  bool introduces_nulls = false;

  // The fields every family sets: an ordinary kernel (or, with Lazy, a
  // special form that evaluates its own arguments), its binder and arity.
  static FunctionDef Kernel(const char* name, decltype(ScalarFunction::kernel) kernel, BindFn bind, int min_args,
                            int max_args);
  static FunctionDef Lazy(const char* name, decltype(ScalarFunction::lazy_kernel) kernel, BindFn bind,
                          int min_args, int max_args);
};

class FunctionTable {
 public:
  // Adds `def` under its name and `aliases`.
  void Add(FunctionDef def, std::vector<std::string> aliases = {});
  const FunctionDef* Find(std::string_view name) const;
  std::vector<std::string> Names() const;
  static const FunctionTable& Get();

 private:
  std::deque<FunctionDef> defs_;
  std::map<std::string, const FunctionDef*, std::less<>> by_name_;
};

// --- registration, one per family (functions/*.cc) ---
void RegisterCastFunctions(FunctionTable& t);
void RegisterArithmeticFunctions(FunctionTable& t);
void RegisterComparisonFunctions(FunctionTable& t);
void RegisterConditionalFunctions(FunctionTable& t);
void RegisterStringFunctions(FunctionTable& t);
void RegisterMathFunctions(FunctionTable& t);
void RegisterDatetimeFunctions(FunctionTable& t);
void RegisterHashFunctions(FunctionTable& t);
void RegisterJsonFunctions(FunctionTable& t);
void RegisterNestedFunctions(FunctionTable& t);
// time_window, session_window_bounds (window_functions.cc).
void RegisterWindowFunctions(FunctionTable& t);

// --- binding helpers (function_registry.cc) ---

// `name(arg1, arg2)` as the error messages show the call.
std::string CallSql(std::string_view name, const std::vector<ExprPtr>& args);
// cannot resolve "f(x)": argument i+1 requires <expected> type, got <type>
Status ArgTypeError(std::string_view name, const std::vector<ExprPtr>& args, size_t i,
                    std::string_view expected);
// Spark's type errors of a binary operator (+ - * / % div = < ...), e.g.
//   [DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "(1 + true)" due
//   to data type mismatch: the left and right operands of the binary operator
//   have incompatible types ("INT" and "BOOLEAN").
// and, when both operands have the same unsupported type,
//   [DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] ... the binary operator requires
//   the input type <required>, not "BOOLEAN".
Status BinaryOpTypeError(std::string_view name, const std::vector<ExprPtr>& args, std::string_view required);
// The SQL Spark shows for a binary operator call: "(a + b)"; other names
// render as calls, name(a, b).
std::string BinaryOpSql(std::string_view name, const std::vector<ExprPtr>& args);
Status ArityError(std::string_view name, const std::vector<ExprPtr>& args, std::string_view expected);
// True if Spark's ANSI implicit cast (function argument coercion) allows
// from -> to.
bool CanImplicitCast(const DataType& from, const DataType& to);
// `e` cast to `to` (no-op when equal; literals are folded).
Result<ExprPtr> CastTo(ExprPtr e, const DataType& to);
// Implicit cast of argument i to `to`, or ArgTypeError.
Status CoerceArg(std::string_view name, std::vector<ExprPtr>* args, size_t i, const DataType& to);
// Casts all args (from index `from`) to their common type; AnalysisError if none.
Result<DataType> CoerceToCommon(std::string_view name, std::vector<ExprPtr>* args, size_t from = 0,
                                size_t step = 1);
bool AnyNullable(const std::vector<ExprPtr>& args);
ExprPtr Call(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args,
             DataType type, bool nullable);
// Binder for fixed signatures (def.params / def.result).
Result<ExprPtr> BindFixed(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args);
// Evaluates a constant expression to a Value (for literal arguments and
// folding). Errors are the evaluation's errors.
Result<Value> EvaluateConstant(const Expr& e);
// The string value of literal argument i, or an AnalysisError saying it must be a literal.
Result<std::string> LiteralStringArg(std::string_view name, const std::vector<ExprPtr>& args, size_t i);

// Spark's DecimalType.boundedPreferIntegralDigits (the wider type of two
// decimals: past 38 digits, drop fraction digits, never integer digits) and
// adjustPrecisionScale (arithmetic results).
DataType DecimalBoundedPreferIntegralDigits(int precision, int scale);
DataType DecimalAdjusted(int precision, int scale);
// DECIMAL type holding every value of an integral type (INT -> (10,0)).
DataType DecimalForType(const DataType& t);
// The DECIMAL an operand of arithmetic with a DECIMAL becomes (Spark's
// DecimalPrecision.nondecimalAndDecimal): a non-null integral literal the
// narrowest DECIMAL(digits, 0) holding its value (DecimalType.fromLiteral:
// 3 -> DECIMAL(1,0)), anything else DecimalForType of its type.
DataType DecimalForOperand(const Expr& e);

}  // namespace sluice::fn
