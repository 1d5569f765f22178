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
// Streaming commands (StreamTest-style: define a source, start a query into
// a memory sink, add input, run the available batches, restart on the same
// checkpoint, query the sink table with `query`). Each is a `stream` record;
// a header ending in the word `error` expects the command to fail, with the
// optional lines after "----" as substrings of the error:
//
//   stream source <name> [<format> [<option>=<value>...]]
//   <DDL schema: k STRING, ts TIMESTAMP>
//       defines the streaming view <name>. Without a format: a memory source
//       fed by `stream add` (Spark's MemoryStream, kept across restarts).
//       With one: readStream().format(...).options(...).schema(...).load().
//
//   stream add <name>
//   <SQL giving the rows: VALUES ('a', 1), ('b', 2)>
//       appends the rows as one block (one offset) to memory source <name>;
//       columns are cast to the source's types in order.
//
//   stream file <path>
//   <the file's lines>
//       writes the file atomically (parent directories created), for the
//       file sources; name files so that they sort in the order written
//       (001.json, 002.json): files with the same modification time are read
//       in path order.
//
//   stream start <query> [append|update|complete] [<option>=<value>...]
//   <SELECT over streaming views>
//       starts writeStream().format("memory").queryName(<query>) with the
//       output mode (default append) and options (checkpointLocation
//       defaults to ${TMP}/checkpoints/<query>); the sink is the table
//       <query>. The default trigger: batches run in the background.
//
//   stream run <query>         processAllAvailable(): waits until every added
//                              row is processed (and the no-data batches that
//                              follow); `stream add` then `stream run` makes
//                              one batch. Fails if the query failed.
//   stream restart <query>     stop, then start again with the same SQL,
//                              mode and options (same checkpoint).
//   stream stop <query>        stop (a later `stream start` may reuse it).
//   stream progress <query> [batch=<id>]
//   ----                       every line after "----" must be a substring
//   "numRowsTotal":3           of the query's last progress JSON (with
//                              batch=<id>: of the progress of batch <id> in
//                              this run's recentProgress; a no-data batch
//                              has a progress of its own)
//
// Queries still running at the end of the file are stopped.
//
// Adding a record kind: add a struct to the Record variant, a parse function
// to the table in test_file.cc, and an overload to the runner's executor.
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

// `stream <command> ...` (see the top of this file).
struct StreamCommand {
  enum class Kind { kSource, kAdd, kFile, kStart, kRun, kRestart, kStop, kProgress };
  Kind kind = Kind::kRun;
  std::string name;               // the source, file path or query
  std::vector<std::string> args;  // the header words after the name (without `error`)
  std::string body;               // the lines before "----", joined with '\n'
  bool expect_error = false;
  // After "----": error substrings (expect_error) or progress substrings.
  std::vector<std::string> expected;
};

struct Record {
  int line = 0;  // 1-based line of the header
  std::variant<StatementOk, StatementError, Query, StreamCommand> body;
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
