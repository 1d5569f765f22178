// Pointing at a place in SQL text: the shared shape of every parser and
// binder error message:
//
//   syntax error at line 2, column 10: expected an expression, found keyword FROM
//     SELECT a, FROM t
//              ^
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"

namespace sluice {

// The two lines under the message: "  <source line>\n  <padding>^".
// `line` and `column` are 1-based, column counted in characters (UTF-8 code
// points). Tabs before the column are kept in the padding so that the caret
// lines up. A column past the end of the line points just after it.
std::string FormatLocation(std::string_view sql, int line, int column);

// "syntax error at line L, column C: <message>\n" + FormatLocation(...).
Status SyntaxErrorAt(std::string_view sql, int line, int column, std::string_view message);

// The candidate closest to `name` by case-insensitive edit distance, when
// that distance is at most max(1, name.size() / 3) and the match is not
// exact; nullopt otherwise. Ties go to the earliest candidate.
std::optional<std::string> SuggestClosest(std::string_view name,
                                          const std::vector<std::string>& candidates);

// Case-insensitive edit distance: insertions, deletions, substitutions and
// swaps of adjacent characters cost 1 each (optimal string alignment).
size_t EditDistanceIgnoreCase(std::string_view a, std::string_view b);

}  // namespace sluice
