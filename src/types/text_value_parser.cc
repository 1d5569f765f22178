#include "types/text_value_parser.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace sluice {

namespace {

template <typename T>
bool ParseIntegral(std::string_view s, T* out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') {
    ++b;
    if (b == e || *b == '-') return false;
  }
  auto [p, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && p == e;
}

}  // namespace

bool ParseInt32Text(std::string_view s, int32_t* out) { return ParseIntegral(s, out); }
bool ParseInt64Text(std::string_view s, int64_t* out) { return ParseIntegral(s, out); }

bool ParseDoubleText(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (s == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (s == "Infinity" || s == "+Infinity") {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (s == "-Infinity") {
    *out = -std::numeric_limits<double>::infinity();
    return true;
  }
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') {
    ++b;
    if (b == e || *b == '-') return false;
  }
  // from_chars accepts "inf"/"nan" spellings Java does not; require a digit
  // or a point first.
  const char* d = (*b == '-') ? b + 1 : b;
  if (d == e || !((*d >= '0' && *d <= '9') || *d == '.')) return false;
  auto [p, ec] = std::from_chars(b, e, *out);
  if (ec == std::errc::result_out_of_range) {
    // Java rounds overflow to +-Infinity and underflow to 0.
    *out = std::strtod(std::string(b, e).c_str(), nullptr);
    return true;
  }
  return ec == std::errc() && p == e;
}

bool ParseBooleanText(std::string_view s, bool* out) {
  if (EqualsIgnoreCase(s, "true")) {
    *out = true;
    return true;
  }
  if (EqualsIgnoreCase(s, "false")) {
    *out = false;
    return true;
  }
  return false;
}

bool ParseDecimalText(std::string_view s, int precision, int scale, int128_t* out) {
  size_t i = 0, n = s.size();
  bool neg = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int128_t mant = 0;
  int digits = 0;      // significant digits kept in mant
  int exp10 = 0;       // value = mant * 10^exp10
  bool any = false;
  bool dropped_nonzero = false;
  int first_dropped = -1;
  auto add_digit = [&](int d, bool fractional) {
    any = true;
    if (digits == 0 && d == 0) {
      if (fractional) --exp10;
      return;
    }
    if (digits < 38) {
      mant = mant * 10 + d;
      ++digits;
      if (fractional) --exp10;
    } else {
      // Beyond 38 significant digits: remember the first dropped digit for
      // rounding; integer digits still scale the value.
      if (first_dropped < 0) first_dropped = d;
      else if (d != 0) dropped_nonzero = true;
      if (!fractional) ++exp10;
    }
  };
  while (i < n && s[i] >= '0' && s[i] <= '9') add_digit(s[i++] - '0', false);
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') add_digit(s[i++] - '0', true);
  }
  if (!any) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    int64_t e = 0;
    auto [p, ec] = std::from_chars(s.data() + i + (i < n && s[i] == '+'), s.data() + n, e);
    if (ec != std::errc() || p != s.data() + n || e > 1000 || e < -1000) return false;
    exp10 += static_cast<int>(e);
    i = n;
  }
  if (i != n) return false;
  (void)dropped_nonzero;
  // Rescale to `scale`.
  int shift = exp10 + scale;
  int128_t limit = 1;
  for (int k = 0; k < precision; ++k) limit *= 10;
  if (shift >= 0) {
    for (int k = 0; k < shift; ++k) {
      if (mant > limit) return false;
      mant *= 10;
    }
    if (first_dropped >= 0 && shift > 0) return false;  // too many digits to be exact
  } else {
    int drop = -shift;
    int last = first_dropped;
    if (drop > 0) last = -1;
    for (int k = 0; k < drop; ++k) {
      last = static_cast<int>(mant % 10);
      mant /= 10;
      if (mant == 0 && k + 1 < drop) {
        last = 0;
        break;
      }
    }
    if (last >= 5) mant += 1;  // HALF_UP
  }
  if (mant >= limit) return false;
  *out = neg ? -mant : mant;
  return true;
}

}  // namespace sluice
