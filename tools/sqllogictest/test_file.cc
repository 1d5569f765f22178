#include "test_file.h"

#include <algorithm>
#include <functional>
#include <sstream>
#include <utility>

namespace sluice::slt {
namespace {

constexpr std::string_view kSeparator = "----";

std::vector<std::string> SplitWords(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

// The lines of one record after its header, split at the first "----".
struct RecordBody {
  int header_line = 0;
  std::vector<std::string> words;  // the header, split on whitespace
  std::vector<std::string> sql_lines;
  bool has_separator = false;
  std::vector<std::string> result_lines;
};

using KindParser = std::function<bool(const RecordBody&, Record*, ParseError*)>;

bool Fail(ParseError* error, int line, std::string message) {
  error->line = line;
  error->message = std::move(message);
  return false;
}

bool NeedSql(const RecordBody& b, ParseError* error) {
  if (b.sql_lines.empty()) return Fail(error, b.header_line, "record has no SQL");
  return true;
}

bool ParseStatement(const RecordBody& b, Record* rec, ParseError* error) {
  if (b.words.size() != 2) {
    return Fail(error, b.header_line, "expected 'statement ok' or 'statement error'");
  }
  if (!NeedSql(b, error)) return false;
  if (b.words[1] == "ok") {
    if (b.has_separator) {
      return Fail(error, b.header_line, "'statement ok' takes no '----' section");
    }
    rec->body = StatementOk{JoinLines(b.sql_lines)};
    return true;
  }
  if (b.words[1] == "error") {
    StatementError st{JoinLines(b.sql_lines), {}};
    for (const auto& l : b.result_lines) {
      if (!IsBlank(l)) st.expected_substrings.push_back(l);
    }
    rec->body = std::move(st);
    return true;
  }
  return Fail(error, b.header_line, "unknown statement mode '" + b.words[1] + "' (ok, error)");
}

bool ParseQuery(const RecordBody& b, Record* rec, ParseError* error) {
  if (b.words.size() < 2 || b.words.size() > 3) {
    return Fail(error, b.header_line, "expected 'query <types> [nosort|rowsort|contains]'");
  }
  if (!NeedSql(b, error)) return false;
  Query q;
  q.sql = JoinLines(b.sql_lines);
  q.column_types = b.words[1];
  for (char c : q.column_types) {
    if (std::string_view("IRTBD").find(c) == std::string_view::npos) {
      return Fail(error, b.header_line,
                  std::string("unknown column type letter '") + c + "' (I, R, T, B, D)");
    }
  }
  if (b.words.size() == 3) {
    if (b.words[2] == "nosort") {
      q.sort_mode = SortMode::kNoSort;
    } else if (b.words[2] == "rowsort") {
      q.sort_mode = SortMode::kRowSort;
    } else if (b.words[2] == "contains") {
      q.sort_mode = SortMode::kContains;
    } else {
      return Fail(error, b.header_line,
                  "unknown sort mode '" + b.words[2] + "' (nosort, rowsort, contains)");
    }
  }
  if (!b.has_separator) {
    return Fail(error, b.header_line, "query record needs a '----' line before its results");
  }
  int line = b.header_line + 1 + static_cast<int>(b.sql_lines.size()) + 1;
  for (const auto& r : b.result_lines) {
    size_t columns = static_cast<size_t>(std::count(r.begin(), r.end(), '\t')) + 1;
    if (q.sort_mode != SortMode::kContains && columns != q.column_types.size()) {
      return Fail(error, line,
                  "result row has " + std::to_string(columns) + " tab-separated values but the "
                      "query declares " + std::to_string(q.column_types.size()) + " columns ('" +
                      q.column_types + "')");
    }
    q.expected_rows.push_back(r);
    ++line;
  }
  rec->body = std::move(q);
  return true;
}

bool ParseStream(const RecordBody& b, Record* rec, ParseError* error) {
  using Kind = StreamCommand::Kind;
  static const std::map<std::string, Kind, std::less<>> kKinds = {
      {"source", Kind::kSource}, {"add", Kind::kAdd},         {"file", Kind::kFile}, {"start", Kind::kStart},
      {"run", Kind::kRun},       {"restart", Kind::kRestart}, {"stop", Kind::kStop}, {"progress", Kind::kProgress}};
  if (b.words.size() < 3) {
    return Fail(error, b.header_line,
                "expected 'stream <source|add|file|start|run|restart|stop|progress> <name> ...'");
  }
  auto it = kKinds.find(b.words[1]);
  if (it == kKinds.end()) {
    return Fail(error, b.header_line,
                "unknown stream command '" + b.words[1] + "' (source, add, file, start, run, restart, stop, progress)");
  }
  StreamCommand c;
  c.kind = it->second;
  c.name = b.words[2];
  c.args.assign(b.words.begin() + 3, b.words.end());
  if (!c.args.empty() && c.args.back() == "error") {
    c.expect_error = true;
    c.args.pop_back();
  }
  c.body = JoinLines(b.sql_lines);
  bool needs_body = c.kind == Kind::kSource || c.kind == Kind::kAdd || c.kind == Kind::kFile || c.kind == Kind::kStart;
  if (needs_body && b.sql_lines.empty()) {
    return Fail(error, b.header_line, "'stream " + b.words[1] + "' needs lines after its header");
  }
  if (!needs_body && !b.sql_lines.empty()) {
    return Fail(error, b.header_line,
                "'stream " + b.words[1] + "' takes no lines after its header (only a '----' section)");
  }
  bool args_allowed = c.kind == Kind::kSource || c.kind == Kind::kStart || c.kind == Kind::kProgress;
  if (!args_allowed && !c.args.empty()) {
    return Fail(error, b.header_line, "unexpected '" + c.args[0] + "' after 'stream " + b.words[1] + " " + c.name + "'");
  }
  if (b.has_separator && !c.expect_error && c.kind != Kind::kProgress) {
    return Fail(error, b.header_line, "only 'stream progress' and '... error' records take a '----' section");
  }
  if (c.kind == Kind::kProgress && !b.has_separator) {
    return Fail(error, b.header_line, "'stream progress' needs a '----' line before the expected substrings");
  }
  for (const auto& l : b.result_lines) {
    if (!IsBlank(l)) c.expected.push_back(l);
  }
  rec->body = std::move(c);
  return true;
}

// Record kinds by the first word of their header line. New kinds are added
// here.
const std::map<std::string, KindParser, std::less<>>& KindParsers() {
  static const auto* parsers = new std::map<std::string, KindParser, std::less<>>{
      {"statement", ParseStatement},
      {"query", ParseQuery},
      {"stream", ParseStream},
  };
  return *parsers;
}

}  // namespace

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.emplace_back(l);
    start = end + 1;
  }
  return lines;
}

bool ParseTestFile(std::string_view text, std::string path, TestFile* out, ParseError* error) {
  out->path = std::move(path);
  out->records.clear();
  std::vector<std::string> lines = SplitLines(text);
  size_t i = 0;
  while (i < lines.size()) {
    const std::string& line = lines[i];
    if (IsBlank(line) || line[0] == '#') {
      ++i;
      continue;
    }
    RecordBody body;
    body.header_line = static_cast<int>(i) + 1;
    body.words = SplitWords(line);
    auto it = KindParsers().find(body.words[0]);
    if (it == KindParsers().end()) {
      return Fail(error, body.header_line, "unknown record kind '" + body.words[0] + "'");
    }
    ++i;
    for (; i < lines.size() && !IsBlank(lines[i]); ++i) {
      if (!body.has_separator && lines[i] == kSeparator) {
        body.has_separator = true;
      } else if (body.has_separator) {
        body.result_lines.push_back(lines[i]);
      } else {
        body.sql_lines.push_back(lines[i]);
      }
    }
    Record rec;
    rec.line = body.header_line;
    if (!it->second(body, &rec, error)) return false;
    out->records.push_back(std::move(rec));
  }
  return true;
}

std::string Expand(std::string_view text, const std::map<std::string, std::string>& vars) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        auto it = vars.find(std::string(text.substr(i + 2, close - i - 2)));
        if (it != vars.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

std::string RenderRow(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += '\t';
    out += values[i].empty() ? "(empty)" : values[i];
  }
  return out;
}

bool RowsMatch(std::vector<std::string> expected, std::vector<std::string> actual, SortMode mode) {
  if (mode == SortMode::kContains) {
    std::string text;
    for (const auto& a : actual) text += a + "\n";
    for (const auto& e : expected) {
      if (text.find(e) == std::string::npos) return false;
    }
    return true;
  }
  if (mode == SortMode::kRowSort) {
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
  }
  return expected == actual;
}

}  // namespace sluice::slt
