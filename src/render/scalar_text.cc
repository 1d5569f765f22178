#include "render/scalar_text.h"

#include <cstdio>

#include "types/datetime.h"
#include "types/value.h"

namespace sluice {

std::string FormatTimestampIso(int64_t micros) {
  int64_t millis = FloorDiv(micros, 1000);
  int64_t days = FloorDiv(millis, 86400000);
  int64_t ms_of_day = millis - days * 86400000;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) {
    // Spark's proleptic year: '+' past 9999, '-' before year 0, at least
    // four digits ("+10000-01-01T00:00:00.000Z", "-0005-...").
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%s%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", y < 0 ? "-" : "+",
                  static_cast<long long>(y < 0 ? -y : y), m, d,
                  static_cast<int>(ms_of_day / 3600000), static_cast<int>(ms_of_day / 60000 % 60),
                  static_cast<int>(ms_of_day / 1000 % 60), static_cast<int>(ms_of_day % 1000));
    return buf;
  }
  // The common case without printf (it dominated the JSON file sink).
  char buf[25] = "0000-00-00T00:00:00.000Z";
  auto put = [&](int pos, int64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      buf[pos + i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, y, 4);
  put(5, m, 2);
  put(8, d, 2);
  put(11, ms_of_day / 3600000, 2);
  put(14, ms_of_day / 60000 % 60, 2);
  put(17, ms_of_day / 1000 % 60, 2);
  put(20, ms_of_day % 1000, 3);
  return std::string(buf, 24);
}

std::string Base64Encode(std::string_view s) {
  static const char kT[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(s[i])) << 16) | (uint32_t(uint8_t(s[i + 1])) << 8) | uint8_t(s[i + 2]);
    out += kT[v >> 18];
    out += kT[(v >> 12) & 63];
    out += kT[(v >> 6) & 63];
    out += kT[v & 63];
  }
  if (i < s.size()) {
    uint32_t v = uint32_t(uint8_t(s[i])) << 16;
    if (i + 1 < s.size()) v |= uint32_t(uint8_t(s[i + 1])) << 8;
    out += kT[v >> 18];
    out += kT[(v >> 12) & 63];
    out += i + 1 < s.size() ? kT[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string ScalarText(const Vector& v, size_t i) {
  switch (v.type().id()) {
    case TypeId::kBoolean: return v.data<uint8_t>()[i] ? "true" : "false";
    case TypeId::kInt: return std::to_string(v.data<int32_t>()[i]);
    case TypeId::kBigint: return std::to_string(v.data<int64_t>()[i]);
    case TypeId::kDouble: return FormatDouble(v.data<double>()[i]);
    case TypeId::kDecimal: return FormatDecimal(v.data<int128_t>()[i], v.type().scale());
    case TypeId::kString: return std::string(v.GetString(i));
    case TypeId::kBinary: return Base64Encode(v.GetString(i));
    case TypeId::kDate: return FormatDate(v.data<int32_t>()[i]);
    case TypeId::kTimestamp: return FormatTimestampIso(v.data<int64_t>()[i]);
    default: return "";
  }
}

}  // namespace sluice
