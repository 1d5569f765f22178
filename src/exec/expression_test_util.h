// Helpers for the exec tests: bind a function over literal or column
// arguments and evaluate it.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "exec/expression_evaluator.h"
#include "exec/function_registry.h"

namespace sluice {
inline void PrintTo(const Value& v, std::ostream* os) {
  *os << v.ToString() << " (" << v.type().ToString() << ")";
}
}  // namespace sluice

namespace sluice::testing {

inline Value S(std::string s) { return Value::String(std::move(s)); }
inline Value I(int32_t i) { return Value::Int(i); }
inline Value L(int64_t i) { return Value::Bigint(i); }
inline Value D(double d) { return Value::Double(d); }
inline Value B(bool b) { return Value::Boolean(b); }
inline Value N(DataType t = DataType::Null()) { return Value::Null(std::move(t)); }
inline Value Dec(int128_t unscaled, int p, int s) { return Value::Decimal(unscaled, p, s); }

// Evaluates name(args) with every argument a column of a one-row batch.
inline Result<Value> EvalColumns(const std::string& name, const std::vector<Value>& args, int64_t now = 0) {
  Batch batch;
  batch.num_rows = 1;
  std::vector<ExprPtr> refs;
  for (size_t i = 0; i < args.size(); ++i) {
    batch.columns.push_back(Vector::FromValues(args[i].type(), {args[i]}));
    refs.push_back(MakeColumnRef(static_cast<int>(i), args[i].type(), "c" + std::to_string(i)));
  }
  SLUICE_ASSIGN_OR_RETURN(ExprPtr e, BindScalarFunction(name, refs));
  EvalContext ctx;
  ctx.now_micros = now;
  SLUICE_ASSIGN_OR_RETURN(Vector v, ExpressionEvaluator::Evaluate(*e, batch, nullptr, ctx));
  if (v.size() != 1) return Status::Internal("expected one row");
  return v.GetValue(0);
}

// Evaluates name(args) with literal arguments over a 3-row batch (scalar
// kernels' paths) and checks all rows agree.
inline Result<Value> EvalLiterals(const std::string& name, const std::vector<Value>& args, int64_t now = 0) {
  Batch batch;
  batch.num_rows = 3;
  std::vector<ExprPtr> lits;
  for (const auto& a : args) lits.push_back(MakeLiteral(a));
  SLUICE_ASSIGN_OR_RETURN(ExprPtr e, BindScalarFunction(name, lits));
  EvalContext ctx;
  ctx.now_micros = now;
  SLUICE_ASSIGN_OR_RETURN(Vector v, ExpressionEvaluator::Evaluate(*e, batch, nullptr, ctx));
  if (v.size() != 3) return Status::Internal("expected three rows, got " + std::to_string(v.size()));
  Value first = v.GetValue(0);
  for (size_t i = 1; i < 3; ++i) {
    if (!(v.GetValue(i) == first)) return Status::Internal("rows differ: " + v.GetValue(i).ToString());
  }
  return first;
}

// Both ways; fails the test if they disagree. Returns the value (or error).
inline Result<Value> Call(const std::string& name, const std::vector<Value>& args, int64_t now = 0) {
  auto a = EvalColumns(name, args, now);
  auto b = EvalLiterals(name, args, now);
  // Arguments that must be constants (round's scale, from_json's schema...)
  // cannot be columns: use the literal evaluation alone.
  if (!a.ok() && a.status().code() == StatusCode::kAnalysisError &&
      (a.status().message().find("constant") != std::string::npos ||
       a.status().message().find("literal") != std::string::npos)) {
    return b;
  }
  if (a.ok() != b.ok()) {
    ADD_FAILURE() << name << ": column and literal evaluation disagree: "
                  << (a.ok() ? a->ToString() : a.status().ToString()) << " vs "
                  << (b.ok() ? b->ToString() : b.status().ToString());
  } else if (a.ok() && !(*a == *b)) {
    ADD_FAILURE() << name << ": column result " << a->ToString() << " (" << a->type().ToString()
                  << ") != literal result " << b->ToString() << " (" << b->type().ToString() << ")";
  }
  return a;
}

// ToString of the result, "NULL", or "ERROR: <message>".
inline std::string Str(const std::string& name, const std::vector<Value>& args, int64_t now = 0) {
  auto r = Call(name, args, now);
  if (!r.ok()) return "ERROR: " + r.status().message();
  return r->ToString();
}

inline Value Val(const std::string& name, const std::vector<Value>& args, int64_t now = 0) {
  auto r = Call(name, args, now);
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
  return r.ok() ? *r : Value();
}

inline Status Err(const std::string& name, const std::vector<Value>& args) {
  auto r = EvalColumns(name, args);
  return r.ok() ? Status::OK() : r.status();
}

}  // namespace sluice::testing
