// Math functions: abs, round (HALF_UP), bround (HALF_EVEN), floor, ceil,
// pow, sqrt, cbrt, exp, ln/log, log10, log2, sign/signum, pi, e, degrees,
// radians, trigonometric and hyperbolic functions (sin, cos, tan, cot, asin,
// acos, atan, atan2, sinh, cosh, tanh), factorial, and the radix functions
// hex, unhex, bin and conv (Spark's NumberConverter).
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

// Cube root correctly rounded as Java's Math.cbrt (fdlibm): glibc's cbrt is
// off by one ulp for some perfect cubes (cbrt(27.0) = 3.0000000000000004),
// so the neighbours of its result are checked with extended precision.
double Cbrt(double x) {
  double r = std::cbrt(x);
  if (!std::isfinite(r) || r == 0) return r;
  auto err = [x](double c) {
    long double lc = c;
    long double e = lc * lc * lc - static_cast<long double>(x);
    return e < 0 ? -e : e;
  };
  double best = r;
  long double best_err = err(r);
  for (double c : {std::nextafter(r, -INFINITY), std::nextafter(r, INFINITY)}) {
    long double e = err(c);
    if (e < best_err) {
      best = c;
      best_err = e;
    }
  }
  return best;
}

// Java's Math.toDegrees / toRadians constants (JDK 9+).
constexpr double kRadiansToDegrees = 57.29577951308232;
constexpr double kDegreesToRadians = 0.017453292519943295;

Result<Vector> UnaryMath(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const std::string& name = ctx.call->name;
  if (name == "sqrt") return DoubleMap(args, n, [](double x, double) -> std::optional<double> { return std::sqrt(x); });
  if (name == "cbrt") return DoubleMap(args, n, [](double x, double) -> std::optional<double> { return Cbrt(x); });
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
  using D = std::optional<double>;
  if (name == "degrees") return DoubleMap(args, n, [](double x, double) -> D { return x * kRadiansToDegrees; });
  if (name == "radians") return DoubleMap(args, n, [](double x, double) -> D { return x * kDegreesToRadians; });
  if (name == "sin") return DoubleMap(args, n, [](double x, double) -> D { return std::sin(x); });
  if (name == "cos") return DoubleMap(args, n, [](double x, double) -> D { return std::cos(x); });
  if (name == "tan") return DoubleMap(args, n, [](double x, double) -> D { return std::tan(x); });
  if (name == "cot") return DoubleMap(args, n, [](double x, double) -> D { return 1.0 / std::tan(x); });
  if (name == "sec") return DoubleMap(args, n, [](double x, double) -> D { return 1.0 / std::cos(x); });
  if (name == "csc") return DoubleMap(args, n, [](double x, double) -> D { return 1.0 / std::sin(x); });
  if (name == "asin") return DoubleMap(args, n, [](double x, double) -> D { return std::asin(x); });
  if (name == "acos") return DoubleMap(args, n, [](double x, double) -> D { return std::acos(x); });
  if (name == "atan") return DoubleMap(args, n, [](double x, double) -> D { return std::atan(x); });
  if (name == "atan2") return DoubleMap(args, n, [](double y, double x) -> D { return std::atan2(y, x); });
  if (name == "sinh") return DoubleMap(args, n, [](double x, double) -> D { return std::sinh(x); });
  if (name == "cosh") return DoubleMap(args, n, [](double x, double) -> D { return std::cosh(x); });
  if (name == "tanh") return DoubleMap(args, n, [](double x, double) -> D { return std::tanh(x); });
  if (name == "asinh") return DoubleMap(args, n, [](double x, double) -> D { return std::asinh(x); });
  if (name == "acosh") return DoubleMap(args, n, [](double x, double) -> D { return std::acosh(x); });
  if (name == "atanh") return DoubleMap(args, n, [](double x, double) -> D { return std::atanh(x); });
  if (name == "expm1") return DoubleMap(args, n, [](double x, double) -> D { return std::expm1(x); });
  if (name == "log1p") {
    return DoubleMap(args, n, [](double x, double) -> D {
      if (x <= -1) return std::nullopt;
      return std::log1p(x);
    });
  }
  return Status::Internal("no math kernel for " + name);
}

// pi() and e().
Result<Vector> ConstantKernel(const KernelContext& ctx, const std::vector<Vector>&, size_t n) {
  double v = ctx.call->name == "pi" ? 3.141592653589793 : 2.718281828459045;
  Vector out(DataType::Double(), n);
  for (size_t i = 0; i < n; ++i) out.data<double>()[i] = v;
  return out;
}

// factorial(INT) -> BIGINT; NULL outside [0, 20].
Result<Vector> FactorialKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  static const int64_t* table = [] {
    auto* t = new int64_t[21];
    t[0] = 1;
    for (int i = 1; i <= 20; ++i) t[i] = t[i - 1] * i;
    return t;
  }();
  const Vector& a = args[0];
  Vector out(DataType::Bigint(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    int32_t v = a.data<int32_t>()[Row(a, n, i)];
    if (v < 0 || v > 20) {
      out.SetNull(i);
    } else {
      out.data<int64_t>()[i] = table[v];
    }
  }
  return out;
}

constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// v as an unsigned number in `radix` (Long.toHexString / toBinaryString style).
std::string UnsignedToRadix(uint64_t v, unsigned radix) {
  if (v == 0) return "0";
  char buf[65];
  size_t p = sizeof(buf);
  while (v != 0) {
    buf[--p] = kDigits[v % radix];
    v /= radix;
  }
  return std::string(buf + p, sizeof(buf) - p);
}

// hex(BIGINT | STRING | BINARY) -> STRING (upper case); bin(BIGINT) -> STRING.
Result<Vector> HexBinKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& a = args[0];
  bool bin = ctx.call->name == "bin";
  Vector out(DataType::String(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    size_t r = Row(a, n, i);
    if (a.type().id() == TypeId::kBigint) {
      s = UnsignedToRadix(static_cast<uint64_t>(a.data<int64_t>()[r]), bin ? 2 : 16);
    } else {
      std::string_view b = a.data<std::string_view>()[r];
      s.clear();
      for (unsigned char c : b) {
        s += kDigits[c >> 4];
        s += kDigits[c & 15];
      }
    }
    out.SetString(i, s);
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// unhex(STRING) -> BINARY; NULL if a character is not a hex digit. An odd
// number of digits reads as if a leading 0 were present (Spark's Hex.unhex).
Result<Vector> UnhexKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& a = args[0];
  Vector out(DataType::Binary(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  std::string bytes;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    std::string_view s = a.data<std::string_view>()[Row(a, n, i)];
    bytes.clear();
    bool ok = true;
    size_t p = 0;
    if (s.size() % 2 == 1) {
      int d = HexDigit(s[0]);
      ok = d >= 0;
      bytes += static_cast<char>(d);
      p = 1;
    }
    for (; ok && p < s.size(); p += 2) {
      int hi = HexDigit(s[p]), lo = HexDigit(s[p + 1]);
      ok = hi >= 0 && lo >= 0;
      bytes += static_cast<char>(hi * 16 + lo);
    }
    if (!ok) {
      out.SetNull(i);
    } else {
      out.SetString(i, bytes);
    }
  }
  return out;
}

// Spark's NumberConverter.convert: digits of `num` in from_base (parsing
// stops at the first invalid digit) through an unsigned 64-bit value into
// to_base; a negative to_base gives a signed result. NULL for bases outside
// [2, 36]. Overflow is an error under ANSI mode (Spark 4).
Result<std::optional<std::string>> ConvertRadix(std::string_view num, int from, int to) {
  int abs_to = to < 0 ? -to : to;
  if (from < 2 || from > 36 || abs_to < 2 || abs_to > 36 || num.empty()) return std::optional<std::string>();
  bool negative = num[0] == '-';
  size_t p = negative ? 1 : 0;
  uint64_t v = 0;
  for (; p < num.size(); ++p) {
    char c = num[p];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'z' ? c - 'a' + 10
            : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                   : 99;
    if (d >= from) break;
    if (__builtin_mul_overflow(v, static_cast<uint64_t>(from), &v) ||
        __builtin_add_overflow(v, static_cast<uint64_t>(d), &v)) {
      return Status::ExecutionError(
          "[ARITHMETIC_OVERFLOW] Overflow in function conv(): the value does not fit in 64 bits.");
    }
  }
  auto sv = static_cast<int64_t>(v);
  if (negative && to > 0) sv = sv < 0 ? -1 : -sv;
  if (to < 0 && sv < 0) {
    sv = static_cast<int64_t>(0 - static_cast<uint64_t>(sv));
    negative = true;
  }
  std::string out = UnsignedToRadix(static_cast<uint64_t>(sv), static_cast<unsigned>(abs_to));
  if (negative && to < 0) out.insert(0, "-");
  return std::optional<std::string>(std::move(out));
}

Result<Vector> ConvKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::String(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    std::string_view s = args[0].data<std::string_view>()[Row(args[0], n, i)];
    int32_t from = args[1].data<int32_t>()[Row(args[1], n, i)];
    int32_t to = args[2].data<int32_t>()[Row(args[2], n, i)];
    SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> r, ConvertRadix(s, from, to));
    if (r) {
      out.SetString(i, *r);
    } else {
      out.SetNull(i);
    }
  }
  return out;
}

Result<Vector> AbsKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& a = args[0];
  Vector out(ctx.call->type, n);
  if (!PropagateNulls(&out, args, n)) return out;
  bool bad = false;
  Status decimal_error;
  DispatchPhysical(a.type().id(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, double>) {
      for (size_t i = 0; i < n; ++i) out.data<T>()[i] = std::fabs(a.data<T>()[Row(a, n, i)]);
    } else if constexpr (std::is_same_v<T, int128_t>) {
      // DECIMAL: a negative value is negated as Spark does it (34
      // significant digits kept, see NegateDecimalAsSpark).
      for (size_t i = 0; i < n; ++i) {
        T v = a.data<T>()[Row(a, n, i)];
        T r = v;
        if (v < 0 && !NegateDecimalAsSpark(v, a.type().precision(), &r) && out.IsValid(i)) {
          decimal_error = DecimalNegationOutOfRange(r, a.type());
          return;
        }
        out.data<T>()[i] = r;
      }
    } else if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
      for (size_t i = 0; i < n; ++i) {
        T v = a.data<T>()[Row(a, n, i)];
        bool is_min = false;
        if constexpr (!std::is_same_v<T, int128_t>) {
          // -MIN does not fit (and is undefined behaviour): an ANSI overflow.
          is_min = v == std::numeric_limits<T>::min();
          bad |= is_min & out.IsValid(i);
        }
        out.data<T>()[i] = (v < 0 && !is_min) ? static_cast<T>(-v) : v;
      }
    }
  });
  SLUICE_RETURN_NOT_OK(decimal_error);
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
      for (size_t i = 0; i < n; ++i) {
        // Through Java's BigDecimal, which has no -0: a zero result is 0.0.
        double r = RoundDouble(a.data<double>()[Row(a, n, i)], scale, half_even);
        out.data<double>()[i] = r == 0 ? 0.0 : r;
      }
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
        // Spark (ANSI): a result outside BIGINT's range, an infinity
        // included, is an overflow; NaN is 0, as Java's (long) cast makes it.
        int64_t v = 0;
        if (std::isnan(r)) {
          v = 0;
        } else if (r >= 9.2233720368547758e18 || r < -9.2233720368547758e18) {
          bad |= out.IsValid(i);
        } else {
          v = static_cast<int64_t>(r);
        }
        out.data<int64_t>()[i] = v;
      }
      if (bad) return ArithmeticOverflow(ceil ? "ceil" : "floor", "");
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

Result<ExprPtr> BindConstant(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  return Call(def, name, std::move(args), DataType::Double(), false);
}

Result<ExprPtr> BindFactorial(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::Int()));
  return Call(def, name, std::move(args), DataType::Bigint(), true);
}

// hex: integral -> BIGINT, BINARY kept, anything else as STRING; bin: BIGINT.
Result<ExprPtr> BindHexBin(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  const DataType& t = args[0]->type;
  if (name == "bin" || t.is_integral() || t.is_null()) {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::Bigint()));
  } else if (t.id() != TypeId::kBinary) {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  }
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), DataType::String(), nullable);
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
    t.Add(FunctionDef::Kernel(name, k, bind, min, max), std::move(aliases));
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
  for (const char* f : {"degrees", "radians", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan",
                        "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "expm1", "log1p"}) {
    add(f, UnaryMath, BindDoubleFn, 1, 1);
  }
  add("atan2", UnaryMath, BindDoubleFn, 2, 2);
  add("pi", ConstantKernel, BindConstant, 0, 0);
  add("e", ConstantKernel, BindConstant, 0, 0);
  add("factorial", FactorialKernel, BindFactorial, 1, 1);
  add("hex", HexBinKernel, BindHexBin, 1, 1);
  add("bin", HexBinKernel, BindHexBin, 1, 1);
  {
    FunctionDef d;
    d.fn.name = "unhex";
    d.fn.kernel = UnhexKernel;
    d.bind = BindFixed;
    d.min_args = d.max_args = 1;
    d.params = {DataType::String()};
    d.result = DataType::Binary();
    d.introduces_nulls = true;
    t.Add(std::move(d));
  }
  {
    FunctionDef d;
    d.fn.name = "conv";
    d.fn.kernel = ConvKernel;
    d.bind = BindFixed;
    d.min_args = d.max_args = 3;
    d.params = {DataType::String(), DataType::Int(), DataType::Int()};
    d.result = DataType::String();
    d.introduces_nulls = true;
    t.Add(std::move(d));
  }
}

}  // namespace sluice::fn
