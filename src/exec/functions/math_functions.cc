// Math functions: abs, round (HALF_UP), bround (HALF_EVEN), floor, ceil,
// pow, sqrt, cbrt, exp, ln/log, log10, log2, sign/signum.
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "exec/functions/cast_ops.h"
#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"

namespace sluice::fn {

namespace {

// DOUBLE -> DOUBLE; results that Spark defines as NULL (log of x <= 0) come
// back as nullopt.
template <typename F>
Result<Vector> DoubleMap(const std::vector<Vector>& args, size_t n, F f) {
  Vector out(DataType::Double(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  double* d = out.data<double>();
  for (size_t i = 0; i < n; ++i) {
    double x = args[0].data<double>()[Row(args[0], n, i)];
    double y = args.size() > 1 ? args[1].data<double>()[Row(args[1], n, i)] : 0.0;
    std::optional<double> r = f(x, y);
    if (r) {
      d[i] = *r;
    } else {
      out.SetNull(i);
    }
  }
  return out;
}

Result<Vector> UnaryMath(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const std::string& name = ctx.call->name;
  if (name == "sqrt") return DoubleMap(args, n, [](double x, double) -> std::optional<double> { return std::sqrt(x); });
  if (name == "cbrt") return DoubleMap(args, n, [](double x, double) -> std::optional<double> { return std::cbrt(x); });
  if (name == "exp") return DoubleMap(args, n, [](double x, double) -> std::optional<double> { return std::exp(x); });
  if (name == "ln" || (name == "log" && args.size() == 1)) {
    return DoubleMap(args, n, [](double x, double) -> std::optional<double> {
      if (x <= 0) return std::nullopt;
      return std::log(x);
    });
  }
  if (name == "log") {  // log(base, x)
    return DoubleMap(args, n, [](double b, double x) -> std::optional<double> {
      if (b <= 0 || x <= 0) return std::nullopt;
      return std::log(x) / std::log(b);
    });
  }
  if (name == "log10") {
    return DoubleMap(args, n, [](double x, double) -> std::optional<double> {
      if (x <= 0) return std::nullopt;
      return std::log10(x);
    });
  }
  if (name == "log2") {
    return DoubleMap(args, n, [](double x, double) -> std::optional<double> {
      if (x <= 0) return std::nullopt;
      return std::log2(x);
    });
  }
  if (name == "pow" || name == "power") {
    return DoubleMap(args, n, [](double x, double y) -> std::optional<double> { return std::pow(x, y); });
  }
  if (name == "sign" || name == "signum") {
    return DoubleMap(args, n, [](double x, double) -> std::optional<double> {
      if (std::isnan(x)) return x;
      return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
    });
  }
  return Status::Internal("no math kernel for " + name);
}

Result<Vector> AbsKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& a = args[0];
  Vector out(ctx.call->type, n);
  if (!PropagateNulls(&out, args, n)) return out;
  bool bad = false;
  DispatchPhysical(a.type().id(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, double>) {
      for (size_t i = 0; i < n; ++i) out.data<T>()[i] = std::fabs(a.data<T>()[Row(a, n, i)]);
    } else if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t> || std::is_same_v<T, int128_t>) {
      for (size_t i = 0; i < n; ++i) {
        T v = a.data<T>()[Row(a, n, i)];
        if constexpr (!std::is_same_v<T, int128_t>) bad |= (v == std::numeric_limits<T>::min()) & out.IsValid(i);
        out.data<T>()[i] = v < 0 ? static_cast<T>(0 - v) : v;
      }
    }
  });
  if (bad) return ArithmeticOverflow(a.type().id() == TypeId::kInt ? "integer" : "long", "");
  return out;
}

// Rounds an unscaled decimal to `scale` digits (may be negative) with
// HALF_UP or HALF_EVEN; result at scale max(scale, 0).
int128_t RoundUnscaled(int128_t v, int from_scale, int scale, bool half_even) {
  int drop = from_scale - scale;
  if (drop <= 0) {
    int128_t r;
    Rescale(v, from_scale, std::max(scale, 0), &r);
    return r;
  }
  int128_t p = Pow10(std::min(drop, 38));
  int128_t q = v / p, rem = v % p;
  int128_t arem = rem < 0 ? -rem : rem;
  bool up = arem * 2 > p || (arem * 2 == p && (!half_even || (q % 2 != 0)));
  if (up) q += v < 0 ? -1 : 1;
  if (scale < 0) q *= Pow10(-scale);
  return q;
}

double RoundDouble(double x, int scale, bool half_even) {
  if (std::isnan(x) || std::isinf(x)) return x;
  // Through the shortest decimal text, as Spark's BigDecimal(Double.toString).
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  // d.ddddde[+-]XX
  bool neg = s[0] == '-';
  if (neg) s.remove_prefix(1);
  size_t e = s.find('e');
  int exp = std::stoi(std::string(s.substr(e + 1)));
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  // value = digits * 10^(exp - (digits.size()-1))
  int cur_scale = static_cast<int>(digits.size()) - 1 - exp;
  if (cur_scale <= scale) return x;
  if (digits.size() > 36) return x;
  int128_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  if (cur_scale - scale > 38) return neg ? -0.0 : 0.0;
  int128_t q = RoundUnscaled(v, cur_scale, scale, half_even);
  // q is at scale max(scale, 0)
  std::string out = FormatDecimal(q, std::max(scale, 0));
  double d = 0;
  std::from_chars(out.data(), out.data() + out.size(), d);
  return neg ? -d : d;
}

Result<Vector> RoundKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  bool half_even = ctx.call->name == "bround";
  int scale = 0;
  if (args.size() == 2) {
    if (!args[1].IsValid(0)) return AllNull(ctx.call->type, n);
    scale = args[1].data<int32_t>()[0];
  }
  const Vector& a = args[0];
  Vector out(ctx.call->type, n);
  if (!AndValidity(&out, a, n)) return out;
  bool bad = false;
  switch (a.type().id()) {
    case TypeId::kDouble:
      for (size_t i = 0; i < n; ++i) out.data<double>()[i] = RoundDouble(a.data<double>()[Row(a, n, i)], scale, half_even);
      break;
    case TypeId::kInt:
    case TypeId::kBigint: {
      bool is_int = a.type().id() == TypeId::kInt;
      for (size_t i = 0; i < n; ++i) {
        int64_t v = is_int ? a.data<int32_t>()[Row(a, n, i)] : a.data<int64_t>()[Row(a, n, i)];
        int128_t r = scale >= 0 ? v : RoundUnscaled(v, 0, scale, half_even);
        if (is_int) {
          bad |= (r > INT32_MAX || r < INT32_MIN) && out.IsValid(i);
          out.data<int32_t>()[i] = static_cast<int32_t>(r);
        } else {
          bad |= (r > INT64_MAX || r < INT64_MIN) && out.IsValid(i);
          out.data<int64_t>()[i] = static_cast<int64_t>(r);
        }
      }
      break;
    }
    case TypeId::kDecimal: {
      int from = a.type().scale();
      int to = ctx.call->type.scale();
      for (size_t i = 0; i < n; ++i) {
        int128_t r = RoundUnscaled(a.data<int128_t>()[Row(a, n, i)], from, scale, half_even);
        // r is at scale max(scale, 0); bring to the result scale.
        int128_t q;
        Rescale(r, std::max(scale, 0), to, &q);
        bad |= !FitsPrecision(q, ctx.call->type.precision()) && out.IsValid(i);
        out.data<int128_t>()[i] = q;
      }
      break;
    }
    default: return Status::Internal("round on " + a.type().ToString());
  }
  if (bad) return ArithmeticOverflow("round", "");
  return out;
}

Result<Vector> FloorCeilKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  bool ceil = ctx.call->name != "floor";
  const Vector& a = args[0];
  Vector out(ctx.call->type, n);
  if (!AndValidity(&out, a, n)) return out;
  switch (a.type().id()) {
    case TypeId::kDouble: {
      bool bad = false;
      for (size_t i = 0; i < n; ++i) {
        double x = a.data<double>()[Row(a, n, i)];
        double r = ceil ? std::ceil(x) : std::floor(x);
        // Spark: out of range and NaN saturate as Java's (long) cast does.
        int64_t v;
        if (std::isnan(r)) {
          v = 0;
        } else if (r >= 9.2233720368547758e18) {
          v = INT64_MAX;
        } else if (r <= -9.2233720368547758e18) {
          v = INT64_MIN;
        } else {
          v = static_cast<int64_t>(r);
        }
        out.data<int64_t>()[i] = v;
      }
      (void)bad;
      break;
    }
    case TypeId::kInt:
      for (size_t i = 0; i < n; ++i) out.data<int64_t>()[i] = a.data<int32_t>()[Row(a, n, i)];
      break;
    case TypeId::kBigint:
      for (size_t i = 0; i < n; ++i) out.data<int64_t>()[i] = a.data<int64_t>()[Row(a, n, i)];
      break;
    case TypeId::kDecimal: {
      int s = a.type().scale();
      int128_t p = Pow10(s);
      for (size_t i = 0; i < n; ++i) {
        int128_t v = a.data<int128_t>()[Row(a, n, i)];
        int128_t q = v / p, r = v % p;
        if (ceil && r > 0) ++q;
        if (!ceil && r < 0) --q;
        out.data<int128_t>()[i] = q;
      }
      break;
    }
    default: return Status::Internal("floor/ceil on " + a.type().ToString());
  }
  return out;
}

Status NumericArg(std::string_view name, std::vector<ExprPtr>* args, size_t i) {
  ExprPtr& a = (*args)[i];
  if (a->type.id() == TypeId::kString || a->type.is_null()) {
    SLUICE_ASSIGN_OR_RETURN(a, CastTo(a, DataType::Double()));
  }
  if (!a->type.is_numeric()) return ArgTypeError(name, *args, i, "NUMERIC");
  return Status::OK();
}

Result<ExprPtr> BindDoubleFn(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    SLUICE_RETURN_NOT_OK(NumericArg(name, &args, i));
    SLUICE_ASSIGN_OR_RETURN(args[i], CastTo(args[i], DataType::Double()));
  }
  bool nullable = AnyNullable(args) || name == "ln" || name == "log" || name == "log10" || name == "log2";
  return Call(def, name, std::move(args), DataType::Double(), nullable);
}

Result<ExprPtr> BindAbs(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(NumericArg(name, &args, 0));
  DataType t = args[0]->type;
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), t, nullable);
}

Result<ExprPtr> BindRound(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(NumericArg(name, &args, 0));
  int scale = 0;
  if (args.size() == 2) {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 1, DataType::Int()));
    if (!args[1]->IsConstant()) {
      return Status::AnalysisError("cannot resolve \"" + CallSql(name, args) + "\": the scale must be a constant");
    }
    SLUICE_ASSIGN_OR_RETURN(Value v, EvaluateConstant(*args[1]));
    if (!v.is_null()) scale = v.int_value();
  }
  DataType t = args[0]->type;
  if (t.id() == TypeId::kDecimal) {
    int p = t.precision(), s = t.scale();
    int least = p - s + 1;
    if (scale < 0) {
      t = DataType::Decimal(std::min(std::max(least, -scale + 1), 38), 0);
    } else {
      int ns = std::min(s, scale);
      t = DataType::Decimal(std::min(least + ns, 38), ns);
    }
  }
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), t, nullable);
}

Result<ExprPtr> BindFloorCeil(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(NumericArg(name, &args, 0));
  DataType t = args[0]->type;
  DataType r = DataType::Bigint();
  if (t.id() == TypeId::kDecimal) r = DataType::Decimal(std::min(t.precision() - t.scale() + 1, 38), 0);
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), r, nullable);
}

}  // namespace

void RegisterMathFunctions(FunctionTable& t) {
  auto add = [&](const char* name, decltype(ScalarFunction::kernel) k, BindFn bind, int min, int max,
                 std::vector<std::string> aliases = {}) {
    FunctionDef d;
    d.fn.name = name;
    d.fn.kernel = k;
    d.bind = bind;
    d.min_args = min;
    d.max_args = max;
    t.Add(std::move(d), std::move(aliases));
  };
  add("abs", AbsKernel, BindAbs, 1, 1);
  add("round", RoundKernel, BindRound, 1, 2);
  add("bround", RoundKernel, BindRound, 1, 2);
  add("floor", FloorCeilKernel, BindFloorCeil, 1, 1);
  add("ceil", FloorCeilKernel, BindFloorCeil, 1, 1, {"ceiling"});
  add("sqrt", UnaryMath, BindDoubleFn, 1, 1);
  add("cbrt", UnaryMath, BindDoubleFn, 1, 1);
  add("exp", UnaryMath, BindDoubleFn, 1, 1);
  add("ln", UnaryMath, BindDoubleFn, 1, 1);
  add("log", UnaryMath, BindDoubleFn, 1, 2);
  add("log10", UnaryMath, BindDoubleFn, 1, 1);
  add("log2", UnaryMath, BindDoubleFn, 1, 1);
  add("pow", UnaryMath, BindDoubleFn, 2, 2);
  add("power", UnaryMath, BindDoubleFn, 2, 2);
  add("sign", UnaryMath, BindDoubleFn, 1, 1);
  add("signum", UnaryMath, BindDoubleFn, 1, 1);
}

}  // namespace sluice::fn
