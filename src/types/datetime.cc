#include "types/datetime.h"

#include <cctype>
#include <string>

namespace sluice {

int32_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Shift the year so that it starts in March; then leap days fall at the end.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int32_t>(era * 146097 + static_cast<int64_t>(doe) - 719468);
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsValidCivil(int64_t y, unsigned m, unsigned d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  unsigned max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Reads 1..max_digits digits at s[*pos]; false if none.
bool ReadInt(std::string_view s, size_t* pos, int max_digits, int64_t* out) {
  size_t start = *pos;
  int64_t v = 0;
  while (*pos < s.size() && *pos - start < static_cast<size_t>(max_digits) &&
         std::isdigit(static_cast<unsigned char>(s[*pos]))) {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
  }
  *out = v;
  return *pos > start;
}

// Parses the date part; *pos is left after it.
bool ParseDatePart(std::string_view s, size_t* pos, int32_t* days) {
  int64_t y = 0, m = 1, d = 1;
  size_t ystart = *pos;
  if (!ReadInt(s, pos, 6, &y) || *pos - ystart < 4) return false;
  if (*pos < s.size() && s[*pos] == '-') {
    ++*pos;
    if (!ReadInt(s, pos, 2, &m)) return false;
    if (*pos < s.size() && s[*pos] == '-') {
      ++*pos;
      if (!ReadInt(s, pos, 2, &d)) return false;
    }
  }
  if (!IsValidCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))) return false;
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

}  // namespace

std::optional<int32_t> ParseDate(std::string_view s) {
  s = Trim(s);
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePart(s, &pos, &days)) return std::nullopt;
  if (pos != s.size() && s[pos] != ' ' && s[pos] != 'T') return std::nullopt;
  return days;
}

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  s = Trim(s);
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePart(s, &pos, &days)) return std::nullopt;
  int64_t hh = 0, mi = 0, ss = 0, frac = 0;
  // Spark's cast takes a zone only after the seconds: 10:00Z is malformed.
  bool has_seconds = false;
  if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T')) {
    ++pos;
    if (!ReadInt(s, &pos, 2, &hh)) return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!ReadInt(s, &pos, 2, &mi)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!ReadInt(s, &pos, 2, &ss)) return std::nullopt;
        has_seconds = true;
        if (pos < s.size() && s[pos] == '.') {
          ++pos;
          size_t fstart = pos;
          int64_t f = 0;
          ReadInt(s, &pos, 9, &f);  // "10:00:00." has no digits: a zero fraction
          size_t digits = pos - fstart;
          // Keep microseconds; drop nanosecond digits.
          while (digits < 6) f *= 10, ++digits;
          while (digits > 6) f /= 10, --digits;
          frac = f;
        }
      }
    }
    if (hh > 23 || mi > 59 || ss > 59) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size()) {
    if (!has_seconds) return std::nullopt;
    if (s[pos] == ' ') ++pos;  // "10:00:00 +01:00"
    char c = pos < s.size() ? s[pos] : '\0';
    if (c == 'Z' && pos + 1 == s.size()) {
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      int64_t oh = 0, om = 0;
      size_t st = pos;
      if (!ReadInt(s, &pos, 2, &oh) || pos - st != 2) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !ReadInt(s, &pos, 2, &om)) return std::nullopt;
      if (oh > 18 || om > 59) return std::nullopt;
      offset_seconds = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  int64_t secs = static_cast<int64_t>(days) * 86400 + hh * 3600 + mi * 60 + ss - offset_seconds;
  return secs * kMicrosPerSecond + frac;
}

bool IsTimeOfDayOnly(std::string_view s) {
  s = Trim(s);
  if (!s.empty() && s[0] == 'T') return true;
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  return (digits == 1 || digits == 2) && digits < s.size() && s[digits] == ':';
}

std::optional<int64_t> ParseTimestampOrTimeOfDay(std::string_view s, int32_t today) {
  if (!IsTimeOfDayOnly(s)) return ParseTimestamp(s);
  s = Trim(s);
  if (s[0] == 'T') s.remove_prefix(1);
  // The time on day 0, then moved to `today` (the session zone is UTC, so a
  // day is always 86400 seconds).
  std::optional<int64_t> t = ParseTimestamp("1970-01-01T" + std::string(s));
  if (!t) return std::nullopt;
  return *t + int64_t{today} * kMicrosPerDay;
}

}  // namespace sluice
