// Date and time functions (session time zone UTC): current_timestamp/now,
// current_date, to_timestamp, to_date, try_to_timestamp, from_unixtime,
// unix_timestamp, date_trunc, trunc, date_format, year, quarter, month,
// day/dayofmonth, dayofyear, hour, minute, second, dayofweek, weekday,
// date_add, date_sub, datediff, last_day, timestamp_seconds/millis/micros,
// unix_seconds/millis/micros, unix_date, date_from_unix_date.
#include "exec/functions/cast_ops.h"
#include "exec/functions/datetime_format.h"
#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"
#include "types/datetime.h"

namespace sluice::fn {

namespace {

using SV = std::string_view;
constexpr int64_t kMicrosPerMilli = 1000;
constexpr const char* kDefaultTimestampFormat = "yyyy-MM-dd HH:mm:ss";

Result<Vector> NowKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(ctx.call->type, n);
  int64_t now = ctx.eval->now_micros;
  if (ctx.call->type.id() == TypeId::kDate) {
    int32_t d = static_cast<int32_t>(FloorDiv(now, kMicrosPerDay));
    for (size_t i = 0; i < n; ++i) out.data<int32_t>()[i] = d;
  } else {
    for (size_t i = 0; i < n; ++i) out.data<int64_t>()[i] = now;
  }
  return out;
}

Status CannotParse(SV text, SV fmt, bool is_date) {
  return Status::ExecutionError(std::string(is_date ? "[CANNOT_PARSE_TIMESTAMP]" : "[CANNOT_PARSE_TIMESTAMP]") +
                                " Text '" + std::string(text) + "' could not be parsed" +
                                (fmt.empty() ? std::string() : " with the pattern '" + std::string(fmt) + "'") +
                                ". Use try_to_timestamp to tolerate invalid input and return NULL instead.");
}

// Parses row i of a STRING argument with an optional format; nullopt if invalid.
Result<std::optional<int64_t>> ParseWithFormat(SV text, const std::vector<Vector>& args, size_t n, size_t i,
                                               size_t fmt_arg, const char* default_fmt) {
  if (args.size() > fmt_arg) {
    SV fmt = args[fmt_arg].data<SV>()[Row(args[fmt_arg], n, i)];
    SLUICE_ASSIGN_OR_RETURN(const DateTimeFormat* f, CachedFormat(fmt));
    return f->Parse(text);
  }
  if (default_fmt != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(const DateTimeFormat* f, CachedFormat(default_fmt));
    return f->Parse(text);
  }
  return ParseTimestamp(text);
}

// to_timestamp / to_date / try_to_timestamp / unix_timestamp(str[, fmt]).
Result<Vector> ParseKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const std::string& name = ctx.call->name;
  bool try_mode = name == "try_to_timestamp";
  const DataType& rt = ctx.call->type;
  Vector out(rt, n);
  if (!PropagateNulls(&out, args, n)) return out;
  const Vector& a = args[0];
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    int64_t us = 0;
    if (a.type().id() == TypeId::kString) {
      SV text = a.data<SV>()[Row(a, n, i)];
      const char* def = name == "unix_timestamp" || name == "to_unix_timestamp" ? kDefaultTimestampFormat : nullptr;
      SLUICE_ASSIGN_OR_RETURN(std::optional<int64_t> v, ParseWithFormat(text, args, n, i, 1, def));
      if (!v && rt.id() == TypeId::kDate && args.size() == 1) {
        if (auto dd = ParseDate(text)) v = int64_t{*dd} * kMicrosPerDay;
      }
      if (!v) {
        if (try_mode) {
          out.SetNull(i);
          continue;
        }
        SV fmt = args.size() > 1 ? args[1].data<SV>()[Row(args[1], n, i)] : SV{};
        return CannotParse(text, fmt, rt.id() == TypeId::kDate);
      }
      us = *v;
    } else if (a.type().id() == TypeId::kDate) {
      us = int64_t{a.data<int32_t>()[Row(a, n, i)]} * kMicrosPerDay;
    } else {
      us = a.data<int64_t>()[Row(a, n, i)];
    }
    switch (rt.id()) {
      case TypeId::kDate: out.data<int32_t>()[i] = static_cast<int32_t>(FloorDiv(us, kMicrosPerDay)); break;
      case TypeId::kBigint: out.data<int64_t>()[i] = FloorDiv(us, kMicrosPerSecond); break;
      default: out.data<int64_t>()[i] = us; break;
    }
  }
  return out;
}

Result<Vector> UnixTimestampNow(const KernelContext& ctx, size_t n) {
  Vector out(DataType::Bigint(), n);
  int64_t s = FloorDiv(ctx.eval->now_micros, kMicrosPerSecond);
  for (size_t i = 0; i < n; ++i) out.data<int64_t>()[i] = s;
  return out;
}

Result<Vector> UnixTimestampKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  if (args.empty()) return UnixTimestampNow(ctx, n);
  return ParseKernel(ctx, args, n);
}

// from_unixtime(secs[, fmt]) and date_format(ts, fmt).
Result<Vector> FormatKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  bool from_unix = ctx.call->name == "from_unixtime";
  Vector out(DataType::String(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  const Vector& a = args[0];
  std::string buf;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    int64_t us;
    if (from_unix) {
      int64_t secs = a.data<int64_t>()[Row(a, n, i)];
      if (__builtin_mul_overflow(secs, kMicrosPerSecond, &us)) return ArithmeticOverflow("long", "");
    } else {
      us = a.data<int64_t>()[Row(a, n, i)];
    }
    SV fmt = args.size() > 1 ? args[1].data<SV>()[Row(args[1], n, i)] : SV(kDefaultTimestampFormat);
    SLUICE_ASSIGN_OR_RETURN(const DateTimeFormat* f, CachedFormat(fmt));
    buf.clear();
    f->Format(us, &buf);
    out.SetString(i, buf);
  }
  return out;
}

enum class Field { kYear, kQuarter, kMonth, kDay, kDayOfYear, kDayOfWeek, kWeekday, kHour, kMinute, kSecond };

Field FieldOf(const std::string& name) {
  if (name == "year") return Field::kYear;
  if (name == "quarter") return Field::kQuarter;
  if (name == "month") return Field::kMonth;
  if (name == "dayofyear") return Field::kDayOfYear;
  if (name == "dayofweek") return Field::kDayOfWeek;
  if (name == "weekday") return Field::kWeekday;
  if (name == "hour") return Field::kHour;
  if (name == "minute") return Field::kMinute;
  if (name == "second") return Field::kSecond;
  return Field::kDay;
}

Result<Vector> ExtractKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Field f = FieldOf(ctx.call->name);
  const Vector& a = args[0];
  Vector out(DataType::Int(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  int32_t* d = out.data<int32_t>();
  bool is_ts = a.type().id() == TypeId::kTimestamp;
  for (size_t i = 0; i < n; ++i) {
    int64_t us = is_ts ? a.data<int64_t>()[Row(a, n, i)] : int64_t{a.data<int32_t>()[Row(a, n, i)]} * kMicrosPerDay;
    int64_t days = FloorDiv(us, kMicrosPerDay);
    int64_t rem = us - days * kMicrosPerDay;
    int64_t y;
    unsigned m, dd;
    switch (f) {
      case Field::kHour: d[i] = static_cast<int32_t>(rem / (3600 * kMicrosPerSecond)); continue;
      case Field::kMinute: d[i] = static_cast<int32_t>(rem / (60 * kMicrosPerSecond) % 60); continue;
      case Field::kSecond: d[i] = static_cast<int32_t>(rem / kMicrosPerSecond % 60); continue;
      case Field::kDayOfWeek: d[i] = static_cast<int32_t>(FloorMod(days + 4, 7) + 1); continue;  // 1 = Sunday
      case Field::kWeekday: d[i] = static_cast<int32_t>(FloorMod(days + 3, 7)); continue;       // 0 = Monday
      default: break;
    }
    CivilFromDays(days, &y, &m, &dd);
    switch (f) {
      case Field::kYear: d[i] = static_cast<int32_t>(y); break;
      case Field::kQuarter: d[i] = static_cast<int32_t>((m - 1) / 3 + 1); break;
      case Field::kMonth: d[i] = static_cast<int32_t>(m); break;
      case Field::kDayOfYear: d[i] = static_cast<int32_t>(days - DaysFromCivil(y, 1, 1) + 1); break;
      default: d[i] = static_cast<int32_t>(dd); break;
    }
  }
  return out;
}

Result<Vector> DateAddKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  bool sub = ctx.call->name == "date_sub";
  Vector out(DataType::Date(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  bool bad = false;
  for (size_t i = 0; i < n; ++i) {
    int32_t d = args[0].data<int32_t>()[Row(args[0], n, i)];
    int32_t k = args[1].data<int32_t>()[Row(args[1], n, i)];
    int32_t r;
    bool o = sub ? __builtin_sub_overflow(d, k, &r) : __builtin_add_overflow(d, k, &r);
    bad |= o && out.IsValid(i);
    out.data<int32_t>()[i] = r;
  }
  if (bad) return ArithmeticOverflow("integer", "");
  return out;
}

Result<Vector> DateDiffKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Int(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    out.data<int32_t>()[i] = args[0].data<int32_t>()[Row(args[0], n, i)] - args[1].data<int32_t>()[Row(args[1], n, i)];
  }
  return out;
}

Result<Vector> LastDayKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Date(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(args[0].data<int32_t>()[Row(args[0], n, i)], &y, &m, &d);
    int64_t ny = m == 12 ? y + 1 : y;
    unsigned nm = m == 12 ? 1 : m + 1;
    out.data<int32_t>()[i] = DaysFromCivil(ny, nm, 1) - 1;
  }
  return out;
}

// Truncates micros to `unit`; nullopt for an unknown unit.
std::optional<int64_t> TruncateMicros(int64_t us, std::string unit) {
  unit = ToUpper(unit);
  auto floor_to = [&](int64_t q) { return FloorDiv(us, q) * q; };
  if (unit == "MICROSECOND") return us;
  if (unit == "MILLISECOND") return floor_to(kMicrosPerMilli);
  if (unit == "SECOND") return floor_to(kMicrosPerSecond);
  if (unit == "MINUTE") return floor_to(60 * kMicrosPerSecond);
  if (unit == "HOUR") return floor_to(3600 * kMicrosPerSecond);
  if (unit == "DAY" || unit == "DD") return floor_to(kMicrosPerDay);
  int64_t days = FloorDiv(us, kMicrosPerDay);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t r;
  if (unit == "WEEK") {
    r = days - FloorMod(days + 3, 7);  // back to Monday
  } else if (unit == "MONTH" || unit == "MM" || unit == "MON") {
    r = DaysFromCivil(y, m, 1);
  } else if (unit == "QUARTER") {
    r = DaysFromCivil(y, (m - 1) / 3 * 3 + 1, 1);
  } else if (unit == "YEAR" || unit == "YYYY" || unit == "YY") {
    r = DaysFromCivil(y, 1, 1);
  } else {
    return std::nullopt;
  }
  return r * kMicrosPerDay;
}

// date_trunc(unit, ts) -> TIMESTAMP; trunc(date, unit) -> DATE.
Result<Vector> TruncKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  bool is_date = ctx.call->name == "trunc";
  const Vector& unit = is_date ? args[1] : args[0];
  const Vector& v = is_date ? args[0] : args[1];
  Vector out(ctx.call->type, n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    SV u = unit.data<SV>()[Row(unit, n, i)];
    int64_t us = is_date ? int64_t{v.data<int32_t>()[Row(v, n, i)]} * kMicrosPerDay : v.data<int64_t>()[Row(v, n, i)];
    std::string us_unit(u);
    if (is_date) {
      std::string up = ToUpper(us_unit);
      if (up != "WEEK" && up != "MONTH" && up != "MM" && up != "MON" && up != "QUARTER" && up != "YEAR" &&
          up != "YYYY" && up != "YY") {
        out.SetNull(i);
        continue;
      }
    }
    auto r = TruncateMicros(us, us_unit);
    if (!r) {
      out.SetNull(i);
      continue;
    }
    if (is_date) {
      out.data<int32_t>()[i] = static_cast<int32_t>(FloorDiv(*r, kMicrosPerDay));
    } else {
      out.data<int64_t>()[i] = *r;
    }
  }
  return out;
}

// timestamp_seconds/millis/micros: number -> TIMESTAMP.
Result<Vector> ToTimestampFromNumber(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const std::string& name = ctx.call->name;
  int64_t mult = name == "timestamp_seconds" ? kMicrosPerSecond : name == "timestamp_millis" ? kMicrosPerMilli : 1;
  const Vector& a = args[0];
  Vector out(DataType::Timestamp(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    int64_t r;
    if (a.type().id() == TypeId::kDouble) {
      double us = a.data<double>()[Row(a, n, i)] * static_cast<double>(mult);
      if (!(us < 9.2233720368547758e18 && us >= -9.2233720368547758e18)) return ArithmeticOverflow("long", "");
      r = static_cast<int64_t>(us);
    } else if (__builtin_mul_overflow(a.data<int64_t>()[Row(a, n, i)], mult, &r)) {
      return ArithmeticOverflow("long", "");
    }
    out.data<int64_t>()[i] = r;
  }
  return out;
}

// unix_seconds/millis/micros: TIMESTAMP -> BIGINT (floor); unix_date: DATE -> INT.
Result<Vector> FromTimestampToNumber(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const std::string& name = ctx.call->name;
  const Vector& a = args[0];
  int64_t div = name == "unix_seconds" ? kMicrosPerSecond : name == "unix_millis" ? kMicrosPerMilli : 1;
  Vector out(DataType::Bigint(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) out.data<int64_t>()[i] = FloorDiv(a.data<int64_t>()[Row(a, n, i)], div);
  return out;
}

Result<Vector> UnixDateKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(ctx.call->type, n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) out.data<int32_t>()[i] = args[0].data<int32_t>()[Row(args[0], n, i)];
  return out;
}

// --- binders ---

Result<ExprPtr> BindNow(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  return Call(def, name, std::move(args), def.result, false);
}

// First argument: STRING parsed, or DATE/TIMESTAMP taken as is.
Result<ExprPtr> BindParse(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  TypeId t = args[0]->type.id();
  if (t != TypeId::kDate && t != TypeId::kTimestamp) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  if (args.size() > 1) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 1, DataType::String()));
  bool nullable = true;
  return Call(def, name, std::move(args), def.result, nullable);
}

Result<ExprPtr> BindUnixTimestamp(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args.empty()) return Call(def, name, std::move(args), DataType::Bigint(), false);
  return BindParse(def, name, std::move(args));
}

Result<ExprPtr> BindFromUnixtime(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::Bigint()));
  if (args.size() > 1) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 1, DataType::String()));
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), DataType::String(), nullable);
}

Result<ExprPtr> BindTimestampFromNumber(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  const DataType& t = args[0]->type;
  if (name == "timestamp_seconds" && (t.id() == TypeId::kDouble || t.id() == TypeId::kDecimal)) {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::Double()));
  } else if (!t.is_integral() && !t.is_null()) {
    return ArgTypeError(name, args, 0, name == "timestamp_seconds" ? "NUMERIC" : "INTEGRAL");
  } else {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::Bigint()));
  }
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), DataType::Timestamp(), nullable);
}

}  // namespace

void RegisterDatetimeFunctions(FunctionTable& t) {
  DataType S = DataType::String(), I = DataType::Int(), L = DataType::Bigint(), D = DataType::Date(),
           T = DataType::Timestamp();
  auto add = [&](const char* name, decltype(ScalarFunction::kernel) k, BindFn bind, int min, int max,
                 std::vector<DataType> params, DataType result, std::vector<std::string> aliases = {},
                 bool deterministic = true) {
    FunctionDef d;
    d.fn.name = name;
    d.fn.kernel = k;
    d.fn.deterministic = deterministic;
    d.bind = bind;
    d.min_args = min;
    d.max_args = max;
    d.params = std::move(params);
    d.result = std::move(result);
    t.Add(std::move(d), std::move(aliases));
  };
  // current_timestamp is constant within a query but not foldable at plan
  // time (it reads EvalContext::now_micros), so it is marked non-deterministic.
  add("current_timestamp", NowKernel, BindNow, 0, 0, {}, T, {"now", "localtimestamp"}, false);
  add("current_date", NowKernel, BindNow, 0, 0, {}, D, {"curdate"}, false);
  add("to_timestamp", ParseKernel, BindParse, 1, 2, {}, T);
  add("try_to_timestamp", ParseKernel, BindParse, 1, 2, {}, T);
  add("to_date", ParseKernel, BindParse, 1, 2, {}, D);
  add("unix_timestamp", UnixTimestampKernel, BindUnixTimestamp, 0, 2, {}, L, {}, false);
  add("to_unix_timestamp", ParseKernel, BindParse, 1, 2, {}, L);
  add("from_unixtime", FormatKernel, BindFromUnixtime, 1, 2, {}, S);
  add("date_format", FormatKernel, BindFixed, 2, 2, {T, S}, S);
  add("date_trunc", TruncKernel, BindFixed, 2, 2, {S, T}, T);
  add("trunc", TruncKernel, BindFixed, 2, 2, {D, S}, D);
  for (const char* f : {"year", "quarter", "month", "dayofyear", "dayofweek", "weekday"}) {
    add(f, ExtractKernel, BindFixed, 1, 1, {D}, I);
  }
  add("day", ExtractKernel, BindFixed, 1, 1, {D}, I, {"dayofmonth"});
  for (const char* f : {"hour", "minute", "second"}) add(f, ExtractKernel, BindFixed, 1, 1, {T}, I);
  add("date_add", DateAddKernel, BindFixed, 2, 2, {D, I}, D, {"dateadd"});
  add("date_sub", DateAddKernel, BindFixed, 2, 2, {D, I}, D);
  add("datediff", DateDiffKernel, BindFixed, 2, 2, {D, D}, I, {"date_diff"});
  add("last_day", LastDayKernel, BindFixed, 1, 1, {D}, D);
  for (const char* f : {"timestamp_seconds", "timestamp_millis", "timestamp_micros"}) {
    add(f, ToTimestampFromNumber, BindTimestampFromNumber, 1, 1, {}, T);
  }
  for (const char* f : {"unix_seconds", "unix_millis", "unix_micros"}) {
    add(f, FromTimestampToNumber, BindFixed, 1, 1, {T}, L);
  }
  add("unix_date", UnixDateKernel, BindFixed, 1, 1, {D}, I);
  add("date_from_unix_date", UnixDateKernel, BindFixed, 1, 1, {I}, D);
}

}  // namespace sluice::fn
