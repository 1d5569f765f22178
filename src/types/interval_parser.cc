#include "types/interval_parser.h"

#include <cctype>
#include <limits>
#include <string>

#include "types/data_type.h"
#include "types/datetime.h"

namespace sluice {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view NextWord(std::string_view s, size_t* pos) {
  while (*pos < s.size() && IsSpace(s[*pos])) ++*pos;
  size_t start = *pos;
  while (*pos < s.size() && !IsSpace(s[*pos])) ++*pos;
  return s.substr(start, *pos - start);
}

// Units as Spark's IntervalUtils spells them; months for YEAR/MONTH.
bool UnitOf(std::string_view word, int64_t* micros, int64_t* months) {
  std::string w = ToLower(word);
  if (w.size() > 1 && w.back() == 's') w.pop_back();
  *micros = 0;
  *months = 0;
  if (w == "microsecond") *micros = 1;
  else if (w == "millisecond") *micros = 1000;
  else if (w == "second") *micros = kMicrosPerSecond;
  else if (w == "minute") *micros = 60 * kMicrosPerSecond;
  else if (w == "hour") *micros = 3600 * kMicrosPerSecond;
  else if (w == "day") *micros = kMicrosPerDay;
  else if (w == "week") *micros = 7 * kMicrosPerDay;
  else if (w == "month") *months = 1;
  else if (w == "year") *months = 12;
  else return false;
  return true;
}

// "[+-]digits[.digits]" times `unit` (fractions below a microsecond are
// truncated). False when not a number or out of range.
bool Scale(std::string_view v, int64_t unit, __int128* out) {
  bool neg = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  if (v.empty() || v == ".") return false;
  __int128 whole = 0;
  size_t i = 0;
  for (; i < v.size() && v[i] != '.'; ++i) {
    if (v[i] < '0' || v[i] > '9') return false;
    whole = whole * 10 + (v[i] - '0');
    if (whole > std::numeric_limits<int64_t>::max()) return false;
  }
  __int128 total = whole * unit;
  if (i < v.size()) {
    ++i;
    __int128 frac = 0, denom = 1;
    for (; i < v.size(); ++i) {
      if (v[i] < '0' || v[i] > '9') return false;
      if (denom < static_cast<__int128>(1000000000000000000LL)) {
        frac = frac * 10 + (v[i] - '0');
        denom *= 10;
      }
    }
    total += frac * unit / denom;
  }
  *out = neg ? -total : total;
  return true;
}

}  // namespace

std::optional<ParsedInterval> ParseIntervalString(std::string_view text) {
  size_t pos = 0;
  size_t save = pos;
  std::string_view first = NextWord(text, &pos);
  if (!EqualsIgnoreCase(first, "interval")) pos = save;
  __int128 micros = 0, months = 0;
  int pairs = 0;
  while (true) {
    std::string_view value = NextWord(text, &pos);
    if (value.empty()) break;
    std::string_view unit = NextWord(text, &pos);
    int64_t unit_micros = 0, unit_months = 0;
    if (unit.empty() || !UnitOf(unit, &unit_micros, &unit_months)) return std::nullopt;
    __int128 scaled = 0;
    if (unit_months != 0) {
      if (value.find('.') != std::string_view::npos || !Scale(value, unit_months, &scaled)) return std::nullopt;
      months += scaled;
    } else {
      if (!Scale(value, unit_micros, &scaled)) return std::nullopt;
      micros += scaled;
    }
    if (micros > std::numeric_limits<int64_t>::max() || micros < std::numeric_limits<int64_t>::min() ||
        months > std::numeric_limits<int32_t>::max() || months < std::numeric_limits<int32_t>::min()) {
      return std::nullopt;
    }
    ++pairs;
  }
  if (pairs == 0) return std::nullopt;
  return ParsedInterval{static_cast<int64_t>(months), static_cast<int64_t>(micros)};
}

}  // namespace sluice
