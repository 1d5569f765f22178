// Spark's JSON reader reads the non-numeric numbers (its option
// allowNonNumericNumbers, on by default) unquoted: NaN, Infinity, +Infinity,
// -Infinity, +INF and -INF are DOUBLE values, and a STRING field holding one
// gets its text. JSON itself has no such tokens, so simdjson refuses them;
// the readers ask these helpers when it does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// The value of `token` when it is one of the six non-numeric numbers
// (exactly, case-sensitive: `INF` and `nan` are not, as in Spark).
std::optional<double> NonNumericNumber(std::string_view token);

// `text` with every unquoted non-numeric number in a value position (after
// '{...:', '[' or ',', outside strings) put in quotes, so that a strict JSON
// parser reads it as a string; the converters then read "NaN" and friends
// in a DOUBLE field as the number. nullopt when the text holds none.
std::optional<std::string> QuoteNonNumericNumbers(std::string_view text);

}  // namespace sluice
