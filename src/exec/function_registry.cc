// Function resolution and Spark's (ANSI mode) type coercion.
//
// Coercion rules implemented (Spark 4, spark.sql.ansi.enabled=true):
//  * CommonType (comparison, CASE/COALESCE branches, IN lists, union):
//    NULL with T -> T; INT < BIGINT < DECIMAL < DOUBLE (an integral type
//    meets a DECIMAL as DECIMAL(10,0)/DECIMAL(20,0) and the wider decimal is
//    max(scale), max(integer digits) + max(scale); past 38 digits fraction
//    digits are dropped to keep the integer digits); DATE with
//    TIMESTAMP -> TIMESTAMP; STRING with an integral type -> BIGINT, with
//    DOUBLE or DECIMAL -> DOUBLE, with any other atomic type T -> T (AnsiTypeCoercion's
//    findWiderTypeForString); ARRAY/STRUCT element-wise. Anything else (e.g.
//    BOOLEAN vs INT, DATE vs INT) is an AnalysisError.
//  * Function arguments (CanImplicitCast): NULL -> anything; STRING -> any
//    atomic type; numeric -> numeric except DOUBLE/DECIMAL -> INT/BIGINT;
//    any atomic type -> STRING; DATE <-> TIMESTAMP.
//  * Arithmetic: DOUBLE if either side is DOUBLE; else DECIMAL with the
//    result precision/scale of Spark's DecimalPrecision (allowPrecisionLoss);
//    else the wider integral type. An integral literal next to a DECIMAL is
//    the narrowest DECIMAL holding its value (3 -> DECIMAL(1,0)), any other
//    integral operand DECIMAL(10,0) / DECIMAL(20,0). `/` on integral operands is DOUBLE; `div`
//    is BIGINT. STRING operands follow the comparison rule above.
#include "exec/function_registry.h"

#include <algorithm>
#include <mutex>

#include "exec/expression_evaluator.h"
#include "exec/functions/function_table.h"

namespace sluice {

namespace fn {

FunctionDef FunctionDef::Kernel(const char* name, decltype(ScalarFunction::kernel) kernel, BindFn bind,
                                int min_args, int max_args) {
  FunctionDef d;
  d.fn.name = name;
  d.fn.kernel = kernel;
  d.bind = bind;
  d.min_args = min_args;
  d.max_args = max_args;
  return d;
}

FunctionDef FunctionDef::Lazy(const char* name, decltype(ScalarFunction::lazy_kernel) kernel, BindFn bind,
                              int min_args, int max_args) {
  FunctionDef d;
  d.fn.name = name;
  d.fn.lazy_kernel = kernel;
  d.bind = bind;
  d.min_args = min_args;
  d.max_args = max_args;
  return d;
}

void FunctionTable::Add(FunctionDef def, std::vector<std::string> aliases) {
  defs_.push_back(std::move(def));
  const FunctionDef* d = &defs_.back();
  by_name_[d->fn.name] = d;
  for (auto& a : aliases) by_name_[a] = d;
}

const FunctionDef* FunctionTable::Find(std::string_view name) const {
  auto it = by_name_.find(ToLower(name));
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::string> FunctionTable::Names() const {
  std::vector<std::string> names;
  for (const auto& [k, v] : by_name_) names.push_back(k);
  return names;
}

const FunctionTable& FunctionTable::Get() {
  static const FunctionTable* table = [] {
    auto* t = new FunctionTable();
    RegisterCastFunctions(*t);
    RegisterArithmeticFunctions(*t);
    RegisterComparisonFunctions(*t);
    RegisterConditionalFunctions(*t);
    RegisterStringFunctions(*t);
    RegisterMathFunctions(*t);
    RegisterDatetimeFunctions(*t);
    RegisterHashFunctions(*t);
    RegisterJsonFunctions(*t);
    RegisterNestedFunctions(*t);
    RegisterWindowFunctions(*t);
    return t;
  }();
  return *table;
}

std::string CallSql(std::string_view name, const std::vector<ExprPtr>& args) {
  std::string s(name);
  s += "(";
  for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i]->ToString();
  return s + ")";
}

Status ArgTypeError(std::string_view name, const std::vector<ExprPtr>& args, size_t i,
                    std::string_view expected) {
  return Status::AnalysisError("cannot resolve \"" + CallSql(name, args) + "\": argument " +
                               std::to_string(i + 1) + " requires " + std::string(expected) +
                               " type, got " + args[i]->type.ToString());
}

std::string BinaryOpSql(std::string_view name, const std::vector<ExprPtr>& args) {
  static const char* kOps[] = {"+", "-", "*", "/", "%", "div", "=", "<>", "<", "<=", ">", ">=", "<=>"};
  if (args.size() == 2) {
    for (const char* op : kOps) {
      if (name == op) {
        if (name == "<>") return "(NOT (" + args[0]->ToString() + " = " + args[1]->ToString() + "))";
        return "(" + args[0]->ToString() + " " + op + " " + args[1]->ToString() + ")";
      }
    }
  }
  return CallSql(name, args);
}

Status BinaryOpTypeError(std::string_view name, const std::vector<ExprPtr>& args, std::string_view required) {
  std::string head = "Cannot resolve \"" + BinaryOpSql(name, args) + "\" due to data type mismatch: ";
  const DataType& a = args[0]->type;
  const DataType& b = args[1]->type;
  if (a == b) {
    return Status::AnalysisError("[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] " + head +
                                 "the binary operator requires the input type " + std::string(required) +
                                 ", not \"" + a.ToString() + "\".");
  }
  return Status::AnalysisError("[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] " + head +
                               "the left and right operands of the binary operator have incompatible types (\"" +
                               a.ToString() + "\" and \"" + b.ToString() + "\").");
}

Status ArityError(std::string_view name, const std::vector<ExprPtr>& args, std::string_view expected) {
  return Status::AnalysisError("cannot resolve \"" + CallSql(name, args) + "\": function " +
                               std::string(name) + " requires " + std::string(expected) +
                               " arguments, got " + std::to_string(args.size()));
}

namespace {

bool IsAtomic(const DataType& t) { return !t.is_nested() && !t.is_null(); }

int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kInt: return 1;
    case TypeId::kBigint: return 2;
    case TypeId::kDecimal: return 3;
    case TypeId::kDouble: return 4;
    default: return 0;
  }
}

}  // namespace

DataType DecimalBoundedPreferIntegralDigits(int precision, int scale) {
  if (precision <= 38) return DataType::Decimal(precision, scale);
  return DataType::Decimal(38, std::max(0, scale - (precision - 38)));
}

DataType DecimalAdjusted(int precision, int scale) {
  if (precision <= 38) return DataType::Decimal(precision, scale);
  int int_digits = precision - scale;
  int min_scale = std::min(scale, 6);
  int adjusted = std::max(38 - int_digits, min_scale);
  return DataType::Decimal(38, adjusted);
}

DataType DecimalForType(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt: return DataType::Decimal(10, 0);
    case TypeId::kBigint: return DataType::Decimal(20, 0);
    case TypeId::kDecimal: return t;
    default: return DataType::Decimal(38, 18);
  }
}

DataType DecimalForOperand(const Expr& e) {
  if (e.kind != ExprKind::kLiteral || e.literal.is_null() || !e.type.is_integral()) {
    return DecimalForType(e.type);
  }
  int64_t v = e.type.id() == TypeId::kInt ? e.literal.int_value() : e.literal.bigint_value();
  // Digits of |v|, counted on the negative side so INT64_MIN does not overflow.
  int digits = 1;
  for (int64_t n = v > 0 ? -v : v; n <= -10; n /= 10) ++digits;
  return DataType::Decimal(digits, 0);
}

bool CanImplicitCast(const DataType& from, const DataType& to) {
  if (from == to || from.is_null()) return true;
  if (from.id() == TypeId::kString && IsAtomic(to)) return true;
  if (from.is_numeric() && to.is_numeric()) {
    bool frac = from.id() == TypeId::kDouble || from.id() == TypeId::kDecimal;
    return !(frac && to.is_integral());
  }
  if (IsAtomic(from) && to.id() == TypeId::kString) return true;
  if ((from.id() == TypeId::kDate || from.id() == TypeId::kTimestamp) &&
      (to.id() == TypeId::kDate || to.id() == TypeId::kTimestamp))
    return true;
  if (from.id() == TypeId::kArray && to.id() == TypeId::kArray) {
    return CanImplicitCast(from.element(), to.element());
  }
  return false;
}

Result<Value> EvaluateConstant(const Expr& e) {
  Batch one;
  one.num_rows = 1;
  EvalContext ctx;
  SLUICE_ASSIGN_OR_RETURN(Vector v, ExpressionEvaluator::Evaluate(e, one, nullptr, ctx));
  return v.GetValue(0);
}

Result<ExprPtr> CastTo(ExprPtr e, const DataType& to) {
  if (e->type == to) return e;
  SLUICE_ASSIGN_OR_RETURN(ExprPtr c, BindCast(e, to, false));
  if (e->kind == ExprKind::kLiteral) {
    // Fold; a value that fails to cast stays a CAST so the error surfaces
    // at run time (and only if the row is evaluated).
    auto v = EvaluateConstant(*c);
    if (v.ok()) return MakeLiteral(std::move(v).value());
  }
  return c;
}

Status CoerceArg(std::string_view name, std::vector<ExprPtr>* args, size_t i, const DataType& to) {
  ExprPtr& a = (*args)[i];
  if (a->type == to) return Status::OK();
  if (!CanImplicitCast(a->type, to)) return ArgTypeError(name, *args, i, to.ToString());
  SLUICE_ASSIGN_OR_RETURN(a, CastTo(a, to));
  return Status::OK();
}

Result<DataType> CoerceToCommon(std::string_view name, std::vector<ExprPtr>* args, size_t from,
                                size_t step) {
  DataType common;
  for (size_t i = from; i < args->size(); i += step) {
    auto c = CommonType(common, (*args)[i]->type);
    if (!c.ok()) {
      return Status::AnalysisError("cannot resolve \"" + CallSql(name, *args) +
                                   "\": the arguments must share a type, but " +
                                   common.ToString() + " and " + (*args)[i]->type.ToString() +
                                   " have no common type");
    }
    common = *c;
  }
  for (size_t i = from; i < args->size(); i += step) {
    SLUICE_ASSIGN_OR_RETURN((*args)[i], CastTo((*args)[i], common));
  }
  return common;
}

bool AnyNullable(const std::vector<ExprPtr>& args) {
  for (const auto& a : args) {
    if (a->nullable) return true;
  }
  return false;
}

ExprPtr Call(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args,
             DataType type, bool nullable) {
  return MakeCall(&def.fn, name, std::move(args), std::move(type), nullable);
}

Result<ExprPtr> BindFixed(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  for (size_t i = 0; i < args.size() && !def.params.empty(); ++i) {
    const DataType& p = def.params[std::min(i, def.params.size() - 1)];
    if (p.is_null()) continue;  // any type
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, i, p));
  }
  bool nullable = def.introduces_nulls || AnyNullable(args);
  return Call(def, name, std::move(args), def.result, nullable);
}

Result<std::string> LiteralStringArg(std::string_view name, const std::vector<ExprPtr>& args, size_t i) {
  const Expr& a = *args[i];
  if (!a.IsConstant()) {
    return Status::AnalysisError("cannot resolve \"" + CallSql(name, args) + "\": argument " +
                                 std::to_string(i + 1) + " must be a constant string");
  }
  SLUICE_ASSIGN_OR_RETURN(Value v, EvaluateConstant(a));
  if (v.is_null() || !v.type().is_string_like()) {
    return Status::AnalysisError("cannot resolve \"" + CallSql(name, args) + "\": argument " +
                                 std::to_string(i + 1) + " must be a non-null string literal");
  }
  return v.str_value();
}

}  // namespace fn

namespace {

// `a` and `b` are equal as types (operator== ignores nullability): `a` with
// every nested field nullable where either's is.
DataType WithNullabilityOfBoth(const DataType& a, const DataType& b) {
  if (a.id() == TypeId::kStruct) {
    std::vector<StructField> fields;
    for (size_t i = 0; i < a.fields().size(); ++i) {
      const StructField& fa = a.fields()[i];
      const StructField& fb = b.fields()[i];
      fields.push_back({fa.name, WithNullabilityOfBoth(fa.type, fb.type), fa.nullable || fb.nullable});
    }
    return DataType::Struct(std::move(fields));
  }
  if (a.id() == TypeId::kArray && a.element().is_nested()) {
    return DataType::Array(WithNullabilityOfBoth(a.element(), b.element()));
  }
  return a;
}

}  // namespace

Result<DataType> CommonType(const DataType& a, const DataType& b) {
  if (a == b) return WithNullabilityOfBoth(a, b);
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  TypeId x = a.id(), y = b.id();
  if (a.is_numeric() && b.is_numeric()) {
    if (x == TypeId::kDouble || y == TypeId::kDouble) return DataType::Double();
    if (x == TypeId::kDecimal || y == TypeId::kDecimal) {
      DataType da = fn::DecimalForType(a), db = fn::DecimalForType(b);
      int scale = std::max(da.scale(), db.scale());
      int digits = std::max(da.precision() - da.scale(), db.precision() - db.scale());
      return fn::DecimalBoundedPreferIntegralDigits(digits + scale, scale);
    }
    return fn::NumericRank(x) >= fn::NumericRank(y) ? a : b;
  }
  if ((x == TypeId::kDate && y == TypeId::kTimestamp) || (x == TypeId::kTimestamp && y == TypeId::kDate)) {
    return DataType::Timestamp();
  }
  if (x == TypeId::kString || y == TypeId::kString) {
    const DataType& other = x == TypeId::kString ? b : a;
    if (other.is_integral()) return DataType::Bigint();
    // STRING with a fractional type (DOUBLE or DECIMAL) is DOUBLE.
    if (other.id() == TypeId::kDouble || other.id() == TypeId::kDecimal) return DataType::Double();
    if (!other.is_nested()) return other;
  }
  if (x == TypeId::kArray && y == TypeId::kArray) {
    SLUICE_ASSIGN_OR_RETURN(DataType e, CommonType(a.element(), b.element()));
    return DataType::Array(e);
  }
  if (x == TypeId::kStruct && y == TypeId::kStruct && a.fields().size() == b.fields().size()) {
    std::vector<StructField> fields;
    for (size_t i = 0; i < a.fields().size(); ++i) {
      if (!EqualsIgnoreCase(a.fields()[i].name, b.fields()[i].name)) break;
      SLUICE_ASSIGN_OR_RETURN(DataType t, CommonType(a.fields()[i].type, b.fields()[i].type));
      fields.push_back({a.fields()[i].name, t, true});
    }
    if (fields.size() == a.fields().size()) return DataType::Struct(std::move(fields));
  }
  return Status::AnalysisError("no common type for " + a.ToString() + " and " + b.ToString());
}

namespace {

// Spark's Cast.canAnsiCast.
bool CanAnsiCast(const DataType& from, const DataType& to) {
  if (from == to || from.is_null()) return true;
  TypeId f = from.id(), t = to.id();
  if (t == TypeId::kString) return true;  // everything renders as a string
  if (f == TypeId::kString) {
    return t == TypeId::kBoolean || to.is_numeric() || t == TypeId::kDate || t == TypeId::kTimestamp ||
           t == TypeId::kBinary;
  }
  if (from.is_numeric() || f == TypeId::kBoolean) {
    if (to.is_numeric() || t == TypeId::kBoolean) return true;
    if (t == TypeId::kTimestamp) return from.is_numeric();
    return false;
  }
  if (f == TypeId::kDate) return t == TypeId::kTimestamp;
  if (f == TypeId::kTimestamp) return t == TypeId::kDate || to.is_numeric();
  if (f == TypeId::kBinary) return false;
  if (f == TypeId::kArray && t == TypeId::kArray) return CanAnsiCast(from.element(), to.element());
  if (f == TypeId::kStruct && t == TypeId::kStruct) {
    if (from.fields().size() != to.fields().size()) return false;
    for (size_t i = 0; i < from.fields().size(); ++i) {
      if (!CanAnsiCast(from.fields()[i].type, to.fields()[i].type)) return false;
    }
    return true;
  }
  return false;
}

}  // namespace

Result<ExprPtr> BindCast(ExprPtr arg, const DataType& to, bool try_cast) {
  if (!CanAnsiCast(arg->type, to)) {
    return Status::AnalysisError("cannot resolve \"" + std::string(try_cast ? "TRY_CAST(" : "CAST(") +
                                 arg->ToString() + " AS " + to.ToString() + ")\": cannot cast " +
                                 arg->type.ToString() + " to " + to.ToString());
  }
  const fn::FunctionDef* def = fn::FunctionTable::Get().Find(try_cast ? "try_cast" : "cast");
  // A DOUBLE's NaN or infinity is a NULL DECIMAL, in ANSI mode too.
  bool nullable = arg->nullable || try_cast || to.id() == TypeId::kStruct ||
                  (arg->type.id() == TypeId::kDouble && to.id() == TypeId::kDecimal);
  std::vector<ExprPtr> args{std::move(arg)};
  return MakeCall(&def->fn, try_cast ? "try_cast" : "cast", std::move(args), to, nullable);
}

Result<ExprPtr> BindScalarFunction(std::string_view name, std::vector<ExprPtr> args) {
  std::string lname = ToLower(name);
  const fn::FunctionDef* def = fn::FunctionTable::Get().Find(lname);
  if (def == nullptr || def->bind == nullptr) {
    return Status::AnalysisError("cannot resolve \"" + fn::CallSql(lname, args) +
                                 "\": undefined function " + lname);
  }
  int n = static_cast<int>(args.size());
  if (n < def->min_args || (def->max_args >= 0 && n > def->max_args)) {
    std::string expected;
    if (def->max_args < 0) {
      expected = "at least " + std::to_string(def->min_args);
    } else if (def->min_args == def->max_args) {
      expected = std::to_string(def->min_args);
    } else {
      expected = std::to_string(def->min_args) + " to " + std::to_string(def->max_args);
    }
    return fn::ArityError(lname, args, expected);
  }
  return def->bind(*def, lname, std::move(args));
}

bool IsScalarFunction(std::string_view name) { return fn::FunctionTable::Get().Find(name) != nullptr; }

std::vector<std::string> ScalarFunctionNames() { return fn::FunctionTable::Get().Names(); }

}  // namespace sluice
