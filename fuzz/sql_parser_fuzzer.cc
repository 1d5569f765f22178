// Fuzz target: the SQL parser (src/sql) on arbitrary text, the way a job
// file or a Session::Sql call hands it over: ParseStatements (batch and
// streaming statements: CREATE STREAM / CREATE SINK / START STREAMING QUERY),
// and the entry points the DataFrame API uses on option strings:
// ParseExpression, ParseDataType, ParseSchema.
//
// Beyond "no crash, no hang, no sanitizer report", it checks the contract
// sql/ast.h documents for the printers: a query's ToString() is SQL that
// parses back to the same tree (modulo the parser's rewrites), so printing
// converges to a fixed point (see CheckQueryRoundTrip).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
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

// `printed` parses as one query; its printed form, or nullopt when the
// nesting limit stops the parse. The printed form parenthesizes every
// operator, so a tree near the limit prints as SQL beyond it (or beyond the
// stack of a sanitizer build): that is the limit, not a printer bug.
std::optional<std::string> Reprint(const std::string& printed) {
  auto again = sluice::ParseStatements(printed);
  if (!again.ok()) {
    const std::string& m = again.status().message();
    if (m.find("nests deeper than") != std::string::npos || m.find("nested too deeply") != std::string::npos) {
      return std::nullopt;
    }
    Fail("ToString() of a parsed query does not parse: " + again.status().ToString(), printed, "");
  }
  if (again->size() != 1 || (*again)[0]->kind != sluice::ast::StatementKind::kSelect) {
    Fail("ToString() of a parsed query is not one query", printed, "");
  }
  return (*again)[0]->As<sluice::ast::SelectStatement>().query->ToString();
}

// A SELECT's printed form parses again, and printing converges: the second
// printing is a fixed point. (Not always the first: the parser folds a minus
// into a numeric literal, so `-+1`, negate(1), prints as `(- 1)`, which
// reads back as the literal -1 and prints as `-1`. Same value, same type.)
void CheckQueryRoundTrip(const sluice::ast::QueryNode& query) {
  auto second = Reprint(query.ToString());
  if (!second) return;
  auto third = Reprint(*second);
  if (third && *third != *second) Fail("ToString() of a query does not reach a fixed point", *second, *third);
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
