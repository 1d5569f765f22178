// Date and time functions (session time zone UTC): current_timestamp/now,
// current_date, to_timestamp, to_date, try_to_timestamp, from_unixtime,
// unix_timestamp, date_trunc, trunc, date_format, year, quarter, month,
// day/dayofmonth, dayofyear, hour, minute, second, dayofweek, weekday,
// date_add, date_sub, datediff, last_day, timestamp_seconds/millis/micros,
// unix_seconds/millis/micros, unix_date, date_from_unix_date, weekofyear,
// add_months, months_between, next_day, make_date, make_timestamp,
// extract/date_part (EXTRACT(field FROM x) parses to extract('FIELD', x)),
// and timestamp_add_micros (TIMESTAMP + INTERVAL, bound by the binder).
#include <cmath>
#include <limits>
#include <optional>

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

// to_timestamp(str) and to_date(str) without a format parse as CAST does, and
// fail as it does (Spark 4: CAST_INVALID_INPUT); with a format, and always
// for unix_timestamp (it has a default format), CANNOT_PARSE_TIMESTAMP.
Status CannotParse(SV text, SV fmt, bool has_format, const DataType& result) {
  if (!has_format) {
    bool is_date = result.id() == TypeId::kDate;
    return Status::ExecutionError(std::string("[CAST_INVALID_INPUT] The value '") + std::string(text) +
                                  "' of the type \"STRING\" cannot be cast to \"" + (is_date ? "DATE" : "TIMESTAMP") +
                                  "\" because it is malformed. Correct the value as per the syntax, or change its "
                                  "target type. Use " + (is_date ? "try_cast" : "try_to_timestamp") +
                                  " to tolerate malformed input and return NULL instead.");
  }
  return Status::ExecutionError("[CANNOT_PARSE_TIMESTAMP] Text '" + std::string(text) + "' could not be parsed" +
                                (fmt.empty() ? std::string() : " with the pattern '" + std::string(fmt) + "'") +
                                ". Use try_to_timestamp to tolerate invalid input and return NULL instead.");
}

// Parses row i of a STRING argument with an optional format; nullopt if invalid.
Result<std::optional<int64_t>> ParseWithFormat(SV text, const std::vector<Vector>& args, size_t n, size_t i,
                                               size_t fmt_arg, const char* default_fmt, const EvalContext& eval) {
  if (args.size() > fmt_arg) {
    SV fmt = args[fmt_arg].data<SV>()[Row(args[fmt_arg], n, i)];
    SLUICE_ASSIGN_OR_RETURN(const DateTimeFormat* f, CachedFormat(fmt));
    return f->Parse(text);
  }
  if (default_fmt != nullptr) {
    SLUICE_ASSIGN_OR_RETURN(const DateTimeFormat* f, CachedFormat(default_fmt));
    return f->Parse(text);
  }
  return ParseTimestampText(text, eval);
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
      std::optional<int64_t> v;
      if (rt.id() == TypeId::kDate && args.size() == 1) {
        // to_date(str) is CAST(str AS DATE): the date part alone, a time of
        // day alone is no date.
        if (auto dd = ParseDate(text)) v = int64_t{*dd} * kMicrosPerDay;
      } else {
        SLUICE_ASSIGN_OR_RETURN(v, ParseWithFormat(text, args, n, i, 1, def, *ctx.eval));
      }
      if (!v) {
        if (try_mode) {
          out.SetNull(i);
          continue;
        }
        bool has_format = args.size() > 1 || def != nullptr;
        SV fmt = args.size() > 1 ? args[1].data<SV>()[Row(args[1], n, i)] : SV{};
        return CannotParse(text, fmt, has_format, rt);
      }
      us = *v;
    } else if (a.type().id() == TypeId::kDate) {
      us = int64_t{a.data<int32_t>()[Row(a, n, i)]} * kMicrosPerDay;
    } else {
      us = a.data<int64_t>()[Row(a, n, i)];
    }
    switch (rt.id()) {
      case TypeId::kDate: out.data<int32_t>()[i] = static_cast<int32_t>(FloorDiv(us, kMicrosPerDay)); break;
      // Java integer division, as Spark's ToTimestamp: toward zero.
      case TypeId::kBigint: out.data<int64_t>()[i] = us / kMicrosPerSecond; break;
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
      // Spark multiplies as Java longs: a product past BIGINT wraps around.
      auto secs = static_cast<uint64_t>(a.data<int64_t>()[Row(a, n, i)]);
      us = static_cast<int64_t>(secs * static_cast<uint64_t>(kMicrosPerSecond));
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

enum class Field {
  kYear,
  kQuarter,
  kMonth,
  kDay,
  kDayOfYear,
  kDayOfWeek,
  kWeekday,
  kWeekOfYear,
  kHour,
  kMinute,
  kSecond
};

Field FieldOf(const std::string& name) {
  if (name == "year") return Field::kYear;
  if (name == "quarter") return Field::kQuarter;
  if (name == "month") return Field::kMonth;
  if (name == "dayofyear") return Field::kDayOfYear;
  if (name == "dayofweek") return Field::kDayOfWeek;
  if (name == "weekday") return Field::kWeekday;
  if (name == "weekofyear") return Field::kWeekOfYear;
  if (name == "hour") return Field::kHour;
  if (name == "minute") return Field::kMinute;
  if (name == "second") return Field::kSecond;
  return Field::kDay;
}

// ISO-8601 week number (weeks start on Monday; week 1 holds the year's
// first Thursday), as Spark's weekofyear.
int32_t IsoWeekOfYear(int64_t days) {
  int64_t thursday = days - FloorMod(days + 3, 7) + 3;
  int64_t y;
  unsigned m, d;
  CivilFromDays(thursday, &y, &m, &d);
  return static_cast<int32_t>((thursday - DaysFromCivil(y, 1, 1)) / 7 + 1);
}

Result<Vector> ExtractKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Field f = FieldOf(ctx.call->name);
  const Vector& a = args[0];
  Vector out(DataType::Int(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  int32_t* d = out.data<int32_t>();
  bool is_ts = a.type().id() == TypeId::kTimestamp;
  for (size_t i = 0; i < n; ++i) {
    // A DATE is its day at midnight (not days * kMicrosPerDay: a date far
    // from 1970, as date_add's wrap-around makes, passes 64 bits); a
    // TIMESTAMP's time of day is its microseconds mod a day (not us - days *
    // kMicrosPerDay, which passes INT64_MIN for the earliest ones).
    int64_t days, rem = 0;
    if (is_ts) {
      const int64_t us = a.data<int64_t>()[Row(a, n, i)];
      days = FloorDiv(us, kMicrosPerDay);
      rem = us % kMicrosPerDay;
      if (rem < 0) rem += kMicrosPerDay;
    } else {
      days = a.data<int32_t>()[Row(a, n, i)];
    }
    int64_t y;
    unsigned m, dd;
    switch (f) {
      case Field::kHour: d[i] = static_cast<int32_t>(rem / (3600 * kMicrosPerSecond)); continue;
      case Field::kMinute: d[i] = static_cast<int32_t>(rem / (60 * kMicrosPerSecond) % 60); continue;
      case Field::kSecond: d[i] = static_cast<int32_t>(rem / kMicrosPerSecond % 60); continue;
      case Field::kDayOfWeek: d[i] = static_cast<int32_t>(FloorMod(days + 4, 7) + 1); continue;  // 1 = Sunday
      case Field::kWeekday: d[i] = static_cast<int32_t>(FloorMod(days + 3, 7)); continue;       // 0 = Monday
      case Field::kWeekOfYear: d[i] = IsoWeekOfYear(days); continue;
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
  // Spark adds the days as Java ints: a result past INT's range wraps
  // around (a date millions of years away), it is no overflow error.
  bool sub = ctx.call->name == "date_sub";
  Vector out(DataType::Date(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    auto d = static_cast<uint32_t>(args[0].data<int32_t>()[Row(args[0], n, i)]);
    auto k = static_cast<uint32_t>(args[1].data<int32_t>()[Row(args[1], n, i)]);
    out.data<int32_t>()[i] = static_cast<int32_t>(sub ? d - k : d + k);
  }
  return out;
}

Result<Vector> DateDiffKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Int(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    // Java int subtraction: wraps around (no undefined behaviour here).
    out.data<int32_t>()[i] = static_cast<int32_t>(static_cast<uint32_t>(args[0].data<int32_t>()[Row(args[0], n, i)]) -
                                                  static_cast<uint32_t>(args[1].data<int32_t>()[Row(args[1], n, i)]));
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
      // Spark: NaN and the infinities are NULL; otherwise Java's
      // double-to-long conversion, which saturates at the ends of the range.
      double us = a.data<double>()[Row(a, n, i)] * static_cast<double>(mult);
      if (std::isnan(us) || std::isinf(a.data<double>()[Row(a, n, i)])) {
        out.SetNull(i);
        continue;
      }
      r = us >= 9.2233720368547758e18    ? std::numeric_limits<int64_t>::max()
          : us <= -9.2233720368547758e18 ? std::numeric_limits<int64_t>::min()
                                         : static_cast<int64_t>(us);
    } else if (int64_t v = a.data<int64_t>()[Row(a, n, i)]; __builtin_mul_overflow(v, mult, &r)) {
      const char* unit = mult == kMicrosPerSecond ? "seconds" : "milliseconds";
      return Status::ExecutionError("[DATETIME_OVERFLOW] Datetime operation overflow: create a TIMESTAMP from " +
                                    std::to_string(v) + "L " + unit + " since the epoch.");
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

int32_t DaysInMonth(int64_t y, unsigned m) {
  int64_t ny = m == 12 ? y + 1 : y;
  unsigned nm = m == 12 ? 1 : m + 1;
  return DaysFromCivil(ny, nm, 1) - DaysFromCivil(y, m, 1);
}

// add_months(date, n): the day of month is clamped to the target month's
// length (LocalDate.plusMonths).
Result<Vector> AddMonthsKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Date(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(args[0].data<int32_t>()[Row(args[0], n, i)], &y, &m, &d);
    int64_t months = y * 12 + (m - 1) + args[1].data<int32_t>()[Row(args[1], n, i)];
    int64_t ny = FloorDiv(months, 12);
    auto nm = static_cast<unsigned>(FloorMod(months, 12) + 1);
    auto nd = static_cast<unsigned>(std::min<int32_t>(static_cast<int32_t>(d), DaysInMonth(ny, nm)));
    int64_t r = DaysFromCivil(ny, nm, nd);
    if (r > INT32_MAX || r < INT32_MIN) return ArithmeticOverflow("integer", "");
    out.data<int32_t>()[i] = static_cast<int32_t>(r);
  }
  return out;
}

// Spark's DateTimeUtils.monthsBetween: whole months when the days of month
// match or both are month ends, otherwise a 31-day month for the remainder;
// rounded to 8 digits unless roundOff is false.
double MonthsBetween(int64_t us1, int64_t us2, bool round_off) {
  int64_t d1 = FloorDiv(us1, kMicrosPerDay), d2 = FloorDiv(us2, kMicrosPerDay);
  int64_t y1, y2;
  unsigned m1, m2, dd1, dd2;
  CivilFromDays(d1, &y1, &m1, &dd1);
  CivilFromDays(d2, &y2, &m2, &dd2);
  double month_diff = static_cast<double>((y1 * 12 + m1) - (y2 * 12 + m2));
  bool last1 = static_cast<int32_t>(dd1) == DaysInMonth(y1, m1);
  bool last2 = static_cast<int32_t>(dd2) == DaysInMonth(y2, m2);
  if (dd1 == dd2 || (last1 && last2)) return month_diff;
  int64_t secs1 = (us1 - d1 * kMicrosPerDay) / kMicrosPerSecond;
  int64_t secs2 = (us2 - d2 * kMicrosPerDay) / kMicrosPerSecond;
  int64_t secs_diff = (static_cast<int64_t>(dd1) - static_cast<int64_t>(dd2)) * 86400 + secs1 - secs2;
  double diff = month_diff + static_cast<double>(secs_diff) / (31.0 * 86400);
  if (round_off) return std::floor(diff * 1e8 + 0.5) / 1e8;  // Math.round(diff * 1e8) / 1e8
  return diff;
}

Result<Vector> MonthsBetweenKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Double(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    bool round_off = args.size() < 3 || args[2].data<uint8_t>()[Row(args[2], n, i)] != 0;
    out.data<double>()[i] = MonthsBetween(args[0].data<int64_t>()[Row(args[0], n, i)],
                                          args[1].data<int64_t>()[Row(args[1], n, i)], round_off);
  }
  return out;
}

// Day of week (0 = Monday) of Spark's day names: "MO", "MON", "MONDAY"...
std::optional<int> ParseDayOfWeek(SV s) {
  std::string u = ToUpper(std::string(s));
  static const char* kNames[7][3] = {{"MO", "MON", "MONDAY"},   {"TU", "TUE", "TUESDAY"},  {"WE", "WED", "WEDNESDAY"},
                                     {"TH", "THU", "THURSDAY"}, {"FR", "FRI", "FRIDAY"},   {"SA", "SAT", "SATURDAY"},
                                     {"SU", "SUN", "SUNDAY"}};
  for (int d = 0; d < 7; ++d) {
    for (const char* name : kNames[d]) {
      if (u == name) return d;
    }
  }
  return std::nullopt;
}

// next_day(date, dow): the first later date that is the given day of week.
Result<Vector> NextDayKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Date(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    SV name = args[1].data<SV>()[Row(args[1], n, i)];
    std::optional<int> dow = ParseDayOfWeek(name);
    if (!dow) {
      return Status::ExecutionError("[ILLEGAL_DAY_OF_WEEK] Illegal input for day of week: " + std::string(name) +
                                    ". Use a day name such as 'MO', 'MON' or 'MONDAY'.");
    }
    int32_t d = args[0].data<int32_t>()[Row(args[0], n, i)];
    auto cur = static_cast<int32_t>(FloorMod(d + 3, 7));
    out.data<int32_t>()[i] = d + static_cast<int32_t>(FloorMod(*dow - cur - 1, 7)) + 1;
  }
  return out;
}

Status FieldOutOfBounds(const char* field, const char* range, int64_t v) {
  return Status::ExecutionError("[DATETIME_FIELD_OUT_OF_BOUNDS] Invalid value for " + std::string(field) +
                                " (valid values " + range + "): " + std::to_string(v) +
                                ". Use try_make_timestamp / try_to_date style functions or check the input.");
}

// Validates y-m-d; days since the epoch.
Result<int64_t> MakeDays(int64_t y, int64_t m, int64_t d) {
  if (y < -290307 || y > 294247) return FieldOutOfBounds("Year", "-290307 - 294247", y);
  if (m < 1 || m > 12) return FieldOutOfBounds("MonthOfYear", "1 - 12", m);
  if (d < 1 || d > 31) return FieldOutOfBounds("DayOfMonth", "1 - 31", d);
  if (d > DaysInMonth(y, static_cast<unsigned>(m))) {
    return Status::ExecutionError("[DATETIME_FIELD_OUT_OF_BOUNDS] Invalid date '" + std::to_string(d) + "' for month " +
                                  std::to_string(m) + " of year " + std::to_string(y) + ".");
  }
  return int64_t{DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))};
}

Result<Vector> MakeDateKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Date(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    auto a = [&](size_t k) { return args[k].data<int32_t>()[Row(args[k], n, i)]; };
    SLUICE_ASSIGN_OR_RETURN(int64_t days, MakeDays(a(0), a(1), a(2)));
    out.data<int32_t>()[i] = static_cast<int32_t>(days);
  }
  return out;
}

// make_timestamp(year, month, day, hour, min, sec DECIMAL(16,6)): sec may
// be 60 (then 0 and one more minute), as Spark's MakeTimestamp.
Result<Vector> MakeTimestampKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Timestamp(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    auto a = [&](size_t k) { return args[k].data<int32_t>()[Row(args[k], n, i)]; };
    SLUICE_ASSIGN_OR_RETURN(int64_t days, MakeDays(a(0), a(1), a(2)));
    int32_t hour = a(3), minute = a(4);
    if (hour < 0 || hour > 23) return FieldOutOfBounds("HourOfDay", "0 - 23", hour);
    if (minute < 0 || minute > 59) return FieldOutOfBounds("MinuteOfHour", "0 - 59", minute);
    int128_t sec_us = args[5].data<int128_t>()[Row(args[5], n, i)];  // DECIMAL(16, 6): micros
    int64_t extra = 0;
    if (sec_us == 60 * kMicrosPerSecond) {
      sec_us = 0;
      extra = 60 * kMicrosPerSecond;
    } else if (sec_us < 0 || sec_us >= 60 * kMicrosPerSecond) {
      return Status::ExecutionError(
          "[INVALID_FRACTION_OF_SECOND] Valid range for seconds is [0, 60] (inclusive), but the provided value is " +
          FormatDecimal(sec_us, 6) + ".");
    }
    out.data<int64_t>()[i] = days * kMicrosPerDay + (int64_t{hour} * 3600 + minute * 60) * kMicrosPerSecond +
                             static_cast<int64_t>(sec_us) + extra;
  }
  return out;
}

// timestamp_add_micros(ts, micros): TIMESTAMP + a day-time INTERVAL.
Result<Vector> TimestampAddMicrosKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Timestamp(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  bool bad = false;
  for (size_t i = 0; i < n; ++i) {
    int64_t r;
    bool o = __builtin_add_overflow(args[0].data<int64_t>()[Row(args[0], n, i)],
                                    args[1].data<int64_t>()[Row(args[1], n, i)], &r);
    bad |= o && out.IsValid(i);
    out.data<int64_t>()[i] = r;
  }
  if (bad) return ArithmeticOverflow("long", "");
  return out;
}

// extract(SECOND FROM ts): seconds with the fraction, DECIMAL(8, 6).
Result<Vector> SecondWithFractionKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(ctx.call->type, n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    out.data<int128_t>()[i] = FloorMod(args[0].data<int64_t>()[Row(args[0], n, i)], 60 * kMicrosPerSecond);
  }
  return out;
}

// --- binders ---

// extract('FIELD', x) / date_part('FIELD', x): the field's function of x.
Result<ExprPtr> BindExtract(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_ASSIGN_OR_RETURN(std::string field, LiteralStringArg(name, args, 0));
  std::string f = ToUpper(field);
  auto is = [&](std::initializer_list<const char*> names) {
    for (const char* x : names) {
      if (f == x) return true;
    }
    return false;
  };
  const char* fn = nullptr;
  if (is({"YEAR", "Y", "YEARS", "YR", "YRS"})) fn = "year";
  else if (is({"QUARTER", "QTR"})) fn = "quarter";
  else if (is({"MONTH", "MON", "MONS", "MONTHS"})) fn = "month";
  else if (is({"WEEK", "W", "WEEKS"})) fn = "weekofyear";
  else if (is({"DAY", "D", "DAYS", "DAYOFMONTH"})) fn = "day";
  else if (is({"DAYOFWEEK", "DOW"})) fn = "dayofweek";
  else if (is({"DOY"})) fn = "dayofyear";
  else if (is({"HOUR", "H", "HOURS", "HR", "HRS"})) fn = "hour";
  else if (is({"MINUTE", "M", "MIN", "MINS", "MINUTES"})) fn = "minute";
  else if (is({"SECOND", "S", "SEC", "SECONDS", "SECS"})) fn = "second_with_fraction";
  else if (is({"DAYOFWEEK_ISO", "DOW_ISO"})) {
    SLUICE_ASSIGN_OR_RETURN(ExprPtr wd, BindScalarFunction("weekday", {args[1]}));
    return BindScalarFunction("+", {wd, MakeLiteral(Value::Int(1))});
  }
  if (fn == nullptr) {
    return Status::AnalysisError("[INVALID_EXTRACT_FIELD] Cannot extract " + field + " from " + args[1]->ToString() +
                                 ".");
  }
  return BindScalarFunction(fn, {args[1]});
}

Result<ExprPtr> BindMakeTimestamp(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  for (size_t i = 0; i < 5; ++i) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, i, DataType::Int()));
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 5, DataType::Decimal(16, 6)));
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), DataType::Timestamp(), nullable);
}

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
    FunctionDef d = FunctionDef::Kernel(name, k, bind, min, max);
    d.fn.deterministic = deterministic;
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
  add("weekofyear", ExtractKernel, BindFixed, 1, 1, {D}, I);
  add("add_months", AddMonthsKernel, BindFixed, 2, 2, {D, I}, D);
  add("months_between", MonthsBetweenKernel, BindFixed, 2, 3, {T, T, DataType::Boolean()}, DataType::Double());
  add("next_day", NextDayKernel, BindFixed, 2, 2, {D, S}, D);
  add("make_date", MakeDateKernel, BindFixed, 3, 3, {I, I, I}, D);
  add("make_timestamp", MakeTimestampKernel, BindMakeTimestamp, 6, 6, {}, T);
  add("timestamp_add_micros", TimestampAddMicrosKernel, BindFixed, 2, 2, {T, L}, T);
  add("second_with_fraction", SecondWithFractionKernel, BindFixed, 1, 1, {T}, DataType::Decimal(8, 6));
  add("extract", nullptr, BindExtract, 2, 2, {}, I, {"date_part", "datepart"});
  add("date_from_unix_date", UnixDateKernel, BindFixed, 1, 1, {I}, D);
}

}  // namespace sluice::fn
