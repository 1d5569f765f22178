// Arithmetic operators: + - * / % div negate, try_add / try_subtract /
// try_multiply / try_divide / try_mod, pmod. ANSI: integer overflow and
// division by zero are ExecutionErrors (the try_ forms give NULL).
#include <cmath>

#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"

namespace sluice::fn {

namespace {

enum class Op : uint8_t { kAdd, kSub, kMul, kDiv, kMod, kIntDiv, kPmod };

Op OpOf(std::string_view name) {
  if (name == "+" || name == "try_add") return Op::kAdd;
  if (name == "-" || name == "try_subtract") return Op::kSub;
  if (name == "*" || name == "try_multiply") return Op::kMul;
  if (name == "/" || name == "try_divide") return Op::kDiv;
  if (name == "div") return Op::kIntDiv;
  if (name == "pmod") return Op::kPmod;
  return Op::kMod;
}
bool IsTry(std::string_view name) { return name.substr(0, 4) == "try_"; }
const char* TryName(Op op) {
  switch (op) {
    case Op::kAdd: return "try_add";
    case Op::kSub: return "try_subtract";
    case Op::kMul: return "try_multiply";
    case Op::kDiv: return "try_divide";
    default: return "try_mod";
  }
}

// One row of an integral op; sets `bad` on overflow or zero divisor.
template <Op op, typename T>
inline T IntApply(T a, T b, bool& bad) {
  T r;
  if constexpr (op == Op::kAdd) {
    bad |= __builtin_add_overflow(a, b, &r);
  } else if constexpr (op == Op::kSub) {
    bad |= __builtin_sub_overflow(a, b, &r);
  } else if constexpr (op == Op::kMul) {
    bad |= __builtin_mul_overflow(a, b, &r);
  } else if constexpr (op == Op::kMod || op == Op::kPmod) {
    bad |= b == 0;
    T d = (b == 0 || b == -1) ? 1 : b;  // x % -1 == 0; avoid INT_MIN % -1
    r = a % d;
    if constexpr (op == Op::kPmod) r = (r < 0) ? (r + (d < 0 ? -d : d)) % d : r;
  } else {  // kIntDiv
    bool zero = b == 0;
    bool ovf = (a == std::numeric_limits<T>::min()) & (b == -1);
    bad |= zero | ovf;
    r = (zero | ovf) ? 0 : a / b;
  }
  return r;
}

template <Op op>
inline double DoubleApply(double a, double b, bool& bad) {
  if constexpr (op == Op::kAdd) return a + b;
  if constexpr (op == Op::kSub) return a - b;
  if constexpr (op == Op::kMul) return a * b;
  if constexpr (op == Op::kDiv) {
    bad |= b == 0;
    return a / b;
  }
  if constexpr (op == Op::kMod || op == Op::kPmod) {
    bad |= b == 0;
    double r = std::fmod(a, b);
    if constexpr (op == Op::kPmod) {
      if (r < 0) r = std::fmod(r + std::fabs(b), b);
    }
    return r;
  }
  return 0;
}

// Error for a row that failed: divide by zero or overflow.
Status RowError(Op op, bool divisor_zero, std::string_view type_word, bool decimal, const DataType& rt) {
  if (divisor_zero) return op == Op::kMod || op == Op::kPmod ? RemainderByZero() : DivideByZero();
  if (decimal) {
    return Status::ExecutionError("[NUMERIC_VALUE_OUT_OF_RANGE] the result cannot be represented as " +
                                  rt.ToString() + ". Use '" + TryName(op) +
                                  "' to tolerate overflow and return NULL instead.");
  }
  return ArithmeticOverflow(type_word, TryName(op));
}

template <typename T>
bool IsZero(const Vector& v, size_t n, size_t i) {
  return v.data<T>()[Row(v, n, i)] == T{0};
}

// Runs op over n rows; on any failure re-checks rows one by one (only valid
// rows fail; try_ forms null them).
template <typename T, typename R, typename F>
Result<Vector> RunBinary(const KernelContext& ctx, const std::vector<Vector>& args, size_t n, Op op, F f,
                         std::string_view type_word, bool decimal) {
  const Vector& a = args[0];
  const Vector& b = args[1];
  Vector out(ctx.call->type, n);
  if (!PropagateNulls(&out, args, n)) return out;
  bool bad = false;
  BinaryLoop(a.data<T>(), IsScalar(a, n), b.data<T>(), IsScalar(b, n), out.data<R>(), n, f, bad);
  if (bad) {
    bool try_mode = IsTry(ctx.call->name);
    for (size_t i = 0; i < n; ++i) {
      if (!out.IsValid(i)) continue;
      bool row_bad = false;
      f(a.data<T>()[Row(a, n, i)], b.data<T>()[Row(b, n, i)], row_bad);
      if (!row_bad) continue;
      if (try_mode) {
        out.SetNull(i);
        continue;
      }
      bool zero = (op == Op::kDiv || op == Op::kMod || op == Op::kIntDiv || op == Op::kPmod) &&
                  IsZero<T>(b, n, i);
      return RowError(op, zero, type_word, decimal, ctx.call->type);
    }
  }
  return out;
}

template <Op op>
Result<Vector> ArithKernelT(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const DataType& lt = args[0].type();
  const DataType& rt = ctx.call->type;
  switch (lt.id()) {
    case TypeId::kInt:
      if constexpr (op == Op::kDiv) break;
      else return RunBinary<int32_t, int32_t>(
          ctx, args, n, op, [](int32_t x, int32_t y, bool& b) { return IntApply<op, int32_t>(x, y, b); }, "integer",
          false);
    case TypeId::kBigint:
      if constexpr (op == Op::kDiv) break;
      else return RunBinary<int64_t, int64_t>(
          ctx, args, n, op, [](int64_t x, int64_t y, bool& b) { return IntApply<op, int64_t>(x, y, b); }, "long",
          false);
    case TypeId::kDouble:
      if constexpr (op == Op::kIntDiv) break;
      else return RunBinary<double, double>(
          ctx, args, n, op, [](double x, double y, bool& b) { return DoubleApply<op>(x, y, b); }, "double", false);
    case TypeId::kDecimal: {
      int s1 = args[0].type().scale(), s2 = args[1].type().scale();
      int rs = rt.id() == TypeId::kDecimal ? rt.scale() : 0;
      int rp = rt.id() == TypeId::kDecimal ? rt.precision() : 38;
      bool to_long = rt.id() == TypeId::kBigint;
      auto f = [=](int128_t a, int128_t b, bool& bad) -> int128_t {
        int128_t r = 0, x, y;
        if constexpr (op == Op::kAdd || op == Op::kSub || op == Op::kMod || op == Op::kPmod ||
                      op == Op::kIntDiv) {
          int s = s1 > s2 ? s1 : s2;
          if (!Rescale(a, s1, s, &x) || !Rescale(b, s2, s, &y)) return bad = true, 0;
          if constexpr (op == Op::kAdd) {
            if (__builtin_add_overflow(x, y, &r)) return bad = true, 0;
          } else if constexpr (op == Op::kSub) {
            if (__builtin_sub_overflow(x, y, &r)) return bad = true, 0;
          } else if constexpr (op == Op::kIntDiv) {
            if (y == 0) return bad = true, 0;
            r = x / y;
            if (r > INT64_MAX || r < INT64_MIN) bad = true;
            return r;
          } else {
            if (y == 0) return bad = true, 0;
            r = x % y;
            if constexpr (op == Op::kPmod) {
              if (r < 0) r = (r + (y < 0 ? -y : y)) % y;
            }
          }
          if (!Rescale(r, s, rs, &r)) return bad = true, 0;
        } else if constexpr (op == Op::kMul) {
          if (!__builtin_mul_overflow(a, b, &r)) {
            if (!Rescale(r, s1 + s2, rs, &r)) return bad = true, 0;
          } else {
            // The exact product passes 128 bits: rounded to scale rs in 256.
            const int drop = s1 + s2 - rs;
            if (drop < 0 || drop > 38 || !MulDivHalfUp(a, b, Pow10(drop), &r)) return bad = true, 0;
          }
        } else {  // kDiv: a / b at scale rs, HALF_UP
          if (b == 0) return bad = true, 0;
          int k = rs + s2 - s1;
          int128_t num = a;
          int128_t den = b;
          if (k >= 0) {
            if (k > 38) return bad = true, 0;
            if (__builtin_mul_overflow(a, Pow10(k), &num)) {
              // a * 10^k passes 128 bits: the quotient from its 256-bit form.
              if (!MulDivHalfUp(a, Pow10(k), b, &r)) return bad = true, 0;
              if (!to_long && !FitsPrecision(r, rp)) bad = true;
              return r;
            }
          } else {
            if (-k > 38 || __builtin_mul_overflow(b, Pow10(-k), &den)) return bad = true, 0;
          }
          int128_t q = num / den, rem = num % den;
          if (rem < 0) rem = -rem;
          int128_t aden = den < 0 ? -den : den;
          if (rem >= aden - rem) q += ((num < 0) != (den < 0)) ? -1 : 1;
          r = q;
        }
        if (!to_long && !FitsPrecision(r, rp)) bad = true;
        return r;
      };
      if (to_long) {
        // div on decimals: quotient as BIGINT.
        Vector out(rt, n);
        if (!PropagateNulls(&out, args, n)) return out;
        for (size_t i = 0; i < n; ++i) {
          if (!out.IsValid(i)) continue;
          bool bad = false;
          int128_t b = args[1].data<int128_t>()[Row(args[1], n, i)];
          int128_t q = f(args[0].data<int128_t>()[Row(args[0], n, i)], b, bad);
          if (bad) return RowError(op, b == 0, "long", false, rt);
          out.data<int64_t>()[i] = static_cast<int64_t>(q);
        }
        return out;
      }
      return RunBinary<int128_t, int128_t>(ctx, args, n, op, f, "decimal", true);
    }
    default: break;
  }
  return Status::Internal("no kernel for " + ctx.call->name + " on " + lt.ToString());
}

Result<Vector> ArithKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  switch (OpOf(ctx.call->name)) {
    case Op::kAdd: return ArithKernelT<Op::kAdd>(ctx, args, n);
    case Op::kSub: return ArithKernelT<Op::kSub>(ctx, args, n);
    case Op::kMul: return ArithKernelT<Op::kMul>(ctx, args, n);
    case Op::kDiv: return ArithKernelT<Op::kDiv>(ctx, args, n);
    case Op::kMod: return ArithKernelT<Op::kMod>(ctx, args, n);
    case Op::kIntDiv: return ArithKernelT<Op::kIntDiv>(ctx, args, n);
    case Op::kPmod: return ArithKernelT<Op::kPmod>(ctx, args, n);
  }
  return Status::Internal("bad arithmetic op");
}

Result<Vector> NegateKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& a = args[0];
  Vector out(ctx.call->type, n);
  if (!PropagateNulls(&out, args, n)) return out;
  bool bad = false;
  Status decimal_error;
  DispatchPhysical(a.type().id(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t> || std::is_same_v<T, int128_t> ||
                  std::is_same_v<T, double>) {
      const T* s = a.data<T>();
      T* d = out.data<T>();
      bool sc = IsScalar(a, n);
      for (size_t i = 0; i < n; ++i) {
        T v = s[sc ? 0 : i];
        if constexpr (std::is_same_v<T, double>) {
          d[i] = -v;
        } else if constexpr (std::is_same_v<T, int128_t>) {
          if (!NegateDecimalAsSpark(v, a.type().precision(), &d[i]) && out.IsValid(i)) {
            decimal_error = DecimalNegationOutOfRange(d[i], a.type());
            return;
          }
        } else {
          bool o = __builtin_sub_overflow(T{0}, v, &d[i]);
          bad |= o & out.IsValid(i);
        }
      }
    }
  });
  SLUICE_RETURN_NOT_OK(decimal_error);
  if (bad) return ArithmeticOverflow(a.type().id() == TypeId::kInt ? "integer" : "long", "");
  return out;
}

Result<Vector> PositiveKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  return Densify(args[0], n);
}

Status NumericArg(std::string_view name, const std::vector<ExprPtr>& args, size_t i) {
  const DataType& t = args[i]->type;
  if (t.is_numeric() || t.is_null()) return Status::OK();
  return ArgTypeError(name, args, i, "NUMERIC");
}

// The operand type a STRING is promoted to next to `other` (ANSI,
// findWiderTypeForString): BIGINT next to an integral type, else DOUBLE
// (a DECIMAL included).
DataType StringPromotion(const DataType& other) {
  if (other.is_integral()) return DataType::Bigint();
  return DataType::Double();
}

Result<ExprPtr> BindArith(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  Op op = OpOf(name);
  // DATE +/- INT: date arithmetic in days.
  const DataType& t0 = args[0]->type;
  const DataType& t1 = args[1]->type;
  if ((op == Op::kAdd || op == Op::kSub) && t0.id() == TypeId::kDate && (t1.is_integral() || t1.is_null())) {
    return BindScalarFunction(op == Op::kAdd ? "date_add" : "date_sub", std::move(args));
  }
  if (op == Op::kAdd && t1.id() == TypeId::kDate && t0.is_integral()) {
    return BindScalarFunction("date_add", {args[1], args[0]});
  }
  for (size_t i = 0; i < 2; ++i) {
    const DataType& t = args[i]->type;
    const DataType& other = args[1 - i]->type;
    if (t.id() == TypeId::kString) {
      SLUICE_ASSIGN_OR_RETURN(args[i], CastTo(args[i], StringPromotion(other)));
    }
  }
  for (size_t i = 0; i < 2; ++i) {
    if (!NumericArg(name, args, i).ok()) {
      return BinaryOpTypeError(name, args, "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\")");
    }
  }
  DataType a = args[0]->type, b = args[1]->type;
  if (a.is_null() && b.is_null()) a = b = DataType::Double();
  if (a.is_null()) a = b;
  if (b.is_null()) b = a;
  bool dbl = a.id() == TypeId::kDouble || b.id() == TypeId::kDouble;
  bool dec = !dbl && (a.id() == TypeId::kDecimal || b.id() == TypeId::kDecimal);
  DataType operand, result;
  if (dbl) {
    if (op == Op::kIntDiv) {
      size_t i = a.id() == TypeId::kDouble ? 0 : 1;
      return ArgTypeError(name, args, i, "INTEGRAL or DECIMAL");
    }
    operand = result = DataType::Double();
  } else if (dec) {
    // An integral literal is narrowed to the DECIMAL of its value only next
    // to a DECIMAL (a NULL side has taken the other side's type above).
    DataType da = a.id() == TypeId::kDecimal ? a : DecimalForOperand(*args[0]);
    DataType db = b.id() == TypeId::kDecimal ? b : DecimalForOperand(*args[1]);
    int p1 = da.precision(), s1 = da.scale(), p2 = db.precision(), s2 = db.scale();
    switch (op) {
      case Op::kAdd:
      case Op::kSub: {
        int s = std::max(s1, s2);
        result = DecimalAdjusted(std::max(p1 - s1, p2 - s2) + s + 1, s);
        break;
      }
      case Op::kMul: result = DecimalAdjusted(p1 + p2 + 1, s1 + s2); break;
      case Op::kDiv: {
        int s = std::max(6, s1 + p2 + 1);
        result = DecimalAdjusted(p1 - s1 + s2 + s, s);
        break;
      }
      case Op::kMod:
      case Op::kPmod: {
        int s = std::max(s1, s2);
        result = DecimalAdjusted(std::min(p1 - s1, p2 - s2) + s, s);
        break;
      }
      case Op::kIntDiv: result = DataType::Bigint(); break;
    }
    SLUICE_ASSIGN_OR_RETURN(args[0], CastTo(args[0], da));
    SLUICE_ASSIGN_OR_RETURN(args[1], CastTo(args[1], db));
    bool nullable = AnyNullable(args) || op == Op::kDiv || IsTry(name);
    return Call(def, name, std::move(args), result, nullable);
  } else if (op == Op::kDiv) {
    operand = result = DataType::Double();
  } else if (op == Op::kIntDiv) {
    operand = result = DataType::Bigint();
  } else {
    operand = result = (a.id() == TypeId::kBigint || b.id() == TypeId::kBigint) ? DataType::Bigint() : DataType::Int();
  }
  SLUICE_ASSIGN_OR_RETURN(args[0], CastTo(args[0], operand));
  SLUICE_ASSIGN_OR_RETURN(args[1], CastTo(args[1], operand));
  bool nullable = AnyNullable(args) || IsTry(name);
  return Call(def, name, std::move(args), result, nullable);
}

Result<ExprPtr> BindUnaryNumeric(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() == TypeId::kString) {
    SLUICE_ASSIGN_OR_RETURN(args[0], CastTo(args[0], DataType::Double()));
  }
  if (args[0]->type.is_null()) {
    SLUICE_ASSIGN_OR_RETURN(args[0], CastTo(args[0], DataType::Double()));
  }
  SLUICE_RETURN_NOT_OK(NumericArg(name, args, 0));
  DataType t = args[0]->type;
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), t, nullable);
}

}  // namespace

void RegisterArithmeticFunctions(FunctionTable& t) {
  auto add = [&](const char* name, std::vector<std::string> aliases = {}) {
    FunctionDef d;
    d.fn.name = name;
    d.fn.kernel = ArithKernel;
    d.bind = BindArith;
    d.min_args = d.max_args = 2;
    t.Add(std::move(d), std::move(aliases));
  };
  for (const char* n : {"+", "-", "*", "/", "%", "div", "try_add", "try_subtract", "try_multiply",
                        "try_divide", "try_mod", "pmod"}) {
    add(n);
  }
  add("mod");
  FunctionDef neg;
  neg.fn.name = "negate";
  neg.fn.kernel = NegateKernel;
  neg.bind = BindUnaryNumeric;
  neg.min_args = neg.max_args = 1;
  t.Add(std::move(neg), {"negative"});
  FunctionDef pos;
  pos.fn.name = "positive";
  pos.fn.kernel = PositiveKernel;
  pos.bind = BindUnaryNumeric;
  pos.min_args = pos.max_args = 1;
  t.Add(std::move(pos));
}

}  // namespace sluice::fn
