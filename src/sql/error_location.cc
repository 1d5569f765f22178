#include "sql/error_location.h"

#include <algorithm>
#include <cctype>

namespace sluice {

namespace {

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string FormatLocation(std::string_view sql, int line, int column) {
  // Find the start of `line`.
  size_t start = 0;
  for (int l = 1; l < line && start <= sql.size(); ++l) {
    size_t nl = sql.find('\n', start);
    if (nl == std::string_view::npos) {
      start = sql.size();
      break;
    }
    start = nl + 1;
  }
  size_t end = sql.find('\n', start);
  if (end == std::string_view::npos) end = sql.size();
  std::string_view text = sql.substr(start, end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);

  std::string out = "  ";
  out += text;
  out += "\n  ";
  int col = 1;
  for (size_t i = 0; i < text.size() && col < column; ++i) {
    if (IsUtf8Continuation(text[i])) continue;
    out += text[i] == '\t' ? '\t' : ' ';
    ++col;
  }
  for (; col < column; ++col) out += ' ';
  out += '^';
  return out;
}

Status SyntaxErrorAt(std::string_view sql, int line, int column, std::string_view message) {
  std::string m = "syntax error at line " + std::to_string(line) + ", column " +
                  std::to_string(column) + ": ";
  m += message;
  m += '\n';
  m += FormatLocation(sql, line, column);
  return Status::SyntaxError(std::move(m));
}

size_t EditDistanceIgnoreCase(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus adjacent transpositions.
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      bool same = lower(a[i - 1]) == lower(b[j - 1]);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> SuggestClosest(std::string_view name,
                                          const std::vector<std::string>& candidates) {
  size_t limit = std::max<size_t>(1, name.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    size_t d = EditDistanceIgnoreCase(name, c);
    if (d == 0) continue;
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace sluice
