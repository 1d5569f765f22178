// Fuzz target: the SQL parser (src/sql) on arbitrary text, the way a job
// file or a Session::Sql call hands it over: ParseStatements (batch and
// streaming statements: CREATE STREAM / CREATE SINK / START STREAMING QUERY),
// and the entry points the DataFrame API uses on option strings:
// ParseExpression, ParseDataType, ParseSchema.
//
// Beyond "no crash, no hang, no sanitizer report", it checks the contract
// sql/ast.h documents for the printers: a query's ToString() is SQL that
// parses back to the same tree, so printing the reparsed query gives the
// same text again (a fixed point after one round).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sql/ast.h"
#include "sql/parser.h"

namespace {

[[noreturn]] void Fail(const std::string& what, const std::string& first, const std::string& second) {
  std::fprintf(stderr, "%s\n--- first ---\n%s\n--- second ---\n%s\n", what.c_str(), first.c_str(),
               second.c_str());
  std::abort();
}

// A SELECT's printed form parses again and prints the same.
void CheckQueryRoundTrip(const sluice::ast::QueryNode& query) {
  const std::string printed = query.ToString();
  auto again = sluice::ParseStatements(printed);
  if (!again.ok()) {
    // The printed form parenthesizes every operator, so a tree near the
    // nesting limit prints as SQL beyond it (or beyond the stack of a
    // sanitizer build): that is the limit, not a printer bug.
    const std::string& m = again.status().message();
    if (m.find("nests deeper than") != std::string::npos || m.find("nested too deeply") != std::string::npos) return;
    Fail("ToString() of a parsed query does not parse: " + again.status().ToString(), printed, "");
  }
  if (again->size() != 1 || (*again)[0]->kind != sluice::ast::StatementKind::kSelect) {
    Fail("ToString() of a parsed query is not one query", printed, "");
  }
  const std::string reprinted = (*again)[0]->As<sluice::ast::SelectStatement>().query->ToString();
  if (reprinted != printed) Fail("ToString() of a query is not a fixed point", printed, reprinted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto statements = sluice::ParseStatements(text);
  if (statements.ok()) {
    for (const auto& st : *statements) {
      (void)st->ToString();
      if (st->kind == sluice::ast::StatementKind::kSelect) {
        CheckQueryRoundTrip(*st->As<sluice::ast::SelectStatement>().query);
      }
    }
  } else {
    (void)statements.status().ToString();
  }

  auto expr = sluice::ParseExpression(text);
  if (expr.ok()) {
    (void)(*expr)->ToString();
    (void)(*expr)->ToSql();
  }
  auto type = sluice::ParseDataType(text);
  if (type.ok()) (void)type->ToString();
  auto schema = sluice::ParseSchema(text);
  if (schema.ok()) (void)schema->ToString();
  return 0;
}
