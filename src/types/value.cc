#include "types/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "types/datetime.h"

namespace sluice {

std::string Int128ToString(int128_t v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  // Work on the magnitude as unsigned so that the minimum value is fine.
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  char buf[48];
  int i = 47;
  buf[i] = 0;
  while (u != 0) {
    buf[--i] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  if (neg) buf[--i] = '-';
  return std::string(buf + i);
}

std::string FormatDecimal(int128_t unscaled, int scale) {
  std::string digits = Int128ToString(unscaled);
  bool neg = !digits.empty() && digits[0] == '-';
  std::string_view mag(digits);
  if (neg) mag.remove_prefix(1);
  std::string out;
  if (neg) out += '-';
  if (scale <= 0) {
    out += mag;
    return out;
  }
  size_t s = static_cast<size_t>(scale);
  // Built by appending (GCC 12 at -O3 warns falsely about std::string::insert).
  if (mag.size() <= s) {
    out += "0.";
    out.append(s - mag.size(), '0');
    out += mag;
  } else {
    out += mag.substr(0, mag.size() - s);
    out += '.';
    out += mag.substr(mag.size() - s);
  }
  return out;
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits in scientific form: "d.dddde[+-]xx".
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  if (sci.find('.') == std::string::npos) {
    // One digit round-trips. Java then prints the decimal of one or two
    // digits closest to the value: the correctly rounded two-digit form,
    // when it round-trips too (4.9E-324 for the smallest subnormal, where
    // the shortest is 5e-324).
    char two[64];
    auto r2 = std::to_chars(two, two + sizeof(two), d, std::chars_format::scientific, 1);
    double back = 0;
    std::from_chars(two, r2.ptr, back);
    if (back == d) sci.assign(two, r2.ptr);
  }
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  double a = std::fabs(d);
  if (a >= 1e-3 && a < 1e7) {
    if (exp >= 0) {
      size_t int_len = static_cast<size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out = digits + std::string(int_len - digits.size(), '0') + ".0";
      } else {
        out = digits.substr(0, int_len) + "." + digits.substr(int_len);
      }
    } else {
      out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
    }
  } else {
    out = digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" +
          std::to_string(exp);
  }
  return neg ? "-" + out : out;
}

std::string FormatDate(int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  // Spark's proleptic year: at least four digits, '+' past 9999, '-' before
  // year 0 ("+10000-01-01", "-0005-01-01").
  char buf[40];
  const char* sign = y > 9999 ? "+" : y < 0 ? "-" : "";
  std::snprintf(buf, sizeof(buf), "%s%04lld-%02u-%02u", sign, static_cast<long long>(y < 0 ? -y : y), m, d);
  return buf;
}

std::string FormatTimestamp(int64_t micros) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  // micros mod a day, without days * kMicrosPerDay (it passes INT64_MIN for
  // the earliest timestamps).
  int64_t rem = micros % kMicrosPerDay;
  if (rem < 0) rem += kMicrosPerDay;
  int64_t secs = rem / kMicrosPerSecond;
  int64_t frac = rem % kMicrosPerSecond;
  std::string s = FormatDate(static_cast<int32_t>(days));
  char buf[48];
  std::snprintf(buf, sizeof(buf), " %02lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  s += buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s;
}

std::string Value::ToString() const {
  if (is_null()) return "NULL";
  switch (type_.id()) {
    case TypeId::kNull: return "NULL";
    case TypeId::kBoolean: return bool_value() ? "true" : "false";
    case TypeId::kInt: return std::to_string(int_value());
    case TypeId::kBigint: return std::to_string(bigint_value());
    case TypeId::kDouble: return FormatDouble(double_value());
    case TypeId::kDecimal: return FormatDecimal(decimal_value(), type_.scale());
    case TypeId::kString:
    case TypeId::kBinary: return str_value();
    case TypeId::kDate: return FormatDate(int_value());
    case TypeId::kTimestamp: return FormatTimestamp(bigint_value());
    case TypeId::kStruct:
    case TypeId::kArray: {
      // Spark renders structs as {a, b} and arrays as [a, b]; nulls as null.
      std::string s = type_.id() == TypeId::kStruct ? "{" : "[";
      const auto& c = children();
      for (size_t i = 0; i < c.size(); ++i) {
        if (i) s += ", ";
        s += c[i].is_null() ? "null" : c[i].ToString();
      }
      return s + (type_.id() == TypeId::kStruct ? "}" : "]");
    }
  }
  return "?";
}

std::string Value::ToSqlLiteral() const {
  if (is_null()) return "NULL";
  switch (type_.id()) {
    case TypeId::kString: {
      std::string s = "'";
      for (char c : str_value()) {
        if (c == '\'' || c == '\\') s += '\\';
        s += c;
      }
      return s + "'";
    }
    case TypeId::kBinary: {
      static const char* kHex = "0123456789ABCDEF";
      std::string s = "X'";
      for (unsigned char c : str_value()) {
        s += kHex[c >> 4];
        s += kHex[c & 15];
      }
      return s + "'";
    }
    case TypeId::kDouble: {
      std::string s = ToString();
      if (s == "NaN" || s == "Infinity" || s == "-Infinity") return "CAST('" + s + "' AS DOUBLE)";
      return s + "D";
    }
    case TypeId::kDate: return "DATE '" + ToString() + "'";
    case TypeId::kTimestamp: return "TIMESTAMP '" + ToString() + "'";
    case TypeId::kBigint: return ToString() + "L";
    case TypeId::kDecimal: return ToString() + "BD";
    default: return ToString();
  }
}

bool Value::operator==(const Value& o) const {
  if (type_ != o.type_) return false;
  if (is_null() || o.is_null()) return is_null() == o.is_null();
  if (type_.is_nested()) {
    const auto& a = children();
    const auto& b = o.children();
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!(a[i] == b[i])) return false;
    }
    return true;
  }
  if (type_.id() == TypeId::kDouble) {
    double x = double_value(), y = o.double_value();
    return x == y || (std::isnan(x) && std::isnan(y));
  }
  return v_ == o.v_;
}

}  // namespace sluice
