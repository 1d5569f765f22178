// The sqllogictest file format (DuckDB style) used by test/sql/**/*.test.
//
// A file is a sequence of records separated by blank lines. Lines starting
// with '#' between records are comments. Each record starts with a header
// line whose first word names its kind:
//
//   statement ok                  SQL must succeed (its result is ignored)
//   statement error               SQL must fail; the optional lines after
//   ----                          "----" are substrings that must all appear
//   <expected substring>...       in the error message
//
//   query <types> [nosort|rowsort|contains]
//   <SQL, possibly several lines>
//   ----
//   <one line per row, values separated by tabs>
//
// In `contains` mode each expected line is instead a substring that must
// appear in the result rendered as text (rows joined by newlines, values by
// tabs): for results such as EXPLAIN's multi-line plan string.
//
// <types> has one letter per result column (I integer, R real/decimal,
// T text, B boolean, D date/timestamp); only the count is checked. NULL
// renders as "NULL" and an empty string as "(empty)".
//
// ${DATA} and ${TMP} are expanded in SQL and expectations (see Expand).
//
// Adding a record kind (e.g. the streaming commands "stream start",
// "stream add ..."): add a struct to the Record variant, a parse function to
// the table in test_file.cc, and an overload to the runner's executor.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sluice::slt {

// `statement ok`
struct StatementOk {
  std::string sql;
};

// `statement error`
struct StatementError {
  std::string sql;
  // Each must be a substring of the error message. Empty: any error.
  std::vector<std::string> expected_substrings;
};

enum class SortMode {
  kNoSort,    // rows compared in order
  kRowSort,   // rows sorted (as rendered text) on both sides first
  kContains,  // every expected line is a substring of the rendered result
};

// `query <types> [nosort|rowsort|contains]`
struct Query {
  std::string sql;
  std::string column_types;  // one letter per column
  SortMode sort_mode = SortMode::kNoSort;
  std::vector<std::string> expected_rows;  // tab-separated values per row
};

struct Record {
  int line = 0;  // 1-based line of the header
  std::variant<StatementOk, StatementError, Query> body;
};

struct TestFile {
  std::string path;
  std::vector<Record> records;
};

struct ParseError {
  int line = 0;
  std::string message;
};

// Parses the text of a test file. Returns false and fills `error` on a
// malformed file (unknown record kind, bad type letters, a result row whose
// column count does not match the types, ...).
bool ParseTestFile(std::string_view text, std::string path, TestFile* out, ParseError* error);

// Replaces every ${NAME} whose NAME is a key of `vars`; other text is kept.
std::string Expand(std::string_view text, const std::map<std::string, std::string>& vars);

// Renders one row of already-stringified values: empty strings become
// "(empty)", values are joined with tabs.
std::string RenderRow(const std::vector<std::string>& values);

// Compares the rendered actual rows with the expected ones under `mode`.
// Returns true when they match. Sorting (kRowSort) applies to both sides;
// in kContains mode each expected line must occur in the actual rows joined
// with '\n'.
bool RowsMatch(std::vector<std::string> expected, std::vector<std::string> actual, SortMode mode);

// Splits `text` into lines (without the '\n'; a trailing '\r' is dropped).
std::vector<std::string> SplitLines(std::string_view text);

}  // namespace sluice::slt
