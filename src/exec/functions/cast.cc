// CAST / TRY_CAST kernels (ANSI mode).
#include <charconv>
#include <cmath>
#include <limits>

#include "exec/functions/cast_ops.h"
#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"
#include "types/datetime.h"

namespace sluice::fn {

namespace {

// kNull: the cast's result is NULL, in ANSI mode too (NaN to DECIMAL).
enum class Err : uint8_t { kOk, kInvalid, kOverflow, kNull };

bool IsSpace(char c) { return static_cast<unsigned char>(c) <= ' '; }

}  // namespace

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool ParseInt64(std::string_view s, int64_t* out) {
  s = TrimSpaces(s);
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (v > (uint64_t{1} << 63) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > (uint64_t{1} << 63)) return false;
  }
  if (!neg && v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  *out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool ParseDoubleText(std::string_view s, double* out) {
  s = TrimSpaces(s);
  if (s.empty()) return false;
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualsIgnoreCase(body, "nan") && s.size() == body.size()) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (EqualsIgnoreCase(body, "inf") || EqualsIgnoreCase(body, "infinity")) {
    *out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  // Java's Double.parseDouble accepts a trailing type suffix.
  if (!body.empty() && (body.back() == 'd' || body.back() == 'D' || body.back() == 'f' || body.back() == 'F')) {
    body.remove_suffix(1);
  }
  if (body.empty()) return false;
  for (char c : body) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  }
  double v = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow to infinity / underflow to zero as Java does.
    bool big = body.find_first_of("eE") != std::string_view::npos &&
               body[body.find_first_of("eE") + 1] != '-';
    v = big ? std::numeric_limits<double>::infinity() : 0.0;
  } else if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
    return false;
  }
  *out = neg ? -v : v;
  return true;
}

bool ParseDecimalText(std::string_view s, int precision, int scale, int128_t* out) {
  s = TrimSpaces(s);
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  // digits[.digits][e[+-]digits]
  int128_t v = 0;
  int frac_digits = 0, digits = 0;
  bool seen_point = false, any = false, truncated = false;
  int dropped_first = -1;  // first digit beyond 38 significant ones (for rounding)
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (seen_point) return false;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (digits >= 38) {
      if (!seen_point) return false;  // too many integer digits
      if (dropped_first < 0) dropped_first = c - '0';
      truncated = true;
      continue;
    }
    v = v * 10 + (c - '0');
    if (v != 0) ++digits;
    if (seen_point) ++frac_digits;
  }
  if (!any) return false;
  int exp = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return false;
    int64_t e;
    std::string_view es = s.substr(i + 1);
    if (es.empty() || !ParseInt64(es, &e) || es[0] == ' ' || e > 1000 || e < -1000) return false;
    exp = static_cast<int>(e);
  }
  (void)truncated;
  // value = v * 10^(exp - frac_digits)
  int cur_scale = frac_digits - exp;
  int128_t r;
  if (cur_scale <= scale) {
    if (scale - cur_scale > 38) {
      if (v != 0) return false;
      r = 0;
    } else if (__builtin_mul_overflow(v, Pow10(scale - cur_scale), &r)) {
      return false;
    }
  } else {
    if (!Rescale(v, cur_scale, scale, &r)) return false;
    if (cur_scale - scale == 0 && dropped_first >= 5) r += 1;
  }
  if (!FitsPrecision(r, precision)) return false;
  *out = neg ? -r : r;
  return true;
}

bool ParseBooleanText(std::string_view s, bool* out) {
  s = TrimSpaces(s);
  static const char* kTrue[] = {"t", "true", "y", "yes", "1"};
  static const char* kFalse[] = {"f", "false", "n", "no", "0"};
  for (const char* t : kTrue) {
    if (EqualsIgnoreCase(s, t)) return *out = true, true;
  }
  for (const char* f : kFalse) {
    if (EqualsIgnoreCase(s, f)) return *out = false, true;
  }
  return false;
}

std::string SqlValue(const Value& v) {
  if (v.is_null()) return "NULL";
  switch (v.type().id()) {
    case TypeId::kString: return "'" + v.str_value() + "'";
    case TypeId::kDouble: return v.ToString() + "D";
    default: return v.ToSqlLiteral();
  }
}

namespace {

Status CastError(const Value& v, const DataType& to, Err e) {
  if (e == Err::kOverflow && to.id() == TypeId::kDecimal) {
    // Spark's Decimal.toPrecision failure (any source type): the value as a
    // plain number, the target as Decimal(p, s).
    std::string value = v.type().is_string_like() ? std::string(TrimSpaces(v.str_value())) : v.ToString();
    return Status::ExecutionError("[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] " + value +
                                  " cannot be represented as Decimal(" + std::to_string(to.precision()) + ", " +
                                  std::to_string(to.scale()) +
                                  "). Use try_cast to tolerate overflow and return NULL instead.");
  }
  if (e == Err::kOverflow) {
    return Status::ExecutionError("[CAST_OVERFLOW] The value " + SqlValue(v) + " of the type " +
                                  v.type().ToString() + " cannot be cast to " + to.ToString() +
                                  " due to an overflow. Use try_cast to tolerate overflow and return "
                                  "NULL instead.");
  }
  return Status::ExecutionError("[CAST_INVALID_INPUT] The value " + SqlValue(v) + " of the type " +
                                v.type().ToString() + " cannot be cast to " + to.ToString() +
                                " because it is malformed. Use try_cast to tolerate malformed input "
                                "and return NULL instead.");
}

// Row-wise cast loop for fallible conversions: f(src, &dst) -> Err.
template <typename S, typename D, typename F>
Status FallibleLoop(const Vector& in, size_t n, Vector* out, bool try_cast, F f) {
  bool scalar = IsScalar(in, n);
  AndValidity(out, in, n);
  const S* src = in.data<S>();
  D* dst = out->data<D>();
  for (size_t i = 0; i < n; ++i) {
    size_t r = scalar ? 0 : i;
    if (!in.IsValid(r)) continue;
    Err e = f(src[r], &dst[i]);
    if (e != Err::kOk) {
      if (try_cast || e == Err::kNull) {
        out->SetNull(i);
      } else {
        return CastError(in.GetValue(r), out->type(), e);
      }
    }
  }
  return Status::OK();
}

// Infallible conversions, branch-free.
template <typename S, typename D, typename F>
void PlainLoop(const Vector& in, size_t n, Vector* out, F f) {
  AndValidity(out, in, n);
  const S* src = in.data<S>();
  D* dst = out->data<D>();
  if (IsScalar(in, n)) {
    D x = f(src[0]);
    for (size_t i = 0; i < n; ++i) dst[i] = x;
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = f(src[i]);
  }
}

template <typename D>
Err IntFromInt128(int128_t v, D* out) {
  if (v < std::numeric_limits<D>::min() || v > std::numeric_limits<D>::max()) return Err::kOverflow;
  *out = static_cast<D>(v);
  return Err::kOk;
}

template <typename D>
Err IntFromDouble(double d, D* out) {
  // Spark ANSI: NaN/Inf and out-of-range values overflow; else truncate.
  if (!(d > static_cast<double>(std::numeric_limits<D>::min()) - 1.0) ||
      !(d < static_cast<double>(std::numeric_limits<D>::max()) + 1.0)) {
    return Err::kOverflow;
  }
  if constexpr (sizeof(D) == 8) {
    if (d >= 9223372036854775807.0) return Err::kOverflow;
  }
  *out = static_cast<D>(d);
  return Err::kOk;
}

Err DecimalFromDouble(double d, int precision, int scale, int128_t* out) {
  // Spark: NaN and the infinities are NULL as a DECIMAL, in ANSI mode too
  // (Decimal.fromDouble has no value for them and the cast gives up quietly).
  if (std::isnan(d) || std::isinf(d)) return Err::kNull;
  // Through the shortest decimal text, as Java's BigDecimal(Double.toString).
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  if (!ParseDecimalText(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), precision, scale, out)) {
    return Err::kOverflow;
  }
  return Err::kOk;
}

double DecimalToDouble(int128_t v, int scale) {
  // Exact for |v| < 2^53 with small scale; otherwise through text.
  if (v > -(int128_t{1} << 53) && v < (int128_t{1} << 53) && scale <= 22) {
    static const double kP[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return static_cast<double>(static_cast<int64_t>(v)) / kP[scale];
  }
  std::string s = FormatDecimal(v, scale);
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

Result<Vector> CastToString(const Vector& in, size_t n, const DataType& to) {
  Vector out(to, n);
  AndValidity(&out, in, n);
  TypeId f = in.type().id();
  bool scalar = IsScalar(in, n);
  if (f == TypeId::kString || f == TypeId::kBinary) {
    ShareHeap(&out, in);
    auto* d = out.data<std::string_view>();
    const auto* s = in.data<std::string_view>();
    for (size_t i = 0; i < n; ++i) d[i] = s[scalar ? 0 : i];
    return out;
  }
  char buf[64];
  for (size_t i = 0; i < n; ++i) {
    size_t r = scalar ? 0 : i;
    if (!in.IsValid(r)) continue;
    switch (f) {
      case TypeId::kInt: {
        auto res = std::to_chars(buf, buf + 64, in.data<int32_t>()[r]);
        out.SetString(i, std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
        break;
      }
      case TypeId::kBigint: {
        auto res = std::to_chars(buf, buf + 64, in.data<int64_t>()[r]);
        out.SetString(i, std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
        break;
      }
      case TypeId::kBoolean: out.SetString(i, in.data<uint8_t>()[r] ? "true" : "false"); break;
      case TypeId::kDouble: out.SetString(i, FormatDouble(in.data<double>()[r])); break;
      case TypeId::kDecimal:
        out.SetString(i, FormatDecimal(in.data<int128_t>()[r], in.type().scale()));
        break;
      case TypeId::kDate: out.SetString(i, FormatDate(in.data<int32_t>()[r])); break;
      case TypeId::kTimestamp: out.SetString(i, FormatTimestamp(in.data<int64_t>()[r])); break;
      default: out.SetString(i, in.GetValue(r).ToString()); break;
    }
  }
  return out;
}

// eval: the query's clock, for a time of day alone cast to TIMESTAMP;
// without it (CastVector's other callers) such text is not a timestamp.
Result<Vector> CastFromString(const Vector& in, size_t n, const DataType& to, bool try_cast,
                              const EvalContext* eval = nullptr) {
  Vector out(to, n);
  using SV = std::string_view;
  Status st;
  switch (to.id()) {
    case TypeId::kBinary: {
      ShareHeap(&out, in);
      AndValidity(&out, in, n);
      for (size_t i = 0; i < n; ++i) out.data<SV>()[i] = in.data<SV>()[Row(in, n, i)];
      return out;
    }
    case TypeId::kBoolean:
      st = FallibleLoop<SV, uint8_t>(in, n, &out, try_cast, [](SV s, uint8_t* d) {
        bool b;
        if (!ParseBooleanText(s, &b)) return Err::kInvalid;
        *d = b;
        return Err::kOk;
      });
      break;
    case TypeId::kInt:
      st = FallibleLoop<SV, int32_t>(in, n, &out, try_cast, [](SV s, int32_t* d) {
        int64_t v;
        if (!ParseInt64(s, &v) || v < INT32_MIN || v > INT32_MAX) return Err::kInvalid;
        *d = static_cast<int32_t>(v);
        return Err::kOk;
      });
      break;
    case TypeId::kBigint:
      st = FallibleLoop<SV, int64_t>(in, n, &out, try_cast, [](SV s, int64_t* d) {
        return ParseInt64(s, d) ? Err::kOk : Err::kInvalid;
      });
      break;
    case TypeId::kDouble:
      st = FallibleLoop<SV, double>(in, n, &out, try_cast, [](SV s, double* d) {
        return ParseDoubleText(s, d) ? Err::kOk : Err::kInvalid;
      });
      break;
    case TypeId::kDecimal: {
      int p = to.precision(), sc = to.scale();
      st = FallibleLoop<SV, int128_t>(in, n, &out, try_cast, [p, sc](SV s, int128_t* d) {
        if (ParseDecimalText(s, p, sc, d)) return Err::kOk;
        // Well-formed but too large is an overflow.
        int128_t tmp;
        return ParseDecimalText(s, 38, 0, &tmp) ? Err::kOverflow : Err::kInvalid;
      });
      break;
    }
    case TypeId::kDate:
      st = FallibleLoop<SV, int32_t>(in, n, &out, try_cast, [](SV s, int32_t* d) {
        auto v = ParseDate(s);
        if (!v) return Err::kInvalid;
        *d = *v;
        return Err::kOk;
      });
      break;
    case TypeId::kTimestamp: {
      Status needs_today;
      st = FallibleLoop<SV, int64_t>(in, n, &out, try_cast, [&](SV s, int64_t* d) {
        std::optional<int64_t> v;
        if (eval == nullptr) {
          v = ParseTimestamp(s);
        } else {
          auto r = ParseTimestampText(s, *eval);
          if (!r.ok()) {
            needs_today = r.status();
            return Err::kNull;
          }
          v = *r;
        }
        if (!v) return Err::kInvalid;
        *d = *v;
        return Err::kOk;
      });
      SLUICE_RETURN_NOT_OK(needs_today);
      break;
    }
    default:
      return Status::Internal("unsupported cast from STRING to " + to.ToString());
  }
  if (!st.ok()) return st;
  return out;
}

template <typename S>
Status NumericToNumeric(const Vector& in, size_t n, Vector* out, bool try_cast) {
  const DataType& from = in.type();
  const DataType& to = out->type();
  auto as128 = [&](S v) -> int128_t {
    if constexpr (std::is_same_v<S, double>) {
      return 0;
    } else {
      return static_cast<int128_t>(v);
    }
  };
  switch (to.id()) {
    case TypeId::kBoolean:
      if constexpr (std::is_same_v<S, double>) {
        PlainLoop<S, uint8_t>(in, n, out, [](S v) { return static_cast<uint8_t>(v != 0); });
      } else {
        PlainLoop<S, uint8_t>(in, n, out, [](S v) { return static_cast<uint8_t>(v != 0); });
      }
      return Status::OK();
    case TypeId::kInt:
      if constexpr (std::is_same_v<S, double>) {
        return FallibleLoop<S, int32_t>(in, n, out, try_cast, IntFromDouble<int32_t>);
      } else if constexpr (std::is_same_v<S, int128_t>) {
        int sc = from.scale();
        return FallibleLoop<S, int32_t>(in, n, out, try_cast,
                                        [sc](S v, int32_t* d) { return IntFromInt128(v / Pow10(sc), d); });
      } else if constexpr (sizeof(S) <= 4) {
        PlainLoop<S, int32_t>(in, n, out, [](S v) { return static_cast<int32_t>(v); });
        return Status::OK();
      } else {
        return FallibleLoop<S, int32_t>(in, n, out, try_cast,
                                        [](S v, int32_t* d) { return IntFromInt128(v, d); });
      }
    case TypeId::kBigint:
      if constexpr (std::is_same_v<S, double>) {
        return FallibleLoop<S, int64_t>(in, n, out, try_cast, IntFromDouble<int64_t>);
      } else if constexpr (std::is_same_v<S, int128_t>) {
        int sc = from.scale();
        return FallibleLoop<S, int64_t>(in, n, out, try_cast,
                                        [sc](S v, int64_t* d) { return IntFromInt128(v / Pow10(sc), d); });
      } else {
        PlainLoop<S, int64_t>(in, n, out, [](S v) { return static_cast<int64_t>(v); });
        return Status::OK();
      }
    case TypeId::kDouble:
      if constexpr (std::is_same_v<S, int128_t>) {
        int sc = from.scale();
        PlainLoop<S, double>(in, n, out, [sc](S v) { return DecimalToDouble(v, sc); });
      } else {
        PlainLoop<S, double>(in, n, out, [](S v) { return static_cast<double>(v); });
      }
      return Status::OK();
    case TypeId::kDecimal: {
      int p = to.precision(), sc = to.scale();
      if constexpr (std::is_same_v<S, double>) {
        return FallibleLoop<S, int128_t>(in, n, out, try_cast,
                                         [p, sc](S v, int128_t* d) { return DecimalFromDouble(v, p, sc, d); });
      } else {
        int from_scale = from.id() == TypeId::kDecimal ? from.scale() : 0;
        return FallibleLoop<S, int128_t>(in, n, out, try_cast, [=](S v, int128_t* d) {
          int128_t r;
          if (!Rescale(as128(v), from_scale, sc, &r) || !FitsPrecision(r, p)) return Err::kOverflow;
          *d = r;
          return Err::kOk;
        });
      }
    }
    case TypeId::kTimestamp:
      if constexpr (std::is_same_v<S, double>) {
        return FallibleLoop<S, int64_t>(in, n, out, try_cast, [](S v, int64_t* d) {
          double us = v * 1e6;
          if (std::isnan(us) || std::isinf(us) || us >= 9.2233720368547758e18 || us < -9.2233720368547758e18)
            return Err::kOverflow;
          *d = static_cast<int64_t>(us);
          return Err::kOk;
        });
      } else if constexpr (std::is_same_v<S, int128_t>) {
        int sc = from.scale();
        return FallibleLoop<S, int64_t>(in, n, out, try_cast, [sc](S v, int64_t* d) {
          int128_t r;
          if (sc <= 6) {
            if (__builtin_mul_overflow(v, Pow10(6 - sc), &r)) return Err::kOverflow;
          } else {
            r = v / Pow10(sc - 6);
          }
          return IntFromInt128(r, d);
        });
      } else {
        return FallibleLoop<S, int64_t>(in, n, out, try_cast, [](S v, int64_t* d) {
          return __builtin_mul_overflow(static_cast<int64_t>(v), kMicrosPerSecond, d) ? Err::kOverflow
                                                                                      : Err::kOk;
        });
      }
    default:
      return Status::Internal("unsupported cast to " + to.ToString());
  }
}

Result<Vector> CastNested(const Vector& in, size_t n, const DataType& to, bool try_cast);

}  // namespace

Result<std::optional<int64_t>> ParseTimestampText(std::string_view s, const EvalContext& eval) {
  if (IsTimeOfDayOnly(s) && !eval.now_known) {
    eval.needed_now = true;
    return Status::ExecutionError("a time of day alone is read on today's date, which is known when the query runs");
  }
  return ParseTimestampOrTimeOfDay(s, static_cast<int32_t>(FloorDiv(eval.now_micros, kMicrosPerDay)));
}

Result<Vector> CastVector(const Vector& in, size_t n, const DataType& to, bool try_cast) {
  const DataType& from = in.type();
  if (from == to) return Densify(in, n);
  if (from.is_null()) return AllNull(to, n);
  if (to.id() == TypeId::kString) return CastToString(in, n, to);
  if (from.id() == TypeId::kString) return CastFromString(in, n, to, try_cast);
  if (from.is_nested() || to.is_nested()) return CastNested(in, n, to, try_cast);
  Vector out(to, n);
  Status st;
  switch (from.id()) {
    case TypeId::kBoolean:
      if (to.id() == TypeId::kDecimal) {
        st = FallibleLoop<uint8_t, int128_t>(in, n, &out, try_cast, [&](uint8_t v, int128_t* d) {
          *d = v ? Pow10(to.scale()) : 0;
          return FitsPrecision(*d, to.precision()) ? Err::kOk : Err::kOverflow;
        });
      } else if (to.id() == TypeId::kDouble) {
        PlainLoop<uint8_t, double>(in, n, &out, [](uint8_t v) { return v ? 1.0 : 0.0; });
      } else if (to.id() == TypeId::kInt) {
        PlainLoop<uint8_t, int32_t>(in, n, &out, [](uint8_t v) { return static_cast<int32_t>(v != 0); });
      } else if (to.id() == TypeId::kBigint) {
        PlainLoop<uint8_t, int64_t>(in, n, &out, [](uint8_t v) { return static_cast<int64_t>(v != 0); });
      } else {
        return Status::Internal("unsupported cast BOOLEAN -> " + to.ToString());
      }
      break;
    case TypeId::kInt: st = NumericToNumeric<int32_t>(in, n, &out, try_cast); break;
    case TypeId::kBigint: st = NumericToNumeric<int64_t>(in, n, &out, try_cast); break;
    case TypeId::kDouble: st = NumericToNumeric<double>(in, n, &out, try_cast); break;
    case TypeId::kDecimal: st = NumericToNumeric<int128_t>(in, n, &out, try_cast); break;
    case TypeId::kDate:
      if (to.id() != TypeId::kTimestamp) return Status::Internal("unsupported cast DATE -> " + to.ToString());
      PlainLoop<int32_t, int64_t>(in, n, &out, [](int32_t d) { return int64_t{d} * kMicrosPerDay; });
      break;
    case TypeId::kTimestamp:
      switch (to.id()) {
        case TypeId::kDate:
          PlainLoop<int64_t, int32_t>(in, n, &out, [](int64_t us) {
            return static_cast<int32_t>(FloorDiv(us, kMicrosPerDay));
          });
          break;
        case TypeId::kBigint:
          PlainLoop<int64_t, int64_t>(in, n, &out, [](int64_t us) { return FloorDiv(us, kMicrosPerSecond); });
          break;
        case TypeId::kInt:
          st = FallibleLoop<int64_t, int32_t>(in, n, &out, try_cast, [](int64_t us, int32_t* d) {
            return IntFromInt128(FloorDiv(us, kMicrosPerSecond), d);
          });
          break;
        case TypeId::kDouble:
          PlainLoop<int64_t, double>(in, n, &out, [](int64_t us) { return static_cast<double>(us) / 1e6; });
          break;
        case TypeId::kDecimal: {
          int p = to.precision(), sc = to.scale();
          st = FallibleLoop<int64_t, int128_t>(in, n, &out, try_cast, [p, sc](int64_t us, int128_t* d) {
            int128_t r;
            if (!Rescale(us, 6, sc, &r) || !FitsPrecision(r, p)) return Err::kOverflow;
            *d = r;
            return Err::kOk;
          });
          break;
        }
        case TypeId::kBoolean:
        default: return Status::Internal("unsupported cast TIMESTAMP -> " + to.ToString());
      }
      break;
    case TypeId::kBinary:
    default:
      return Status::Internal("unsupported cast " + from.ToString() + " -> " + to.ToString());
  }
  if (!st.ok()) return st;
  return out;
}

namespace {

Result<Value> CastValue(const Value& v, const DataType& to, bool try_cast) {
  if (v.is_null()) return Value::Null(to);
  if (!v.type().is_nested() && !to.is_nested()) {
    Vector one = Vector::FromValues(v.type(), {v});
    SLUICE_ASSIGN_OR_RETURN(Vector r, CastVector(one, 1, to, try_cast));
    return r.GetValue(0);
  }
  if (v.type().id() == TypeId::kArray && to.id() == TypeId::kArray) {
    std::vector<Value> elems;
    for (const auto& e : v.children()) {
      SLUICE_ASSIGN_OR_RETURN(Value c, CastValue(e, to.element(), try_cast));
      elems.push_back(std::move(c));
    }
    return Value::Nested(to, std::move(elems));
  }
  if (v.type().id() == TypeId::kStruct && to.id() == TypeId::kStruct &&
      v.children().size() == to.fields().size()) {
    std::vector<Value> fields;
    for (size_t i = 0; i < v.children().size(); ++i) {
      SLUICE_ASSIGN_OR_RETURN(Value c, CastValue(v.children()[i], to.fields()[i].type, try_cast));
      fields.push_back(std::move(c));
    }
    return Value::Nested(to, std::move(fields));
  }
  return Status::Internal("unsupported cast " + v.type().ToString() + " -> " + to.ToString());
}

Result<Vector> CastNested(const Vector& in, size_t n, const DataType& to, bool try_cast) {
  Vector out(to, 0);
  out.Reserve(n);
  for (size_t i = 0; i < n; ++i) {
    SLUICE_ASSIGN_OR_RETURN(Value v, CastValue(GetArg(in, n, i), to, try_cast));
    out.AppendValue(v);
  }
  return out;
}

Result<Vector> CastKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  if (args[0].type().id() == TypeId::kString && ctx.call->type.id() == TypeId::kTimestamp && ctx.eval != nullptr) {
    return CastFromString(args[0], n, ctx.call->type, ctx.call->name == "try_cast", ctx.eval);
  }
  return CastVector(args[0], n, ctx.call->type, ctx.call->name == "try_cast");
}

Result<ExprPtr> BindCastCall(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  return Status::AnalysisError(name + " must be bound with a target type (CAST(x AS type))");
}

}  // namespace

void RegisterCastFunctions(FunctionTable& t) {
  for (const char* name : {"cast", "try_cast"}) {
    FunctionDef d;
    d.fn.name = name;
    d.fn.kernel = CastKernel;
    d.bind = BindCastCall;
    d.min_args = d.max_args = 1;
    t.Add(std::move(d));
  }
}

}  // namespace sluice::fn
