#include "exec/functions/datetime_format.h"

#include <cctype>
#include <memory>
#include <unordered_map>

#include "types/data_type.h"
#include "types/datetime.h"

namespace sluice::fn {

namespace {

const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                         "July",    "August",   "September", "October", "November", "December"};
const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

void Pad(int64_t v, int width, std::string* out) {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (v < 0) out->push_back('-');
  for (int i = static_cast<int>(s.size()); i < width; ++i) out->push_back('0');
  *out += s;
}

int64_t Pow10Int(int n) {
  int64_t r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

}  // namespace

Result<DateTimeFormat> DateTimeFormat::Compile(std::string_view pattern) {
  DateTimeFormat f;
  f.pattern_ = std::string(pattern);
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      size_t j = i + 1;
      std::string lit;
      while (j < pattern.size()) {
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            lit += '\'';
            j += 2;
            continue;
          }
          break;
        }
        lit += pattern[j++];
      }
      if (j >= pattern.size()) {
        return Status::ExecutionError("[INVALID_DATETIME_PATTERN] unterminated quote in the datetime pattern '" +
                                      std::string(pattern) + "'");
      }
      if (j == i + 1) lit = "'";  // '' is a quote
      f.tokens_.push_back({0, 0, lit});
      i = j + 1;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      int count = static_cast<int>(j - i);
      static const std::string kKnown = "yuMLdDHhmsSaEZXxVz";
      if (kKnown.find(c) == std::string::npos) {
        return Status::ExecutionError("[INVALID_DATETIME_PATTERN] unknown pattern letter '" + std::string(1, c) +
                                      "' in the datetime pattern '" + std::string(pattern) + "'");
      }
      f.tokens_.push_back({c == 'u' ? 'y' : (c == 'L' ? 'M' : c), count, ""});
      i = j;
      continue;
    }
    f.tokens_.push_back({0, 0, std::string(1, c)});
    ++i;
  }
  return f;
}

void DateTimeFormat::Format(int64_t micros, std::string* out) const {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros % kMicrosPerDay;  // not micros - days * kMicrosPerDay: it can pass INT64_MIN
  if (rem < 0) rem += kMicrosPerDay;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t secs = rem / kMicrosPerSecond, frac = rem % kMicrosPerSecond;
  int64_t hh = secs / 3600, mi = secs / 60 % 60, ss = secs % 60;
  for (const auto& t : tokens_) {
    switch (t.letter) {
      case 0: *out += t.literal; break;
      case 'y':
        if (t.count == 2) {
          Pad(FloorMod(y, 100), 2, out);
        } else {
          // Four or more letters: Java's SignStyle.EXCEEDS_PAD, a '+' when
          // the year is wider than the pattern.
          if (t.count >= 4 && t.count < 19 && y >= Pow10Int(t.count)) *out += '+';
          Pad(y, t.count, out);
        }
        break;
      case 'M':
        if (t.count >= 4) {
          *out += kMonths[m - 1];
        } else if (t.count == 3) {
          *out += std::string(kMonths[m - 1]).substr(0, 3);
        } else {
          Pad(m, t.count, out);
        }
        break;
      case 'd': Pad(d, t.count, out); break;
      case 'D': Pad(days - DaysFromCivil(y, 1, 1) + 1, t.count, out); break;
      case 'H': Pad(hh, t.count, out); break;
      case 'h': Pad(hh % 12 == 0 ? 12 : hh % 12, t.count, out); break;
      case 'm': Pad(mi, t.count, out); break;
      case 's': Pad(ss, t.count, out); break;
      case 'S': {
        std::string f = std::to_string(frac);
        f.insert(0, 6 - f.size(), '0');
        if (t.count <= 6) {
          *out += f.substr(0, static_cast<size_t>(t.count));
        } else {
          *out += f + std::string(static_cast<size_t>(t.count - 6), '0');
        }
        break;
      }
      case 'a': *out += hh < 12 ? "AM" : "PM"; break;
      case 'E': {
        int dow = static_cast<int>(FloorMod(days + 3, 7));  // 1970-01-01 was a Thursday
        *out += t.count >= 4 ? std::string(kDays[dow]) : std::string(kDays[dow]).substr(0, 3);
        break;
      }
      case 'Z': *out += t.count >= 4 ? "GMT" : "+0000"; break;
      case 'X': *out += "Z"; break;
      case 'x': *out += t.count >= 3 ? "+00:00" : "+00"; break;
      case 'V':
      case 'z': *out += "UTC"; break;
      default: break;
    }
  }
}

std::optional<int64_t> DateTimeFormat::Parse(std::string_view s) const {
  int64_t y = 1970, m = 1, d = 1, hh = 0, mi = 0, ss = 0, frac = 0, doy = -1;
  int ampm = -1;
  bool h12 = false;
  size_t p = 0;
  auto read_num = [&](int min_digits, int max_digits, int64_t* out) {
    size_t start = p;
    int64_t v = 0;
    while (p < s.size() && p - start < static_cast<size_t>(max_digits) && std::isdigit(static_cast<unsigned char>(s[p]))) {
      v = v * 10 + (s[p] - '0');
      ++p;
    }
    if (p - start < static_cast<size_t>(min_digits)) return false;
    *out = v;
    return true;
  };
  for (size_t k = 0; k < tokens_.size(); ++k) {
    const Token& t = tokens_[k];
    // A numeric field followed directly by another numeric field is fixed width.
    bool adjacent = k + 1 < tokens_.size() && tokens_[k + 1].letter != 0;
    int maxw = adjacent ? t.count : 9;
    switch (t.letter) {
      case 0:
        if (s.substr(p, t.literal.size()) != t.literal) return std::nullopt;
        p += t.literal.size();
        break;
      case 'y':
        if (t.count == 2) {
          if (!read_num(2, 2, &y)) return std::nullopt;
          y += 2000;
        } else if (!read_num(t.count, adjacent ? t.count : 6, &y)) {
          return std::nullopt;
        }
        break;
      case 'M':
        if (t.count >= 3) {
          bool found = false;
          for (int i = 0; i < 12 && !found; ++i) {
            std::string name = t.count == 3 ? std::string(kMonths[i]).substr(0, 3) : kMonths[i];
            if (EqualsIgnoreCase(s.substr(p, name.size()), name)) {
              m = i + 1;
              p += name.size();
              found = true;
            }
          }
          if (!found) return std::nullopt;
        } else if (!read_num(t.count, t.count == 1 ? 2 : t.count, &m)) {
          return std::nullopt;
        }
        break;
      case 'd':
        if (!read_num(t.count, t.count == 1 ? 2 : t.count, &d)) return std::nullopt;
        break;
      case 'D':
        if (!read_num(t.count, 3, &doy)) return std::nullopt;
        break;
      case 'H':
        if (!read_num(t.count, t.count == 1 ? 2 : t.count, &hh)) return std::nullopt;
        break;
      case 'h':
        h12 = true;
        if (!read_num(t.count, t.count == 1 ? 2 : t.count, &hh)) return std::nullopt;
        break;
      case 'm':
        if (!read_num(t.count, t.count == 1 ? 2 : t.count, &mi)) return std::nullopt;
        break;
      case 's':
        if (!read_num(t.count, t.count == 1 ? 2 : t.count, &ss)) return std::nullopt;
        break;
      case 'S': {
        size_t start = p;
        int64_t v;
        if (!read_num(t.count, t.count, &v)) return std::nullopt;
        int digits = static_cast<int>(p - start);
        while (digits < 6) v *= 10, ++digits;
        while (digits > 6) v /= 10, --digits;
        frac = v;
        break;
      }
      case 'a':
        if (EqualsIgnoreCase(s.substr(p, 2), "AM")) {
          ampm = 0;
        } else if (EqualsIgnoreCase(s.substr(p, 2), "PM")) {
          ampm = 1;
        } else {
          return std::nullopt;
        }
        p += 2;
        break;
      case 'E': {
        bool found = false;
        for (int i = 0; i < 7 && !found; ++i) {
          std::string name = t.count >= 4 ? kDays[i] : std::string(kDays[i]).substr(0, 3);
          if (EqualsIgnoreCase(s.substr(p, name.size()), name)) {
            p += name.size();
            found = true;
          }
        }
        if (!found) return std::nullopt;
        break;
      }
      case 'X':
      case 'Z':
      case 'x': {
        // Only UTC offsets are accepted: Z, +00, +0000, +00:00.
        if (p < s.size() && s[p] == 'Z') {
          ++p;
          break;
        }
        static const char* kForms[] = {"+00:00", "+0000", "+00", "-00:00", "-0000"};
        bool ok = false;
        for (const char* f : kForms) {
          std::string_view fv(f);
          if (s.substr(p, fv.size()) == fv) {
            p += fv.size();
            ok = true;
            break;
          }
        }
        if (!ok) return std::nullopt;
        break;
      }
      default: return std::nullopt;
    }
    (void)maxw;
  }
  if (p != s.size()) return std::nullopt;
  if (h12) {
    if (hh < 1 || hh > 12) return std::nullopt;
    hh = hh % 12 + (ampm == 1 ? 12 : 0);
  } else if (ampm == 1 && hh < 12) {
    hh += 12;
  }
  if (hh > 23 || mi > 59 || ss > 59) return std::nullopt;
  int64_t days;
  if (doy >= 1) {
    days = DaysFromCivil(y, 1, 1) + doy - 1;
  } else {
    if (!IsValidCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))) return std::nullopt;
    days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  }
  return (days * 86400 + hh * 3600 + mi * 60 + ss) * kMicrosPerSecond + frac;
}

Result<const DateTimeFormat*> CachedFormat(std::string_view pattern) {
  thread_local std::unordered_map<std::string, std::unique_ptr<DateTimeFormat>> cache;
  std::string key(pattern);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second.get();
  SLUICE_ASSIGN_OR_RETURN(DateTimeFormat f, DateTimeFormat::Compile(pattern));
  if (cache.size() > 256) cache.clear();
  auto p = std::make_unique<DateTimeFormat>(std::move(f));
  const DateTimeFormat* r = p.get();
  cache[key] = std::move(p);
  return r;
}

}  // namespace sluice::fn
