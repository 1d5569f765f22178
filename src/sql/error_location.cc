#include "sql/error_location.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "common/redaction.h"

namespace sluice {

namespace {

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// The byte ranges of the values of secret options in `sql`: the contents of
// a string literal that follows a secret key (a word, a quoted string or a
// backquoted name, optionally with '=' between) inside the parentheses of
// OPTIONS (...) or TBLPROPERTIES (...). A scanner, not the parser: it also
// works on statements that do not parse, which is when they are quoted.
std::vector<std::pair<size_t, size_t>> SecretValueRanges(std::string_view sql) {
  std::vector<std::pair<size_t, size_t>> out;
  std::string key;           // the last key-like token
  bool key_pending = false;  // nothing but blanks and '=' since it
  bool options_next = false; // the last word was OPTIONS or TBLPROPERTIES
  int depth = 0;             // parentheses inside an options list
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c)) || (c == '=' && depth > 0)) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // comment to the end of the line
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t e = sql.find("*/", i + 2);
      i = e == std::string_view::npos ? sql.size() : e + 2;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      size_t begin = i + 1, j = begin;
      std::string content;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            content += c;
            j += 2;
            continue;
          }
          break;
        }
        if (sql[j] == '\\' && c != '`' && j + 1 < sql.size()) {
          content += sql[j + 1];
          j += 2;
          continue;
        }
        content += sql[j++];
      }
      bool secret_value = depth > 0 && c != '`' && key_pending && IsSecretKey(key);
      if (secret_value) out.emplace_back(begin, j);
      key = std::move(content);
      key_pending = depth > 0 && !secret_value;
      options_next = false;
      i = j < sql.size() ? j + 1 : j;
      continue;
    }
    if (IsWordChar(c)) {
      size_t j = i;
      while (j < sql.size() && IsWordChar(sql[j])) ++j;
      key.assign(sql.substr(i, j - i));
      std::string upper = key;
      for (char& u : upper) u = static_cast<char>(std::toupper(static_cast<unsigned char>(u)));
      options_next = depth == 0 && (upper == "OPTIONS" || upper == "TBLPROPERTIES");
      key_pending = depth > 0;
      i = j;
      continue;
    }
    if (c == '(') {
      if (depth > 0 || options_next) ++depth;
    } else if (c == ')') {
      if (depth > 0) --depth;
    }
    options_next = false;
    key_pending = false;
    ++i;
  }
  return out;
}

// Byte offset where 1-based `line` of `sql` starts (the end of `sql` past its last line).
size_t LineStart(std::string_view sql, int line) {
  size_t start = 0;
  for (int l = 1; l < line; ++l) {
    size_t nl = sql.find('\n', start);
    if (nl == std::string_view::npos) return sql.size();
    start = nl + 1;
  }
  return start;
}

// Byte offset of 1-based `column` (in code points) of the line starting at
// `i`; a column past the line's end gives the line's end and the columns left over.
std::pair<size_t, int> OffsetInLine(std::string_view sql, size_t i, int column) {
  size_t end = sql.find('\n', i);
  if (end == std::string_view::npos) end = sql.size();
  int col = 1;
  while (col < column && i < end) {
    ++i;
    while (i < end && IsUtf8Continuation(sql[i])) ++i;
    ++col;
  }
  return {i, column - col};
}

}  // namespace

std::string FormatLocation(std::string_view sql, int line, int column) {
  // Secret option values never reach a message: the statement is quoted
  // with them redacted, and the caret moved to match.
  auto secrets = SecretValueRanges(sql);
  std::string redacted;
  size_t start = LineStart(sql, line);  // of the line shown
  if (!secrets.empty()) {
    auto [offset, beyond] = OffsetInLine(sql, start, column);
    size_t new_offset = offset, copied = 0;
    for (const auto& [b, e] : secrets) {
      redacted.append(sql.substr(copied, b - copied));
      if (offset >= e) {
        new_offset += kRedacted.size() - (e - b);
      } else if (offset > b) {
        new_offset = redacted.size();
      }
      redacted.append(kRedacted);
      copied = e;
    }
    redacted.append(sql.substr(copied));
    sql = redacted;
    start = sql.rfind('\n', new_offset == 0 ? 0 : new_offset - 1);
    start = (start == std::string_view::npos || new_offset == 0) ? 0 : start + 1;
    column = 1 + beyond;
    for (size_t i = start; i < new_offset; ++i) {
      if (!IsUtf8Continuation(sql[i])) ++column;
    }
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
