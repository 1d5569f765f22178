#include "exec/expression_evaluator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "exec/expression_test_util.h"
#include "exec/function_registry.h"
#include "types/datetime.h"

namespace sluice {
namespace {

using namespace sluice::testing;  // NOLINT

ExprPtr Bind(const std::string& name, std::vector<ExprPtr> args) {
  auto r = BindScalarFunction(name, std::move(args));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : nullptr;
}
ExprPtr Col(int i, DataType t, std::string name) { return MakeColumnRef(i, std::move(t), std::move(name)); }
ExprPtr Lit(Value v) { return MakeLiteral(std::move(v)); }

TEST(ExprToString, Renders) {
  auto a = Col(0, DataType::Int(), "a");
  EXPECT_EQ(Bind("+", {a, Lit(I(1))})->ToString(), "(a + 1)");
  auto name = Col(1, DataType::String(), "name");
  EXPECT_EQ(Bind("upper", {name})->ToString(), "upper(name)");
  EXPECT_EQ((*BindCast(name, DataType::Int()))->ToString(), "CAST(name AS INT)");
  EXPECT_EQ(Bind("case", {Bind(">", {a, Lit(I(0))}), Lit(S("pos")), Lit(S("neg"))})->ToString(),
            "CASE WHEN (a > 0) THEN 'pos' ELSE 'neg' END");
  auto data = Col(2, DataType::Struct({{"a", DataType::Int(), true}}), "data");
  EXPECT_EQ(Bind("get_field", {data, Lit(S("a"))})->ToString(), "data.a");
  EXPECT_EQ(Bind("isnull", {a})->ToString(), "(a IS NULL)");
  EXPECT_EQ(Bind("in", {a, Lit(I(1)), Lit(I(2))})->ToString(), "(a IN (1, 2))");
}

TEST(ExprToString, IsConstant) {
  auto a = Col(0, DataType::Int(), "a");
  EXPECT_FALSE(Bind("+", {a, Lit(I(1))})->IsConstant());
  EXPECT_TRUE(Bind("+", {Lit(I(2)), Lit(I(1))})->IsConstant());
  EXPECT_TRUE(Lit(I(1))->IsConstant());
}

// Columns are told apart by index, not by name: the two `weight` columns of
// a self join are different columns.
TEST(ExprToString, SemanticallyEqualComparesColumnIndexesNotNames) {
  auto left_weight = Col(1, DataType::Int(), "weight");
  auto right_weight = Col(3, DataType::Int(), "weight");
  EXPECT_EQ(left_weight->ToString(), right_weight->ToString());
  EXPECT_FALSE(SemanticallyEqual(*left_weight, *right_weight));
  EXPECT_TRUE(SemanticallyEqual(*left_weight, *Col(1, DataType::Int(), "w")));
  EXPECT_FALSE(SemanticallyEqual(*Bind("-", {left_weight, right_weight}), *Bind("-", {right_weight, left_weight})));
  EXPECT_TRUE(SemanticallyEqual(*Bind("-", {left_weight, right_weight}), *Bind("-", {left_weight, right_weight})));
  EXPECT_FALSE(SemanticallyEqual(*Bind("+", {left_weight, Lit(I(1))}), *Bind("+", {left_weight, Lit(I(2))})));
  EXPECT_FALSE(SemanticallyEqual(*Lit(Value::Double(0.0)), *Lit(Value::Double(-0.0))));
}

TEST(Arithmetic, IntegerOps) {
  EXPECT_EQ(Val("+", {I(2), I(3)}), I(5));
  EXPECT_EQ(Val("-", {I(2), I(3)}), I(-1));
  EXPECT_EQ(Val("*", {L(4), I(3)}), L(12));
  EXPECT_EQ(Val("/", {I(3), I(2)}), D(1.5));  // integral / is DOUBLE
  EXPECT_EQ(Val("div", {I(7), I(2)}), L(3));
  EXPECT_EQ(Val("div", {I(-7), I(2)}), L(-3));
  EXPECT_EQ(Val("%", {I(7), I(3)}), I(1));
  EXPECT_EQ(Val("%", {I(-7), I(3)}), I(-1));  // sign of the dividend
  EXPECT_EQ(Val("mod", {I(7), I(-3)}), I(1));
  EXPECT_EQ(Val("pmod", {I(-7), I(3)}), I(2));
  EXPECT_EQ(Val("negate", {I(5)}), I(-5));
  EXPECT_EQ(Val("+", {I(1), N()}), N(DataType::Int()));
}

TEST(Arithmetic, Overflow) {
  auto st = Err("+", {I(2147483647), I(1)});
  EXPECT_EQ(st.code(), StatusCode::kExecutionError);
  EXPECT_NE(st.message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos) << st.message();
  EXPECT_NE(Err("*", {L(INT64_MAX), L(2)}).message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos);
  EXPECT_NE(Err("-", {L(INT64_MIN), L(1)}).message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos);
  EXPECT_NE(Err("negate", {I(INT32_MIN)}).message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos);
  EXPECT_NE(Err("div", {L(INT64_MIN), L(-1)}).message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos);
  EXPECT_EQ(Val("try_add", {I(2147483647), I(1)}), N(DataType::Int()));
  EXPECT_EQ(Val("try_add", {I(1), I(1)}), I(2));
  // INT + BIGINT widens to BIGINT: no overflow.
  EXPECT_EQ(Val("+", {I(2147483647), L(1)}), L(2147483648LL));
}

TEST(Arithmetic, DivideByZero) {
  for (const char* op : {"/", "div"}) {
    auto st = Err(op, {I(1), I(0)});
    EXPECT_NE(st.message().find("[DIVIDE_BY_ZERO]"), std::string::npos) << op << ": " << st.ToString();
  }
  // Spark 4: a remainder by zero has its own class.
  for (const char* op : {"%", "mod", "pmod"}) {
    auto st = Err(op, {I(1), I(0)});
    EXPECT_NE(st.message().find("[REMAINDER_BY_ZERO]"), std::string::npos) << op << ": " << st.ToString();
  }
  EXPECT_NE(Err("/", {D(1.0), D(0.0)}).message().find("[DIVIDE_BY_ZERO]"), std::string::npos);
  EXPECT_EQ(Val("try_divide", {I(1), I(0)}), N(DataType::Double()));
  EXPECT_EQ(Val("try_divide", {I(1), I(4)}), D(0.25));
  // A NULL divisor is NULL, not an error.
  EXPECT_EQ(Val("/", {I(1), N(DataType::Int())}), N(DataType::Double()));
}

TEST(Arithmetic, Decimal) {
  // 1.10 + 2.205: DECIMAL(3,2) + DECIMAL(4,3) -> DECIMAL(5,3) = 3.305
  Value r = Val("+", {Dec(110, 3, 2), Dec(2205, 4, 3)});
  EXPECT_EQ(r.type(), DataType::Decimal(5, 3));
  EXPECT_EQ(r.ToString(), "3.305");
  // DECIMAL(3,2) * DECIMAL(2,1) -> DECIMAL(6,3): 1.10 * 2.5 = 2.750
  r = Val("*", {Dec(110, 3, 2), Dec(25, 2, 1)});
  EXPECT_EQ(r.type(), DataType::Decimal(6, 3));
  EXPECT_EQ(r.ToString(), "2.750");
  // DECIMAL(2,0)/DECIMAL(2,0): scale max(6, 0+2+1)=6, precision 2-0+0+6=8
  r = Val("/", {Dec(10, 2, 0), Dec(3, 2, 0)});
  EXPECT_EQ(r.type(), DataType::Decimal(8, 6));
  EXPECT_EQ(r.ToString(), "3.333333");
  r = Val("/", {Dec(20, 2, 0), Dec(3, 2, 0)});
  EXPECT_EQ(r.ToString(), "6.666667");  // HALF_UP
  // INT column + DECIMAL(3,1): INT is DECIMAL(10,0) (DecimalType.forType):
  // scale 1, precision max(10,2)+1+1 = 12.
  auto column = EvalColumns("+", {I(1), Dec(15, 3, 1)});
  ASSERT_TRUE(column.ok()) << column.status().ToString();
  EXPECT_EQ(column->type(), DataType::Decimal(12, 1));
  EXPECT_EQ(column->ToString(), "2.5");
  // INT literal 1 + DECIMAL(3,1): the literal is DECIMAL(1,0)
  // (DecimalType.fromLiteral): precision max(1,2)+1+1 = 4.
  auto literal = EvalLiterals("+", {I(1), Dec(15, 3, 1)});
  ASSERT_TRUE(literal.ok()) << literal.status().ToString();
  EXPECT_EQ(literal->type(), DataType::Decimal(4, 1));
  EXPECT_EQ(literal->ToString(), "2.5");
  // BIGINT literal 3000000000 is DECIMAL(10,0): precision max(2,10)+1+1 = 12;
  // INT64_MIN is DECIMAL(19,0): precision 19+1+1 = 21.
  literal = EvalLiterals("-", {Dec(15, 3, 1), L(3000000000)});
  ASSERT_TRUE(literal.ok()) << literal.status().ToString();
  EXPECT_EQ(literal->type(), DataType::Decimal(12, 1));
  literal = EvalLiterals("*", {L(std::numeric_limits<int64_t>::min()), Dec(1, 1, 0)});
  ASSERT_TRUE(literal.ok()) << literal.status().ToString();
  EXPECT_EQ(literal->type(), DataType::Decimal(21, 0));
  EXPECT_EQ(literal->ToString(), "-9223372036854775808");
  // DECIMAL + DOUBLE -> DOUBLE
  EXPECT_EQ(Val("+", {Dec(15, 3, 1), D(1.0)}), D(2.5));
  // Precision loss: DECIMAL(38,10) * DECIMAL(38,10) -> DECIMAL(38,6)
  r = Val("*", {Dec(10000000000, 38, 10), Dec(20000000000, 38, 10)});
  EXPECT_EQ(r.type(), DataType::Decimal(38, 6));
  EXPECT_EQ(r.ToString(), "2.000000");
}

TEST(Arithmetic, StringOperandsPromote) {
  // ANSI: STRING with an integral operand becomes BIGINT.
  EXPECT_EQ(Val("+", {S("1"), I(2)}), L(3));
  EXPECT_EQ(Val("+", {S("1.5"), D(1.0)}), D(2.5));
  EXPECT_NE(Err("+", {S("abc"), I(1)}).message().find("[CAST_INVALID_INPUT]"), std::string::npos);
  auto st = Err("+", {B(true), I(1)});
  EXPECT_EQ(st.code(), StatusCode::kAnalysisError);
}

TEST(Comparison, AllTypes) {
  EXPECT_EQ(Val("=", {I(1), L(1)}), B(true));
  EXPECT_EQ(Val("<", {I(1), D(1.5)}), B(true));
  EXPECT_EQ(Val(">=", {S("b"), S("a")}), B(true));
  EXPECT_EQ(Val("<", {S("Z"), S("a")}), B(true));  // byte order
  EXPECT_EQ(Val("<", {S("a"), S("\xc3\xa9")}), B(true));  // UTF-8 order: 'a' < 'é'
  EXPECT_EQ(Val("<>", {B(true), B(false)}), B(true));
  EXPECT_EQ(Val("<", {B(false), B(true)}), B(true));
  EXPECT_EQ(Val("<", {Value::Date(1), Value::Date(2)}), B(true));
  EXPECT_EQ(Val("=", {Value::Date(1), Value::Timestamp(86400000000LL)}), B(true));
  EXPECT_EQ(Val(">", {Dec(150, 3, 2), Dec(14, 2, 1)}), B(true));  // 1.50 > 1.4
  EXPECT_EQ(Val("=", {Dec(150, 3, 2), Dec(15, 2, 1)}), B(true));
  EXPECT_EQ(Val("=", {I(1), N()}), N(DataType::Boolean()));
  EXPECT_EQ(Val("<=>", {I(1), N()}), B(false));
  EXPECT_EQ(Val("<=>", {N(DataType::Int()), N(DataType::Int())}), B(true));
  EXPECT_EQ(Val("<=>", {I(1), I(1)}), B(true));
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Val("=", {D(nan), D(nan)}), B(true));  // Spark: NaN = NaN
  EXPECT_EQ(Val(">", {D(nan), D(1e300)}), B(true));  // NaN is the largest
  EXPECT_EQ(Val("<", {D(1.0), D(nan)}), B(true));
  EXPECT_EQ(Val("=", {D(0.0), D(-0.0)}), B(true));
}

TEST(Comparison, StringCoercion) {
  // ANSI: STRING vs INT compares as BIGINT; a malformed string is an error.
  EXPECT_EQ(Val("=", {S("1"), I(1)}), B(true));
  EXPECT_NE(Err("=", {S("1.5"), I(1)}).message().find("[CAST_INVALID_INPUT]"), std::string::npos);
  EXPECT_EQ(Val("=", {S("1.5"), D(1.5)}), B(true));
  EXPECT_EQ(Val("<", {S("2020-01-01"), Value::Date(DaysFromCivil(2020, 1, 2))}), B(true));
  EXPECT_EQ(Err("=", {B(true), I(1)}).code(), StatusCode::kAnalysisError);
  EXPECT_EQ(Err("<", {Value::Date(1), I(1)}).code(), StatusCode::kAnalysisError);
}

TEST(Logic, ThreeValuedTruthTables) {
  Value T = B(true), F = B(false), U = N(DataType::Boolean());
  struct Row {
    Value a, b, and_r, or_r;
  };
  std::vector<Row> rows = {
      {T, T, T, T}, {T, F, F, T}, {T, U, U, T}, {F, T, F, T}, {F, F, F, F},
      {F, U, F, U}, {U, T, U, T}, {U, F, F, U}, {U, U, U, U},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(Val("and", {r.a, r.b}), r.and_r) << r.a.ToString() << " AND " << r.b.ToString();
    EXPECT_EQ(Val("or", {r.a, r.b}), r.or_r) << r.a.ToString() << " OR " << r.b.ToString();
  }
  EXPECT_EQ(Val("not", {T}), F);
  EXPECT_EQ(Val("not", {F}), T);
  EXPECT_EQ(Val("not", {U}), U);
  EXPECT_EQ(Val("isnull", {U}), T);
  EXPECT_EQ(Val("isnull", {I(1)}), F);
  EXPECT_EQ(Val("isnotnull", {U}), F);
}

TEST(Logic, ShortCircuitSkipsErrors) {
  // false AND (1/0 = 1): the right side is never evaluated for that row.
  EXPECT_EQ(Val("and", {B(false), Val("=", {I(1), I(1)})}), B(false));
  Batch batch;
  batch.num_rows = 3;
  batch.columns.push_back(Vector::FromValues(DataType::Int(), {I(1), I(0), I(2)}));
  auto b = Col(0, DataType::Int(), "b");
  // b <> 0 AND 10 / b > 1
  auto e = Bind("and", {Bind("<>", {b, Lit(I(0))}), Bind(">", {Bind("/", {Lit(I(10)), b}), Lit(I(1))})});
  auto v = ExpressionEvaluator::Evaluate(*e, batch, nullptr, EvalContext{});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->GetValue(0), B(true));
  EXPECT_EQ(v->GetValue(1), B(false));
  EXPECT_EQ(v->GetValue(2), B(true));
  auto sel = ExpressionEvaluator::Select(*e, batch, nullptr, EvalContext{});
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(*sel, (SelectionVector{0, 2}));
}

TEST(Conditional, CaseIsLazy) {
  Batch batch;
  batch.num_rows = 4;
  batch.columns.push_back(Vector::FromValues(DataType::Int(), {I(10), I(10), I(7), N(DataType::Int())}));
  batch.columns.push_back(Vector::FromValues(DataType::Int(), {I(2), I(0), I(7), I(1)}));
  auto a = Col(0, DataType::Int(), "a"), b = Col(1, DataType::Int(), "b");
  // CASE WHEN b = 0 THEN NULL ELSE a / b END
  auto e = Bind("case", {Bind("=", {b, Lit(I(0))}), Lit(N()), Bind("/", {a, b})});
  ASSERT_EQ(e->type, DataType::Double());
  auto v = ExpressionEvaluator::Evaluate(*e, batch, nullptr, EvalContext{});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->GetValue(0), D(5.0));
  EXPECT_TRUE(v->GetValue(1).is_null());
  EXPECT_EQ(v->GetValue(2), D(1.0));
  EXPECT_TRUE(v->GetValue(3).is_null());
  // Without the guard the division fails.
  auto bad = ExpressionEvaluator::Evaluate(*Bind("/", {a, b}), batch, nullptr, EvalContext{});
  EXPECT_NE(bad.status().message().find("[DIVIDE_BY_ZERO]"), std::string::npos);
  // With a selection: only rows 1 and 3.
  SelectionVector sel{1, 3};
  auto v2 = ExpressionEvaluator::Evaluate(*e, batch, &sel, EvalContext{});
  ASSERT_TRUE(v2.ok());
  ASSERT_EQ(v2->size(), 2u);
  EXPECT_TRUE(v2->GetValue(0).is_null());
  EXPECT_TRUE(v2->GetValue(1).is_null());
}

TEST(Conditional, Functions) {
  EXPECT_EQ(Val("case", {B(false), I(1), B(true), I(2), I(3)}), I(2));
  EXPECT_EQ(Val("case", {B(false), I(1)}), N(DataType::Int()));
  EXPECT_EQ(Val("case", {N(DataType::Boolean()), I(1), I(9)}), I(9));  // NULL condition is not TRUE
  EXPECT_EQ(Val("coalesce", {N(DataType::Int()), I(2), I(3)}), I(2));
  EXPECT_EQ(Val("coalesce", {N(DataType::Int()), N(DataType::Int())}), N(DataType::Int()));
  EXPECT_EQ(Val("coalesce", {N(), L(5), I(1)}), L(5));
  EXPECT_EQ(Val("if", {B(true), S("y"), S("n")}), S("y"));
  EXPECT_EQ(Val("if", {N(DataType::Boolean()), S("y"), S("n")}), S("n"));
  EXPECT_EQ(Val("nvl", {N(DataType::String()), S("d")}), S("d"));
  EXPECT_EQ(Val("nvl2", {I(1), S("a"), S("b")}), S("a"));
  EXPECT_EQ(Val("nullif", {I(1), I(1)}), N(DataType::Int()));
  EXPECT_EQ(Val("nullif", {I(1), I(2)}), I(1));
  EXPECT_EQ(Val("greatest", {I(1), I(5), N(DataType::Int()), I(3)}), I(5));
  EXPECT_EQ(Val("least", {I(1), L(-5), I(3)}), L(-5));
  EXPECT_EQ(Val("greatest", {S("apple"), S("banana")}), S("banana"));
  EXPECT_EQ(Val("least", {N(DataType::Int()), N(DataType::Int())}), N(DataType::Int()));
  // Untaken branches of coalesce / if are not evaluated.
  EXPECT_EQ(Val("coalesce", {I(1), Val("+", {I(1), I(1)})}), I(1));
}

TEST(Predicates, InWithNulls) {
  EXPECT_EQ(Val("in", {I(1), I(1), I(2)}), B(true));
  EXPECT_EQ(Val("in", {I(3), I(1), I(2)}), B(false));
  EXPECT_EQ(Val("in", {I(3), I(1), N(DataType::Int())}), N(DataType::Boolean()));
  EXPECT_EQ(Val("in", {I(1), I(1), N(DataType::Int())}), B(true));
  EXPECT_EQ(Val("in", {N(DataType::Int()), I(1)}), N(DataType::Boolean()));
  EXPECT_EQ(Val("in", {S("b"), S("a"), S("b")}), B(true));
  EXPECT_EQ(Val("in", {I(1), L(1)}), B(true));
  EXPECT_EQ(Val("between", {I(5), I(1), I(10)}), B(true));
  EXPECT_EQ(Val("between", {I(11), I(1), I(10)}), B(false));
  EXPECT_EQ(Val("between", {I(1), I(1), I(1)}), B(true));
  EXPECT_EQ(Val("between", {N(DataType::Int()), I(1), I(10)}), N(DataType::Boolean()));
}

TEST(Predicates, Like) {
  EXPECT_EQ(Val("like", {S("Spark"), S("Sp%")}), B(true));
  EXPECT_EQ(Val("like", {S("Spark"), S("%rk")}), B(true));
  EXPECT_EQ(Val("like", {S("Spark"), S("%ar%")}), B(true));
  EXPECT_EQ(Val("like", {S("Spark"), S("Spark")}), B(true));
  EXPECT_EQ(Val("like", {S("Spark"), S("spark")}), B(false));
  EXPECT_EQ(Val("like", {S("Spark"), S("S_ark")}), B(true));
  EXPECT_EQ(Val("like", {S("Spark"), S("S_rk")}), B(false));
  EXPECT_EQ(Val("like", {S("a\nb"), S("a%b")}), B(true));
  EXPECT_EQ(Val("like", {S("\xc3\xa9t\xc3\xa9"), S("_t_")}), B(true));  // _ is one character
  EXPECT_EQ(Val("like", {S("50%"), S("50\\%")}), B(true));
  EXPECT_EQ(Val("like", {S("500"), S("50\\%")}), B(false));
  // The escape character must be a literal.
  EXPECT_EQ(*EvalLiterals("like", {S("a_b"), S("a#_b"), S("#")}), B(true));
  EXPECT_EQ(*EvalLiterals("like", {S("axb"), S("a#_b"), S("#")}), B(false));
  EXPECT_EQ(EvalColumns("like", {S("a_b"), S("a#_b"), S("#")}).status().code(), StatusCode::kAnalysisError);
  EXPECT_EQ(Val("like", {S("a.c"), S("a.c")}), B(true));
  EXPECT_EQ(Val("like", {S("abc"), S("a.c")}), B(false));  // '.' is literal
  EXPECT_EQ(Val("like", {N(DataType::String()), S("a%")}), N(DataType::Boolean()));
  EXPECT_EQ(Val("rlike", {S("Spark"), S("^S.*k$")}), B(true));
  EXPECT_EQ(Val("rlike", {S("Spark"), S("par")}), B(true));  // find, not full match
  EXPECT_EQ(Val("rlike", {S("Spark"), S("^par")}), B(false));
  EXPECT_EQ(Err("rlike", {S("x"), S("(")}).code(), StatusCode::kExecutionError);
}

TEST(Cast, Matrix) {
  auto col = Col(0, DataType::Date(), "d");
  EXPECT_EQ(BindCast(col, DataType::Boolean()).status().code(), StatusCode::kAnalysisError);
  EXPECT_EQ(BindCast(col, DataType::Int()).status().code(), StatusCode::kAnalysisError);
  EXPECT_TRUE(BindCast(col, DataType::Timestamp()).ok());
  EXPECT_TRUE(BindCast(col, DataType::String()).ok());
  auto ts = Col(0, DataType::Timestamp(), "t");
  EXPECT_TRUE(BindCast(ts, DataType::Bigint()).ok());
  EXPECT_FALSE(BindCast(ts, DataType::Boolean()).ok());
  auto bin = Col(0, DataType::Binary(), "b");
  EXPECT_FALSE(BindCast(bin, DataType::Int()).ok());
  auto arr = Col(0, DataType::Array(DataType::Int()), "a");
  EXPECT_TRUE(BindCast(arr, DataType::Array(DataType::String())).ok());
  EXPECT_FALSE(BindCast(arr, DataType::Int()).ok());
}

Result<Value> CastValue(const Value& v, const DataType& to, bool try_cast = false) {
  Batch batch;
  batch.num_rows = 1;
  batch.columns.push_back(Vector::FromValues(v.type(), {v}));
  SLUICE_ASSIGN_OR_RETURN(ExprPtr e, BindCast(MakeColumnRef(0, v.type(), "x"), to, try_cast));
  SLUICE_ASSIGN_OR_RETURN(Vector r, ExpressionEvaluator::Evaluate(*e, batch, nullptr, EvalContext{}));
  return r.GetValue(0);
}

TEST(Cast, Values) {
  EXPECT_EQ(*CastValue(S(" 42 "), DataType::Int()), I(42));
  EXPECT_EQ(*CastValue(S("-7"), DataType::Bigint()), L(-7));
  EXPECT_EQ(*CastValue(S("1.5"), DataType::Double()), D(1.5));
  EXPECT_EQ(*CastValue(S("1e3"), DataType::Double()), D(1000.0));
  EXPECT_EQ(*CastValue(S("12.345"), DataType::Decimal(5, 2)), Dec(1235, 5, 2));  // HALF_UP
  EXPECT_EQ(*CastValue(S("yes"), DataType::Boolean()), B(true));
  EXPECT_EQ(*CastValue(S("0"), DataType::Boolean()), B(false));
  EXPECT_EQ(*CastValue(S("2024-02-29"), DataType::Date()), Value::Date(19782));
  EXPECT_EQ(*CastValue(S("1970-01-01 00:00:01.5"), DataType::Timestamp()), Value::Timestamp(1500000));
  EXPECT_EQ(*CastValue(D(1.9), DataType::Int()), I(1));  // truncates
  EXPECT_EQ(*CastValue(D(-1.9), DataType::Bigint()), L(-1));
  EXPECT_EQ(*CastValue(Dec(-199, 3, 2), DataType::Int()), I(-1));
  EXPECT_EQ(*CastValue(Dec(125, 3, 2), DataType::Decimal(2, 1)), Dec(13, 2, 1));
  EXPECT_EQ(*CastValue(I(3), DataType::Double()), D(3.0));
  EXPECT_EQ(*CastValue(I(0), DataType::Boolean()), B(false));
  EXPECT_EQ(*CastValue(B(true), DataType::Int()), I(1));
  EXPECT_EQ(*CastValue(D(1.5), DataType::String()), S("1.5"));
  EXPECT_EQ(*CastValue(D(1e7), DataType::String()), S("1.0E7"));
  EXPECT_EQ(*CastValue(Dec(1050, 5, 2), DataType::String()), S("10.50"));
  EXPECT_EQ(*CastValue(B(true), DataType::String()), S("true"));
  EXPECT_EQ(*CastValue(Value::Date(0), DataType::String()), S("1970-01-01"));
  EXPECT_EQ(*CastValue(Value::Timestamp(1500000), DataType::String()), S("1970-01-01 00:00:01.5"));
  EXPECT_EQ(*CastValue(Value::Timestamp(-1), DataType::Date()), Value::Date(-1));
  EXPECT_EQ(*CastValue(Value::Timestamp(-1500000), DataType::Bigint()), L(-2));  // floor
  EXPECT_EQ(*CastValue(Value::Date(1), DataType::Timestamp()), Value::Timestamp(86400000000LL));
  EXPECT_EQ(*CastValue(L(1), DataType::Timestamp()), Value::Timestamp(1000000));
  EXPECT_EQ(*CastValue(N(DataType::Int()), DataType::String()), N(DataType::String()));
  Value arr = Value::Nested(DataType::Array(DataType::Int()), {I(1), N(DataType::Int())});
  EXPECT_EQ(*CastValue(arr, DataType::String()), S("[1, null]"));
  EXPECT_EQ(*CastValue(arr, DataType::Array(DataType::String())),
            Value::Nested(DataType::Array(DataType::String()), {S("1"), N(DataType::String())}));
}

TEST(Cast, AnsiErrors) {
  auto r = CastValue(S("abc"), DataType::Int());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kExecutionError);
  EXPECT_NE(r.status().message().find("[CAST_INVALID_INPUT] The value 'abc' of the type STRING cannot be cast "
                                      "to INT because it is malformed"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("try_cast"), std::string::npos);
  EXPECT_FALSE(CastValue(S("1.5"), DataType::Int()).ok());
  EXPECT_FALSE(CastValue(S("2147483648"), DataType::Int()).ok());
  EXPECT_FALSE(CastValue(S("2024-02-30"), DataType::Date()).ok());
  EXPECT_FALSE(CastValue(S("maybe"), DataType::Boolean()).ok());
  auto o = CastValue(L(3000000000LL), DataType::Int());
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("[CAST_OVERFLOW] The value 3000000000L of the type BIGINT"),
            std::string::npos)
      << o.status().message();
  EXPECT_FALSE(CastValue(D(1e20), DataType::Bigint()).ok());
  EXPECT_FALSE(CastValue(D(std::nan("")), DataType::Int()).ok());
  EXPECT_FALSE(CastValue(Dec(12345, 5, 2), DataType::Decimal(3, 2)).ok());
  EXPECT_FALSE(CastValue(S("123.45"), DataType::Decimal(3, 2)).ok());
  // try_cast gives NULL instead.
  EXPECT_EQ(*CastValue(S("abc"), DataType::Int(), true), N(DataType::Int()));
  EXPECT_EQ(*CastValue(L(3000000000LL), DataType::Int(), true), N(DataType::Int()));
  EXPECT_EQ(*CastValue(S("12"), DataType::Int(), true), I(12));
}

TEST(Select, ComparisonsAndNulls) {
  Batch batch;
  batch.num_rows = 6;
  batch.columns.push_back(
      Vector::FromValues(DataType::Bigint(), {L(1), L(20), N(DataType::Bigint()), L(30), L(5), L(11)}));
  batch.columns.push_back(Vector::FromValues(DataType::Double(), {D(1), D(2), D(3), D(40), D(5), D(0.5)}));
  auto a = Col(0, DataType::Bigint(), "a"), b = Col(1, DataType::Double(), "b");
  EvalContext ctx;
  auto pred = Bind("and", {Bind(">", {a, Lit(I(10))}), Bind("<", {b, Lit(D(10))})});
  EXPECT_EQ(*ExpressionEvaluator::Select(*pred, batch, nullptr, ctx), (SelectionVector{1, 5}));
  // Literal on the left.
  auto p2 = Bind("<", {Lit(I(10)), a});
  EXPECT_EQ(*ExpressionEvaluator::Select(*p2, batch, nullptr, ctx), (SelectionVector{1, 3, 5}));
  auto p3 = Bind("or", {Bind("=", {a, Lit(L(1))}), Bind(">", {b, Lit(D(4))})});
  EXPECT_EQ(*ExpressionEvaluator::Select(*p3, batch, nullptr, ctx), (SelectionVector{0, 3, 4}));
  SelectionVector sel{0, 1, 2, 3};
  EXPECT_EQ(*ExpressionEvaluator::Select(*p3, batch, &sel, ctx), (SelectionVector{0, 3}));
  auto p4 = Bind("isnull", {a});
  EXPECT_EQ(*ExpressionEvaluator::Select(*p4, batch, nullptr, ctx), (SelectionVector{2}));
  auto p5 = Bind(">", {Lit(D(2.5)), b});  // column vs column path too
  EXPECT_EQ(*ExpressionEvaluator::Select(*p5, batch, nullptr, ctx), (SelectionVector{0, 1, 5}));
  auto p6 = Bind(">", {Bind("*", {a, Lit(I(2))}), b});  // generic path
  EXPECT_EQ(*ExpressionEvaluator::Select(*p6, batch, nullptr, ctx), (SelectionVector{0, 1, 3, 4, 5}));
  auto p7 = Bind("=", {a, Lit(N(DataType::Bigint()))});
  EXPECT_TRUE(ExpressionEvaluator::Select(*p7, batch, nullptr, ctx)->empty());
}

TEST(Evaluate, ProjectionOverSelection) {
  Batch batch;
  batch.num_rows = 4;
  batch.columns.push_back(Vector::FromValues(DataType::Bigint(), {L(1), L(2), L(3), L(4)}));
  batch.columns.push_back(Vector::FromValues(DataType::Double(), {D(0.5), D(1.5), D(2.5), D(3.5)}));
  auto a = Col(0, DataType::Bigint(), "a"), b = Col(1, DataType::Double(), "b");
  auto e = Bind("+", {Bind("*", {a, Lit(I(2))}), b});
  EXPECT_EQ(e->type, DataType::Double());
  SelectionVector sel{1, 3};
  auto v = ExpressionEvaluator::Evaluate(*e, batch, &sel, EvalContext{});
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ(v->GetValue(0), D(5.5));
  EXPECT_EQ(v->GetValue(1), D(11.5));
  // A literal projection is broadcast.
  auto lit = ExpressionEvaluator::Evaluate(*Lit(S("x")), batch, &sel, EvalContext{});
  ASSERT_EQ(lit->size(), 2u);
  EXPECT_EQ(lit->GetValue(1), S("x"));
}

TEST(Binding, Errors) {
  auto arr = Col(0, DataType::Array(DataType::Int()), "x");
  auto r = BindScalarFunction("upper", {arr});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAnalysisError);
  EXPECT_EQ(r.status().message(), "cannot resolve \"upper(x)\": argument 1 requires STRING type, got ARRAY<INT>");
  EXPECT_EQ(BindScalarFunction("no_such_fn", {}).status().code(), StatusCode::kAnalysisError);
  EXPECT_EQ(BindScalarFunction("upper", {}).status().code(), StatusCode::kAnalysisError);
  EXPECT_TRUE(IsScalarFunction("UPPER"));
  EXPECT_TRUE(IsScalarFunction("substr"));
  EXPECT_FALSE(IsScalarFunction("explode"));
  auto names = ScalarFunctionNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "concat_ws"), names.end());
}

TEST(Binding, CommonType) {
  EXPECT_EQ(*CommonType(DataType::Int(), DataType::Bigint()), DataType::Bigint());
  EXPECT_EQ(*CommonType(DataType::Int(), DataType::Double()), DataType::Double());
  EXPECT_EQ(*CommonType(DataType::Int(), DataType::Decimal(5, 2)), DataType::Decimal(12, 2));
  EXPECT_EQ(*CommonType(DataType::Decimal(5, 2), DataType::Decimal(10, 0)), DataType::Decimal(12, 2));
  EXPECT_EQ(*CommonType(DataType::Decimal(38, 2), DataType::Double()), DataType::Double());
  EXPECT_EQ(*CommonType(DataType::String(), DataType::Int()), DataType::Bigint());
  EXPECT_EQ(*CommonType(DataType::String(), DataType::Double()), DataType::Double());
  EXPECT_EQ(*CommonType(DataType::String(), DataType::Date()), DataType::Date());
  EXPECT_EQ(*CommonType(DataType::Date(), DataType::Timestamp()), DataType::Timestamp());
  EXPECT_EQ(*CommonType(DataType::Null(), DataType::String()), DataType::String());
  EXPECT_EQ(*CommonType(DataType::Array(DataType::Int()), DataType::Array(DataType::Bigint())),
            DataType::Array(DataType::Bigint()));
  EXPECT_FALSE(CommonType(DataType::Boolean(), DataType::Int()).ok());
  EXPECT_FALSE(CommonType(DataType::Date(), DataType::Int()).ok());
}

// Types that are equal but for nullability (DataType::operator== ignores it)
// meet at a type whose nested fields are nullable where either side's is, in
// either order, as Spark's UNION of named_struct('b', 'z') and
// named_struct('b', CAST(NULL AS STRING)) gives struct<b: string> with b nullable.
TEST(Binding, CommonTypeKeepsNestedNullability) {
  DataType strict = DataType::Struct({{"b", DataType::String(), false}});
  DataType loose = DataType::Struct({{"b", DataType::String(), true}});
  for (const auto& [x, y] : {std::pair{strict, loose}, std::pair{loose, strict}}) {
    auto t = CommonType(x, y);
    ASSERT_TRUE(t.ok());
    EXPECT_TRUE(t->fields()[0].nullable) << x.ToString() << " and " << y.ToString() << " gave " << t->ToString();
  }
  // Deeper: a struct in an array in a struct.
  DataType deep_strict = DataType::Struct({{"a", DataType::Array(strict), false}});
  DataType deep_loose = DataType::Struct({{"a", DataType::Array(loose), true}});
  auto t = CommonType(deep_strict, deep_loose);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->fields()[0].nullable);
  EXPECT_TRUE(t->fields()[0].type.element().fields()[0].nullable);
  // Both strict: stays strict.
  EXPECT_FALSE(CommonType(strict, strict)->fields()[0].nullable);
}

}  // namespace
}  // namespace sluice
