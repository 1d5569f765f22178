// ParseIntervalString: Spark's interval strings, as window(),
// session_window() and withWatermark take them ("10 seconds", "1 minute",
// "1 hour 30 minutes", "interval 2 days", "500 milliseconds", "-5 seconds",
// "1.5 seconds"): an optional leading "interval", then one or more
// `<number> <unit>` pairs, case-insensitive, units singular or plural
// (week, day, hour, minute, second, millisecond, microsecond; year and
// month are recognised so that callers can reject them as Spark does).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice {

struct ParsedInterval {
  int64_t months = 0;  // years * 12 + months
  int64_t micros = 0;  // everything else (weeks and days as 24-hour days)
};

// nullopt if `text` is not an interval string (or overflows).
std::optional<ParsedInterval> ParseIntervalString(std::string_view text);

}  // namespace sluice
