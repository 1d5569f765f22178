// Java DateTimeFormatter patterns as Spark uses them (session time zone
// UTC): y yy yyyy, M MM MMM MMMM, d dd, D (day of year), H HH, h hh, m mm,
// s ss, S..S (fraction), a (AM/PM), E EEE EEEE (day name), Z / X / XXX
// (zone: UTC), 'quoted literals', and other punctuation as literals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"

namespace sluice::fn {

class DateTimeFormat {
 public:
  // AnalysisError-style message for an unknown pattern letter.
  static Result<DateTimeFormat> Compile(std::string_view pattern);
  // Renders microseconds since the epoch (UTC).
  void Format(int64_t micros, std::string* out) const;
  // Parses text fully; nullopt if it does not match.
  std::optional<int64_t> Parse(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Token {
    char letter;  // 0: literal
    int count;
    std::string literal;
  };
  std::string pattern_;
  std::vector<Token> tokens_;
};

// Compiled formats cached per thread (patterns are usually literals).
Result<const DateTimeFormat*> CachedFormat(std::string_view pattern);

}  // namespace sluice::fn
