// Calendar arithmetic (proleptic Gregorian, UTC) and parsing of date and
// timestamp text as Spark's CAST accepts it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31).
int32_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
// Inverse of DaysFromCivil.
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);
bool IsValidCivil(int64_t y, unsigned m, unsigned d);
// floor(a / b) for b > 0.
inline int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
inline int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// "yyyy", "yyyy-[m]m", "yyyy-[m]m-[d]d", optionally followed by 'T' or ' '
// and anything (ignored, as Spark's date cast does). Surrounding whitespace
// is trimmed. nullopt if not a valid date.
std::optional<int32_t> ParseDate(std::string_view s);
// "yyyy-MM-dd[( |T)HH[:mm[:ss[.f{0,9}][ ](Z|(+|-)HH[:mm])]]]", as Spark's
// cast reads it: a zone only after the seconds ("10:00Z" is malformed); a
// missing zone is UTC (Sluice's session time zone). nullopt if not a valid
// timestamp.
std::optional<int64_t> ParseTimestamp(std::string_view s);
// Whether s (surrounding whitespace aside) is a time of day alone:
// "[T]H[H]:m[m][:ss[.f{1,9}]][zone]", or "T" and a time.
bool IsTimeOfDayOnly(std::string_view s);
// ParseTimestamp, and also a time of day alone, read as that time on day
// `today` (days since the epoch), as Spark's string-to-timestamp cast does.
std::optional<int64_t> ParseTimestampOrTimeOfDay(std::string_view s, int32_t today);

}  // namespace sluice
