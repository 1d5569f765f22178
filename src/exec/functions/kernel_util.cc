#include "exec/functions/kernel_util.h"

#include "exec/expression_evaluator.h"

namespace sluice::fn {

Vector Broadcast(const Vector& v, size_t n) {
  if (v.size() == n) return v;
  TypeId id = v.type().id();
  if (IsFlat(id) && v.size() >= 1) {
    Vector out(v.type(), n);
    if (v.IsNull(0)) {
      SetAllNull(&out, n);
      return out;
    }
    if (v.type().is_string_like()) out.SetHeap(v.heap_ptr());
    DispatchPhysical(id, [&](auto tag) {
      using T = decltype(tag);
      T x = v.data<T>()[0];
      T* d = out.data<T>();
      for (size_t i = 0; i < n; ++i) d[i] = x;
    });
    return out;
  }
  std::vector<uint32_t> zeros(n, 0);
  return v.Gather(zeros.data(), n);
}

Vector AllNull(const DataType& t, size_t n) {
  Vector out(t, n);
  if (n > 0) SetAllNull(&out, n);
  return out;
}

Status ArithmeticOverflow(std::string_view what, std::string_view try_fn) {
  std::string m = "[ARITHMETIC_OVERFLOW] " + std::string(what) + " overflow.";
  if (!try_fn.empty()) m += " Use '" + std::string(try_fn) + "' to tolerate overflow and return NULL instead.";
  return Status::ExecutionError(m);
}

Status DivideByZero() {
  return Status::ExecutionError(
      "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return "
      "NULL instead.");
}

Status RemainderByZero() {
  return Status::ExecutionError(
      "[REMAINDER_BY_ZERO] Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return NULL "
      "instead.");
}

Value GetArg(const Vector& v, size_t n, size_t i) { return v.GetValue(Row(v, n, i)); }

int128_t Pow10(int k) {
  static const auto* table = [] {
    auto* t = new int128_t[39];
    t[0] = 1;
    for (int i = 1; i <= 38; ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  return table[k < 0 ? 0 : (k > 38 ? 38 : k)];
}

bool NegateDecimalAsSpark(int128_t v, int precision, int128_t* out) {
  int128_t m = -v;  // |v| < 10^38: no overflow
  int128_t abs = m < 0 ? -m : m;
  int digits = 34;
  while (digits < 39 && abs >= Pow10(digits)) ++digits;  // 34 when it has at most 34
  if (digits > 34) {
    int128_t p = Pow10(digits - 34);
    int128_t q = m / p, rem = m % p;
    int128_t arem = rem < 0 ? -rem : rem;
    if (arem * 2 > p || (arem * 2 == p && q % 2 != 0)) q += m < 0 ? -1 : 1;
    m = q * p;  // at most 10^38, which int128 holds
  }
  *out = m;
  return FitsPrecision(m, precision);
}

Status DecimalNegationOutOfRange(int128_t result, const DataType& type) {
  return Status::ExecutionError("[NUMERIC_VALUE_OUT_OF_RANGE.WITHOUT_SUGGESTION] The " +
                                FormatDecimal(result, type.scale()) + " (negated with 34 significant digits, as " +
                                "Spark negates a decimal) cannot be represented as Decimal(" +
                                std::to_string(type.precision()) + ", " + std::to_string(type.scale()) + ").");
}

bool Rescale(int128_t v, int from, int to, int128_t* out) {
  if (to == from) {
    *out = v;
    return true;
  }
  if (to > from) {
    if (to - from > 38) return v == 0 ? (*out = 0, true) : false;
    return !__builtin_mul_overflow(v, Pow10(to - from), out);
  }
  int d = from - to;
  if (d > 38) {
    *out = 0;
    return true;
  }
  int128_t p = Pow10(d);
  int128_t q = v / p, r = v % p;
  // HALF_UP: round away from zero when the dropped part is >= half.
  if (r < 0) r = -r;
  if (r * 2 >= p) q += v < 0 ? -1 : 1;
  *out = q;
  return true;
}

bool MulDivHalfUp(int128_t x, int128_t y, int128_t d, int128_t* out) {
  using u128 = unsigned __int128;
  const bool negative = ((x < 0) != (y < 0)) != (d < 0);
  const u128 ux = x < 0 ? -static_cast<u128>(x) : static_cast<u128>(x);
  const u128 uy = y < 0 ? -static_cast<u128>(y) : static_cast<u128>(y);
  const u128 ud = d < 0 ? -static_cast<u128>(d) : static_cast<u128>(d);
  // The 256-bit product hi:lo from 64-bit halves.
  const uint64_t x0 = static_cast<uint64_t>(ux), x1 = static_cast<uint64_t>(ux >> 64);
  const uint64_t y0 = static_cast<uint64_t>(uy), y1 = static_cast<uint64_t>(uy >> 64);
  const u128 t00 = static_cast<u128>(x0) * y0, t01 = static_cast<u128>(x0) * y1;
  const u128 t10 = static_cast<u128>(x1) * y0, t11 = static_cast<u128>(x1) * y1;
  const u128 mid = (t00 >> 64) + static_cast<uint64_t>(t01) + static_cast<uint64_t>(t10);
  const u128 lo = (mid << 64) | static_cast<uint64_t>(t00);
  const u128 hi = t11 + (t01 >> 64) + (t10 >> 64) + (mid >> 64);
  if (hi >= ud) return false;  // the quotient needs more than 128 bits
  // Shift-subtract long division of hi:lo by ud; the remainder stays < ud.
  u128 rem = hi, q = 0;
  for (int i = 127; i >= 0; --i) {
    const bool carry = (rem >> 127) != 0;
    rem = (rem << 1) | ((lo >> i) & 1);
    q <<= 1;
    if (carry || rem >= ud) {
      rem -= ud;
      q |= 1;
    }
  }
  if (rem >= ud - rem) ++q;  // HALF_UP: away from zero at a half or more
  if (q >> 127) return false;  // past the largest int128_t
  *out = negative ? -static_cast<int128_t>(q) : static_cast<int128_t>(q);
  return true;
}

SelectionVector SubSelection(const SelectionVector* sel, const std::vector<uint32_t>& positions) {
  SelectionVector s(positions.size());
  for (size_t k = 0; k < positions.size(); ++k) s[k] = sel ? (*sel)[positions[k]] : positions[k];
  return s;
}

Vector Assemble(const DataType& t, size_t n, const std::vector<const Vector*>& sources,
                const std::vector<int32_t>& src, const std::vector<uint32_t>& rows) {
  if (IsFlat(t.id())) {
    Vector out(t, n);
    uint64_t* valid = out.MutableValidity();
    if (t.is_string_like()) {
      for (const Vector* s : sources) ShareHeap(&out, *s);
    }
    DispatchPhysical(t.id(), [&](auto tag) {
      using T = decltype(tag);
      T* d = out.data<T>();
      for (size_t i = 0; i < n; ++i) {
        if (src[i] < 0) {
          valid[i >> 6] &= ~(uint64_t{1} << (i & 63));
          continue;
        }
        const Vector& s = *sources[static_cast<size_t>(src[i])];
        size_t r = rows[i];
        if (s.IsNull(r)) {
          valid[i >> 6] &= ~(uint64_t{1} << (i & 63));
        } else {
          d[i] = s.data<T>()[r];
        }
      }
    });
    return out;
  }
  Vector out(t, 0);
  out.Reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (src[i] < 0) {
      out.AppendValue(Value::Null(t));
    } else {
      const Vector& s = *sources[static_cast<size_t>(src[i])];
      out.AppendValue(s.GetValue(s.size() == 1 ? 0 : rows[i]));
    }
  }
  return out;
}

Result<Vector> EvalArg(const KernelContext& ctx, size_t i, const Batch& in, const SelectionVector* sel) {
  return ExpressionEvaluator::Evaluate(*ctx.call->args[i], in, sel, *ctx.eval);
}

}  // namespace sluice::fn
