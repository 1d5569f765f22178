// Parser: Spark SQL subset -> AST (sql/ast.h). Recursive descent over the
// Lexer's tokens. Operator precedence, loosest first, as in Spark:
//   OR < AND < NOT < comparison, IN, LIKE, RLIKE, BETWEEN, IS
//      < || + - < * / % DIV < unary minus < :: cast, [ ] subscript, . field
// Every error is a Status::SyntaxError shaped as
//   syntax error at line L, column C: expected X, found Y
//     <source line>
//     <caret under column C>
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"
#include "sql/ast.h"
#include "sql/token.h"
#include "types/data_type.h"

namespace sluice {

// The deepest nesting a statement (or a standalone expression, type or
// schema) may have: parser recursion (each parenthesis, function call,
// subquery, CASE, unary operator and nested type opens a level) and the
// height of the tree built (each operator, cast, subscript, join and set
// operation over another is a level). Deeper SQL is a SyntaxError at the
// spot, "the SQL nests deeper than 1000 levels here ..." (docs/sql.md,
// "Limits"): the binder, optimizer and evaluator recurse over these trees,
// and 1000 levels keep them within a release build's 8 MB stack with room
// to spare. On a thread with less stack, the parser stops earlier with
// "... is nested too deeply for the stack of this thread" instead of
// overflowing it.
inline constexpr int kMaxSqlNestingDepth = 1000;

// One or more statements separated by ';' (a trailing ';' is fine).
Result<std::vector<ast::StatementPtr>> ParseStatements(std::string_view sql);
// One expression (DataFrame expr("a + 1"), filter("a > 1")); an alias is
// not allowed.
Result<ast::ParsedExprPtr> ParseExpression(std::string_view text);
// A Spark type name: INT, DECIMAL(10,2), ARRAY<STRING>, STRUCT<a: INT, b STRING>...
Result<DataType> ParseDataType(std::string_view text);
// A DDL schema "a INT, b STRING NOT NULL" (or "STRUCT<a: INT, ...>").
Result<Schema> ParseSchema(std::string_view text);

class Parser {
 public:
  explicit Parser(std::string_view sql);

  Result<std::vector<ast::StatementPtr>> ParseStatements();
  Result<ast::ParsedExprPtr> ParseStandaloneExpression();
  Result<DataType> ParseStandaloneDataType();
  Result<Schema> ParseStandaloneSchema();

 private:
  using MutableQuery = std::shared_ptr<ast::QueryNode>;

  // Tokens.
  const Token& Peek(size_t ahead = 0) const;
  const Token& Consume();
  bool PositionUsesIn() const;
  bool MatchWord(const char* upper);
  bool MatchSymbol(const char* s);
  bool PeekWord(const char* upper, size_t ahead = 0) const { return Peek(ahead).IsWord(upper); }
  bool PeekSymbol(const char* s, size_t ahead = 0) const { return Peek(ahead).IsSymbol(s); }
  Status ExpectWord(const char* upper);
  Status ExpectSymbol(const char* s);
  // "expected <what>, found <token>" at the current token (or the lexical
  // error at that token).
  Status ErrorExpected(std::string_view what) const;
  Status ErrorAt(const Token& t, std::string_view message) const;
  static ast::SourceLocation Loc(const Token& t) { return {t.line, t.column}; }
  Status ExpectEnd(std::string_view what);

  // Nesting (kMaxSqlNestingDepth). A recursive step opens a level with
  // SLUICE_RETURN_NOT_OK(EnterLevel()) and a LevelExit right after it.
  Status EnterLevel();
  struct LevelExit {
    int* depth;
    ~LevelExit() { --*depth; }
  };
  // The tree built has no path longer than the limit (checked without
  // recursion, before anything recursive walks it).
  Status CheckTreeHeight(const ast::Statement& statement) const;
  Status CheckTreeHeight(const ast::ParsedExpr& expr) const;

  // Identifiers.
  bool PeekIdentifier(size_t ahead = 0) const;  // a non-reserved word or `quoted`
  // An identifier that may follow an expression or table as an alias without AS.
  bool PeekImplicitAlias() const;
  Result<std::string> ParseIdentifier(std::string_view what);
  Result<std::vector<std::string>> ParseQualifiedName(std::string_view what);
  Result<std::vector<std::string>> ParseIdentifierList();  // ( a, b )

  // Statements.
  Result<ast::StatementPtr> ParseStatement();
  Result<ast::StatementPtr> ParseCreate();
  Result<ast::StatementPtr> ParseCreateStreamOrSink(ast::SourceLocation loc, bool or_replace);
  Result<ast::StatementPtr> ParseStartStreamingQuery();
  Result<ast::StatementPtr> ParseDrop();
  Result<ast::StatementPtr> ParseSet();
  Status ParseOptions(std::vector<std::pair<std::string, std::string>>* options);
  Result<ast::ColumnDef> ParseColumnDef();

  // Queries.
  Result<MutableQuery> ParseQuery();
  Result<MutableQuery> ParseSetOperations();
  Result<MutableQuery> ParseIntersections();
  Result<MutableQuery> ParseQueryPrimary();
  Result<MutableQuery> ParseSelect();
  Result<std::vector<std::vector<ast::ParsedExprPtr>>> ParseValuesRows();
  Result<ast::TableRefPtr> ParseFromList();
  Result<ast::TableRefPtr> ParseJoinedTable();
  Result<ast::TableRefPtr> ParseTablePrimary();
  // True if the parenthesis at token `open` opens a query ("(SELECT ...)",
  // "((SELECT ...) UNION ...)") rather than a FROM list ("((SELECT ...) x
  // JOIN ...)", "((a JOIN b) ...)"). Decided from the tokens, without
  // parsing: trying a parse first and parsing again made nested groups
  // exponential.
  bool GroupHoldsQuery(size_t open) const;
  Status ParseTableAlias(ast::TableRef* ref, bool allow_columns);
  // `WATERMARK column DELAY OF interval` after a relation, then its alias:
  // `ref` wrapped in a WatermarkRef, or `ref` as is without the clause.
  Result<ast::TableRefPtr> ParseWatermarkAndAlias(std::shared_ptr<ast::TableRef> ref, bool allow_columns);
  Result<ast::OrderByItem> ParseOrderByItem();

  // Expressions.
  Result<ast::ParsedExprPtr> ParseExpr();
  Result<ast::ParsedExprPtr> ParseOr();
  Result<ast::ParsedExprPtr> ParseAnd();
  Result<ast::ParsedExprPtr> ParseNot();
  Result<ast::ParsedExprPtr> ParsePredicate();
  Result<ast::ParsedExprPtr> ParseComparison();
  Result<ast::ParsedExprPtr> ParseAdditive();
  Result<ast::ParsedExprPtr> ParseMultiplicative();
  Result<ast::ParsedExprPtr> ParseUnary();
  Result<ast::ParsedExprPtr> ParsePostfix(ast::ParsedExprPtr base);
  Result<ast::ParsedExprPtr> ParsePrimary();
  Result<ast::ParsedExprPtr> ParseNumber(const Token& t, bool negate);
  Result<ast::ParsedExprPtr> ParseInterval();
  Result<ast::ParsedExprPtr> ParseCase();
  Result<ast::ParsedExprPtr> ParseFunctionCall(std::string name, const Token& start);

  // Types.
  Result<DataType> ParseType();
  Result<std::vector<StructField>> ParseStructFields(bool ddl_form);

  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;  // levels open (EnterLevel)
  // For each "(" token, the index of its ")" (kNoMatch if unbalanced).
  static constexpr size_t kNoMatch = static_cast<size_t>(-1);
  std::vector<size_t> matching_close_;
};

}  // namespace sluice
