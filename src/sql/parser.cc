#include "sql/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "common/stack_limit.h"
#include "sql/error_location.h"
#include "sql/lexer.h"
#include "types/datetime.h"

namespace sluice {

using ast::ParsedExpr;
using ast::ParsedExprPtr;
using ast::SourceLocation;

namespace {

constexpr const char* kSubqueryError = "a subquery cannot be a function argument; compute it in a FROM subquery or CTE";

ParsedExprPtr Call(const char* name, std::vector<ParsedExprPtr> args, SourceLocation loc) {
  return ParsedExpr::Function(name, std::move(args), loc);
}

ParsedExprPtr Not(ParsedExprPtr e, SourceLocation loc) { return Call("not", {std::move(e)}, loc); }

// Microseconds per interval unit (singular, upper case), or 0.
int64_t IntervalUnitMicros(const std::string& upper, std::string* singular) {
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"MICROSECOND", 1},
      {"MILLISECOND", 1000},
      {"SECOND", kMicrosPerSecond},
      {"MINUTE", 60 * kMicrosPerSecond},
      {"HOUR", 3600 * kMicrosPerSecond},
      {"DAY", kMicrosPerDay},
      {"WEEK", 7 * kMicrosPerDay},
  };
  for (const auto& [name, micros] : kUnits) {
    std::string n(name);
    if (upper == n || upper == n + "S") {
      *singular = n;
      return micros;
    }
  }
  return 0;
}

bool IsYearMonthUnit(const std::string& upper) {
  return upper == "YEAR" || upper == "YEARS" || upper == "MONTH" || upper == "MONTHS";
}

// Parses "[+-]digits[.digits]" times `unit` into micros (fraction below one
// microsecond truncated). False when not a number or on overflow.
bool ScaleIntervalValue(std::string_view v, int64_t unit, int128_t* out) {
  bool neg = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  if (v.empty()) return false;
  int128_t whole = 0;
  size_t i = 0;
  for (; i < v.size() && v[i] != '.'; ++i) {
    if (v[i] < '0' || v[i] > '9') return false;
    whole = whole * 10 + (v[i] - '0');
    if (whole > std::numeric_limits<int64_t>::max()) return false;
  }
  int128_t total = whole * unit;
  if (i < v.size()) {
    ++i;
    int128_t frac = 0, denom = 1;
    for (; i < v.size(); ++i) {
      if (v[i] < '0' || v[i] > '9') return false;
      if (denom < static_cast<int128_t>(1e18)) {
        frac = frac * 10 + (v[i] - '0');
        denom *= 10;
      }
    }
    total += frac * unit / denom;
  }
  *out = neg ? -total : total;
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------

Result<std::vector<ast::StatementPtr>> ParseStatements(std::string_view sql) {
  return Parser(sql).ParseStatements();
}
Result<ParsedExprPtr> ParseExpression(std::string_view text) {
  return Parser(text).ParseStandaloneExpression();
}
Result<DataType> ParseDataType(std::string_view text) {
  return Parser(text).ParseStandaloneDataType();
}
Result<Schema> ParseSchema(std::string_view text) { return Parser(text).ParseStandaloneSchema(); }

Parser::Parser(std::string_view sql) : sql_(sql), tokens_(Lexer(sql).TokenizeAll()) {
  matching_close_.assign(tokens_.size(), kNoMatch);
  std::vector<size_t> open;
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (tokens_[i].IsSymbol("(")) {
      open.push_back(i);
    } else if (tokens_[i].IsSymbol(")") && !open.empty()) {
      matching_close_[open.back()] = i;
      open.pop_back();
    }
  }
}

bool Parser::GroupHoldsQuery(size_t open) const {
  // The groups that open right after one another: "(((" ...
  size_t innermost = open;
  while (innermost + 1 < tokens_.size() && tokens_[innermost + 1].IsSymbol("(")) ++innermost;
  // ... the innermost holds a query if it starts like one ...
  const Token& first = innermost + 1 < tokens_.size() ? tokens_[innermost + 1] : tokens_.back();
  bool query = first.IsWord("SELECT") || first.IsWord("WITH") || first.IsWord("VALUES");
  // ... and each group around it if what follows its inner group continues
  // a query (a set operation, ORDER BY / LIMIT / OFFSET, or its own ')'):
  // "((SELECT 1) UNION (SELECT 2))", "((SELECT 1))" are queries,
  // "((SELECT 1) x JOIN y ON ...)" is a join.
  for (size_t group = innermost; query && group > open; --group) {
    const size_t close = matching_close_[group];
    if (close == kNoMatch || close + 1 >= tokens_.size()) return false;
    const Token& next = tokens_[close + 1];
    query = next.IsSymbol(")") || next.IsWord("UNION") || next.IsWord("EXCEPT") || next.IsWord("MINUS") ||
            next.IsWord("INTERSECT") || next.IsWord("ORDER") || next.IsWord("LIMIT") || next.IsWord("OFFSET");
  }
  return query;
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

const Token& Parser::Peek(size_t ahead) const {
  size_t i = pos_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

const Token& Parser::Consume() {
  const Token& t = Peek();
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return t;
}

bool Parser::MatchWord(const char* upper) {
  if (!PeekWord(upper)) return false;
  Consume();
  return true;
}

bool Parser::MatchSymbol(const char* s) {
  if (!PeekSymbol(s)) return false;
  Consume();
  return true;
}

Status Parser::ErrorAt(const Token& t, std::string_view message) const {
  return SyntaxErrorAt(sql_, t.line, t.column, message);
}

Status Parser::ErrorExpected(std::string_view what) const {
  const Token& t = Peek();
  if (t.kind == TokenKind::kError) return ErrorAt(t, t.text);
  std::string m = "expected ";
  m += what;
  m += ", found ";
  m += t.Describe();
  return ErrorAt(t, m);
}

Status Parser::ExpectWord(const char* upper) {
  if (MatchWord(upper)) return Status::OK();
  return ErrorExpected(std::string("keyword ") + upper);
}

Status Parser::ExpectSymbol(const char* s) {
  if (MatchSymbol(s)) return Status::OK();
  return ErrorExpected(std::string("'") + s + "'");
}

Status Parser::ExpectEnd(std::string_view what) {
  if (Peek().kind == TokenKind::kEnd) return Status::OK();
  return ErrorExpected(what);
}

bool Parser::PeekIdentifier(size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == TokenKind::kQuotedIdentifier ||
         (t.kind == TokenKind::kWord && !IsReservedWord(t.upper));
}

bool Parser::PeekImplicitAlias() const {
  // `FROM t OFFSET 5`: OFFSET starts the clause, it does not name t.
  return PeekIdentifier() && !Peek().IsWord("OFFSET");
}

Result<std::string> Parser::ParseIdentifier(std::string_view what) {
  if (!PeekIdentifier()) return ErrorExpected(what);
  return Consume().text;
}

Result<std::vector<std::string>> Parser::ParseQualifiedName(std::string_view what) {
  std::vector<std::string> parts;
  SLUICE_ASSIGN_OR_RETURN(std::string first, ParseIdentifier(what));
  parts.push_back(std::move(first));
  while (PeekSymbol(".") && (Peek(1).kind == TokenKind::kWord ||
                             Peek(1).kind == TokenKind::kQuotedIdentifier)) {
    Consume();
    parts.push_back(Consume().text);
  }
  return parts;
}

Result<std::vector<std::string>> Parser::ParseIdentifierList() {
  SLUICE_RETURN_NOT_OK(ExpectSymbol("("));
  std::vector<std::string> names;
  do {
    SLUICE_ASSIGN_OR_RETURN(std::string n, ParseIdentifier("a column name"));
    names.push_back(std::move(n));
  } while (MatchSymbol(","));
  SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
  return names;
}

// ---------------------------------------------------------------------------
// Nesting (kMaxSqlNestingDepth, docs/sql.md "Limits")
// ---------------------------------------------------------------------------

namespace {

std::string TooDeep() {
  return "the SQL nests deeper than " + std::to_string(kMaxSqlNestingDepth) +
         " levels here (each parenthesis, operator, function call, CASE, cast, subquery, join and set operation "
         "inside another is a level); simplify it: write a long OR chain as IN (...), a deep subquery as a WITH "
         "clause";
}

// One node of a syntax tree and its level (the root is level 1).
struct NodeAtLevel {
  enum class Kind : uint8_t { kExpr, kQuery, kTable };
  Kind kind;
  const void* node;
  int level;
};

// The location of the first node (depth first, in text order) deeper than
// kMaxSqlNestingDepth; nullopt if there is none. Iterative, so that it
// cannot overflow the stack on the trees it exists to reject.
std::optional<SourceLocation> FindTooDeep(NodeAtLevel root) {
  using Kind = NodeAtLevel::Kind;
  std::vector<NodeAtLevel> stack = {root};
  std::vector<NodeAtLevel> children;
  auto expr = [&](const ParsedExprPtr& e, int level) {
    if (e) children.push_back({Kind::kExpr, e.get(), level});
  };
  auto query = [&](const ast::QueryNode* q, int level) {
    if (q) children.push_back({Kind::kQuery, q, level});
  };
  auto table = [&](const ast::TableRef* t, int level) {
    if (t) children.push_back({Kind::kTable, t, level});
  };
  while (!stack.empty()) {
    const NodeAtLevel n = stack.back();
    stack.pop_back();
    const int c = n.level + 1;
    children.clear();
    switch (n.kind) {
      case Kind::kExpr: {
        const auto& e = *static_cast<const ParsedExpr*>(n.node);
        if (n.level > kMaxSqlNestingDepth) return e.location;
        expr(e.child, c);
        for (const auto& a : e.args) expr(a, c);
        expr(e.index, c);
        for (const auto& b : e.branches) {
          expr(b.when, c);
          expr(b.then, c);
        }
        expr(e.else_expr, c);
        query(e.subquery.get(), c);
        break;
      }
      case Kind::kQuery: {
        const auto& q = *static_cast<const ast::QueryNode*>(n.node);
        if (n.level > kMaxSqlNestingDepth) return q.location;
        for (const auto& cte : q.ctes) query(cte.query.get(), c);
        switch (q.kind) {
          case ast::QueryKind::kSelect: {
            const auto& sel = static_cast<const ast::SelectNode&>(q);
            for (const auto& item : sel.select_list) expr(item.expr, c);
            table(sel.from.get(), c);
            expr(sel.where, c);
            for (const auto& g : sel.group_by) expr(g, c);
            expr(sel.having, c);
            break;
          }
          case ast::QueryKind::kSetOperation: {
            const auto& op = static_cast<const ast::SetOperationNode&>(q);
            query(op.left.get(), c);
            query(op.right.get(), c);
            break;
          }
          case ast::QueryKind::kValues:
            for (const auto& row : static_cast<const ast::ValuesNode&>(q).rows) {
              for (const auto& v : row) expr(v, c);
            }
            break;
        }
        for (const auto& o : q.order_by) expr(o.expr, c);
        expr(q.limit, c);
        expr(q.offset, c);
        break;
      }
      case Kind::kTable: {
        const auto& t = *static_cast<const ast::TableRef*>(n.node);
        if (n.level > kMaxSqlNestingDepth) return t.location;
        switch (t.kind) {
          case ast::TableRefKind::kBaseTable:
            break;
          case ast::TableRefKind::kSubquery:
            query(static_cast<const ast::SubqueryRef&>(t).query.get(), c);
            break;
          case ast::TableRefKind::kJoin: {
            const auto& j = static_cast<const ast::JoinRef&>(t);
            table(j.left.get(), c);
            table(j.right.get(), c);
            expr(j.condition, c);
            break;
          }
          case ast::TableRefKind::kValues:
            for (const auto& row : static_cast<const ast::ValuesRef&>(t).rows) {
              for (const auto& v : row) expr(v, c);
            }
            break;
          case ast::TableRefKind::kTableFunction:
            for (const auto& a : static_cast<const ast::TableFunctionRef&>(t).args) expr(a, c);
            break;
          case ast::TableRefKind::kWatermark: {
            const auto& w = static_cast<const ast::WatermarkRef&>(t);
            table(w.input.get(), c);
            expr(w.column, c);
            expr(w.delay, c);
            break;
          }
          case ast::TableRefKind::kDropDuplicates: {
            const auto& d = static_cast<const ast::DropDuplicatesRef&>(t);
            table(d.input.get(), c);
            for (const auto& e : d.columns) expr(e, c);
            break;
          }
        }
        break;
      }
    }
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  return std::nullopt;
}

}  // namespace

// At POSITION ( ...: whether an IN keyword comes before the call's first
// ',' or its closing ')' outside nested parentheses and brackets (a scan of
// tokens, no parse, so nested calls stay linear to parse).
bool Parser::PositionUsesIn() const {
  int nesting = 0;
  for (size_t ahead = 2;; ++ahead) {
    const Token& t = Peek(ahead);
    if (t.kind == TokenKind::kEnd) return false;
    if (t.kind == TokenKind::kSymbol) {
      if (t.text == "(" || t.text == "[") {
        ++nesting;
      } else if (t.text == ")" || t.text == "]") {
        if (nesting-- == 0) return false;
      } else if (t.text == "," && nesting == 0) {
        return false;
      }
    } else if (nesting == 0 && t.IsWord("IN")) {
      return true;
    }
  }
}

Status Parser::EnterLevel() {
  const Token& t = Peek();
  if (depth_ >= kMaxSqlNestingDepth) return ErrorAt(t, TooDeep());
  if (StackNearlyExhausted()) {
    return ErrorAt(t, "the SQL is nested too deeply for the stack of this thread (" + std::to_string(depth_) +
                          " levels open here); simplify it, or parse it on a thread with a larger stack");
  }
  ++depth_;
  return Status::OK();
}

Status Parser::CheckTreeHeight(const ast::Statement& statement) const {
  const ast::Statement* st = &statement;
  while (st->kind == ast::StatementKind::kExplain) st = st->As<ast::ExplainStatement>().inner.get();
  const ast::QueryNode* root = nullptr;
  switch (st->kind) {
    case ast::StatementKind::kSelect: root = st->As<ast::SelectStatement>().query.get(); break;
    case ast::StatementKind::kCreateTable: root = st->As<ast::CreateTableStatement>().as_query.get(); break;
    case ast::StatementKind::kCreateView: root = st->As<ast::CreateViewStatement>().query.get(); break;
    case ast::StatementKind::kStartStreamingQuery:
      root = st->As<ast::StartStreamingQueryStatement>().query.get();
      break;
    default: break;
  }
  if (!root) return Status::OK();
  auto too_deep = FindTooDeep({NodeAtLevel::Kind::kQuery, root, 1});
  if (!too_deep) return Status::OK();
  SourceLocation at = too_deep->line > 0 ? *too_deep : statement.location;
  return SyntaxErrorAt(sql_, at.line, at.column, TooDeep());
}

Status Parser::CheckTreeHeight(const ast::ParsedExpr& expr) const {
  auto too_deep = FindTooDeep({NodeAtLevel::Kind::kExpr, &expr, 1});
  if (!too_deep) return Status::OK();
  return SyntaxErrorAt(sql_, std::max(too_deep->line, 1), std::max(too_deep->column, 1), TooDeep());
}

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

Result<std::vector<ast::StatementPtr>> Parser::ParseStatements() {
  std::vector<ast::StatementPtr> out;
  while (true) {
    while (MatchSymbol(";")) {
    }
    if (Peek().kind == TokenKind::kEnd) break;
    size_t start = Peek().offset;
    SLUICE_ASSIGN_OR_RETURN(ast::StatementPtr stmt, ParseStatement());
    if (!PeekSymbol(";") && Peek().kind != TokenKind::kEnd) {
      return ErrorExpected("';' or end of input");
    }
    SLUICE_RETURN_NOT_OK(CheckTreeHeight(*stmt));
    const Token& last = tokens_[pos_ == 0 ? 0 : pos_ - 1];
    auto* mutable_stmt = const_cast<ast::Statement*>(stmt.get());
    mutable_stmt->text = std::string(sql_.substr(start, last.offset + last.length - start));
    out.push_back(std::move(stmt));
  }
  return out;
}

Result<ast::StatementPtr> Parser::ParseStatement() {
  const Token& t = Peek();
  if (t.IsWord("SELECT") || t.IsWord("WITH") || t.IsWord("VALUES") || t.IsSymbol("(")) {
    auto stmt = std::make_shared<ast::SelectStatement>();
    stmt->location = Loc(t);
    SLUICE_ASSIGN_OR_RETURN(stmt->query, ParseQuery());
    return ast::StatementPtr(stmt);
  }
  if (t.IsWord("CREATE")) return ParseCreate();
  if (t.IsWord("START")) return ParseStartStreamingQuery();
  if (t.IsWord("DROP")) return ParseDrop();
  if (t.IsWord("SET")) return ParseSet();
  if (t.IsWord("EXPLAIN")) {
    auto stmt = std::make_shared<ast::ExplainStatement>();
    stmt->location = Loc(Consume());
    if (MatchWord("EXTENDED")) {
      stmt->extended = true;
    } else if (PeekWord("FORMATTED") || PeekWord("CODEGEN") || PeekWord("COST")) {
      return ErrorAt(Peek(), "EXPLAIN " + Peek().upper + " is not supported; use EXPLAIN or EXPLAIN EXTENDED");
    }
    if (PeekWord("EXPLAIN")) return ErrorAt(Peek(), "EXPLAIN cannot be nested");
    SLUICE_ASSIGN_OR_RETURN(stmt->inner, ParseStatement());
    return ast::StatementPtr(stmt);
  }
  return ErrorExpected("a statement (SELECT, WITH, VALUES, CREATE, DROP, EXPLAIN, SET or START STREAMING QUERY)");
}

Result<ast::StatementPtr> Parser::ParseCreateStreamOrSink(SourceLocation loc, bool or_replace) {
  bool stream = Consume().upper == "STREAM";  // STREAM or SINK
  std::string name, format;
  SLUICE_ASSIGN_OR_RETURN(name, ParseIdentifier(stream ? "a stream name" : "a sink name"));
  std::vector<ast::ColumnDef> columns;
  if (stream && MatchSymbol("(")) {
    do {
      SLUICE_ASSIGN_OR_RETURN(ast::ColumnDef col, ParseColumnDef());
      columns.push_back(std::move(col));
    } while (MatchSymbol(","));
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
  }
  SLUICE_RETURN_NOT_OK(ExpectWord("USING"));
  {
    // Connector names may contain '-' (rate-micro-batch).
    SLUICE_ASSIGN_OR_RETURN(format, ParseIdentifier(stream ? "a source name" : "a sink name"));
    while (PeekSymbol("-") && Peek(1).kind == TokenKind::kWord) {
      Consume();
      format += "-" + Consume().text;
    }
  }
  std::vector<std::pair<std::string, std::string>> options;
  if (MatchWord("OPTIONS")) SLUICE_RETURN_NOT_OK(ParseOptions(&options));
  std::vector<std::string> partitioned_by;
  if (!stream && MatchWord("PARTITIONED")) {
    SLUICE_RETURN_NOT_OK(ExpectWord("BY"));
    SLUICE_ASSIGN_OR_RETURN(partitioned_by, ParseIdentifierList());
  }
  if (stream) {
    auto stmt = std::make_shared<ast::CreateStreamStatement>();
    stmt->location = loc;
    stmt->or_replace = or_replace;
    stmt->name = std::move(name);
    stmt->columns = std::move(columns);
    stmt->format = std::move(format);
    stmt->options = std::move(options);
    return ast::StatementPtr(stmt);
  }
  auto stmt = std::make_shared<ast::CreateSinkStatement>();
  stmt->location = loc;
  stmt->or_replace = or_replace;
  stmt->name = std::move(name);
  stmt->format = std::move(format);
  stmt->options = std::move(options);
  stmt->partitioned_by = std::move(partitioned_by);
  return ast::StatementPtr(stmt);
}

Result<ast::StatementPtr> Parser::ParseStartStreamingQuery() {
  auto stmt = std::make_shared<ast::StartStreamingQueryStatement>();
  stmt->location = Loc(Consume());  // START
  SLUICE_RETURN_NOT_OK(ExpectWord("STREAMING"));
  SLUICE_RETURN_NOT_OK(ExpectWord("QUERY"));
  SLUICE_ASSIGN_OR_RETURN(stmt->name, ParseIdentifier("a query name"));
  SLUICE_RETURN_NOT_OK(ExpectWord("INTO"));
  SLUICE_ASSIGN_OR_RETURN(stmt->sink, ParseIdentifier("a sink name"));
  while (!PeekWord("AS")) {
    if (MatchWord("OUTPUT")) {
      SLUICE_RETURN_NOT_OK(ExpectWord("MODE"));
      if (!PeekWord("APPEND") && !PeekWord("UPDATE") && !PeekWord("COMPLETE")) {
        return ErrorExpected("APPEND, UPDATE or COMPLETE");
      }
      stmt->output_mode = ToLower(Consume().upper);
    } else if (MatchWord("TRIGGER")) {
      if (MatchWord("PROCESSING")) {
        SLUICE_RETURN_NOT_OK(ExpectWord("TIME"));
        if (Peek().kind != TokenKind::kString) return ErrorExpected("a quoted interval such as '1 second'");
        stmt->trigger = ast::StreamTriggerKind::kProcessingTime;
        stmt->trigger_interval = Consume().text;
      } else if (MatchWord("AVAILABLE")) {
        SLUICE_RETURN_NOT_OK(ExpectWord("NOW"));
        stmt->trigger = ast::StreamTriggerKind::kAvailableNow;
      } else if (MatchWord("ONCE")) {
        stmt->trigger = ast::StreamTriggerKind::kOnce;
      } else {
        return ErrorExpected("PROCESSING TIME '<interval>', AVAILABLE NOW or ONCE after TRIGGER");
      }
    } else if (MatchWord("CHECKPOINT")) {
      SLUICE_RETURN_NOT_OK(ExpectWord("LOCATION"));
      if (Peek().kind != TokenKind::kString) return ErrorExpected("a quoted checkpoint path");
      stmt->checkpoint_location = Consume().text;
    } else {
      return ErrorExpected("OUTPUT MODE, TRIGGER, CHECKPOINT LOCATION or AS");
    }
  }
  Consume();  // AS
  stmt->query_location = Loc(Peek());
  SLUICE_ASSIGN_OR_RETURN(stmt->query, ParseQuery());
  return ast::StatementPtr(stmt);
}

Result<ast::StatementPtr> Parser::ParseCreate() {
  SourceLocation loc = Loc(Consume());  // CREATE
  bool or_replace = false, temporary = false;
  if (MatchWord("OR")) {
    SLUICE_RETURN_NOT_OK(ExpectWord("REPLACE"));
    or_replace = true;
  }
  if (MatchWord("TEMPORARY") || MatchWord("TEMP")) temporary = true;
  if (!temporary && (PeekWord("STREAM") || PeekWord("SINK"))) return ParseCreateStreamOrSink(loc, or_replace);
  if (MatchWord("VIEW")) {
    auto stmt = std::make_shared<ast::CreateViewStatement>();
    stmt->location = loc;
    stmt->or_replace = or_replace;
    stmt->temporary = temporary;
    if (MatchWord("IF")) {
      SLUICE_RETURN_NOT_OK(ExpectWord("NOT"));
      SLUICE_RETURN_NOT_OK(ExpectWord("EXISTS"));
      stmt->if_not_exists = true;
    }
    SLUICE_ASSIGN_OR_RETURN(stmt->name, ParseQualifiedName("a view name"));
    if (PeekSymbol("(")) {
      SLUICE_ASSIGN_OR_RETURN(stmt->column_aliases, ParseIdentifierList());
    }
    SLUICE_RETURN_NOT_OK(ExpectWord("AS"));
    SLUICE_ASSIGN_OR_RETURN(stmt->query, ParseQuery());
    return ast::StatementPtr(stmt);
  }
  if (PeekWord("EXTERNAL")) Consume();
  if (!MatchWord("TABLE")) return ErrorExpected("TABLE or VIEW");
  auto stmt = std::make_shared<ast::CreateTableStatement>();
  stmt->location = loc;
  stmt->or_replace = or_replace;
  stmt->temporary = temporary;
  if (MatchWord("IF")) {
    SLUICE_RETURN_NOT_OK(ExpectWord("NOT"));
    SLUICE_RETURN_NOT_OK(ExpectWord("EXISTS"));
    stmt->if_not_exists = true;
  }
  SLUICE_ASSIGN_OR_RETURN(stmt->name, ParseQualifiedName("a table name"));
  if (MatchSymbol("(")) {
    do {
      SLUICE_ASSIGN_OR_RETURN(ast::ColumnDef col, ParseColumnDef());
      stmt->columns.push_back(std::move(col));
    } while (MatchSymbol(","));
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
  }
  while (true) {
    if (MatchWord("USING")) {
      if (stmt->format) return ErrorAt(tokens_[pos_ - 1], "USING is given twice");
      SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> fmt, ParseQualifiedName("a data source format"));
      std::string joined;
      for (const auto& p : fmt) joined += (joined.empty() ? "" : ".") + p;
      stmt->format = joined;
    } else if (MatchWord("OPTIONS")) {
      SLUICE_RETURN_NOT_OK(ParseOptions(&stmt->options));
    } else if (MatchWord("PARTITIONED")) {
      SLUICE_RETURN_NOT_OK(ExpectWord("BY"));
      SLUICE_ASSIGN_OR_RETURN(stmt->partitioned_by, ParseIdentifierList());
    } else if (MatchWord("LOCATION")) {
      if (Peek().kind != TokenKind::kString) return ErrorExpected("a quoted path");
      stmt->location_path = Consume().text;
    } else if (MatchWord("COMMENT")) {
      if (Peek().kind != TokenKind::kString) return ErrorExpected("a quoted comment");
      stmt->comment = Consume().text;
    } else if (PeekWord("TBLPROPERTIES")) {
      return ErrorAt(Peek(), "TBLPROPERTIES is not supported; use OPTIONS");
    } else {
      break;
    }
  }
  if (MatchWord("AS")) {
    SLUICE_ASSIGN_OR_RETURN(stmt->as_query, ParseQuery());
  }
  return ast::StatementPtr(stmt);
}

Result<ast::ColumnDef> Parser::ParseColumnDef() {
  ast::ColumnDef col;
  col.location = Loc(Peek());
  SLUICE_ASSIGN_OR_RETURN(col.name, ParseIdentifier("a column name"));
  SLUICE_ASSIGN_OR_RETURN(col.type, ParseType());
  while (true) {
    if (MatchWord("NOT")) {
      SLUICE_RETURN_NOT_OK(ExpectWord("NULL"));
      col.not_null = true;
    } else if (MatchWord("COMMENT")) {
      if (Peek().kind != TokenKind::kString) return ErrorExpected("a quoted comment");
      col.comment = Consume().text;
    } else {
      break;
    }
  }
  return col;
}

Status Parser::ParseOptions(std::vector<std::pair<std::string, std::string>>* options) {
  SLUICE_RETURN_NOT_OK(ExpectSymbol("("));
  if (MatchSymbol(")")) return Status::OK();
  do {
    std::string key;
    if (Peek().kind == TokenKind::kString) {
      key = Consume().text;
    } else if (Peek().kind == TokenKind::kWord || Peek().kind == TokenKind::kQuotedIdentifier) {
      key = Consume().text;
      while (PeekSymbol(".") && (Peek(1).kind == TokenKind::kWord ||
                                 Peek(1).kind == TokenKind::kQuotedIdentifier)) {
        Consume();
        key += "." + Consume().text;
      }
    } else {
      return ErrorExpected("an option name");
    }
    MatchSymbol("=");
    std::string value;
    const Token& v = Peek();
    if (v.kind == TokenKind::kString) {
      value = Consume().text;
      while (Peek().kind == TokenKind::kString) value += Consume().text;
    } else if (v.kind == TokenKind::kNumber) {
      value = Consume().text;
    } else if ((v.IsSymbol("-") || v.IsSymbol("+")) && Peek(1).kind == TokenKind::kNumber) {
      value = Consume().text == "-" ? "-" : "";
      value += Consume().text;
    } else if (v.IsWord("TRUE") || v.IsWord("FALSE")) {
      value = v.upper == "TRUE" ? "true" : "false";
      Consume();
    } else {
      return ErrorExpected("an option value (a string, number or boolean)");
    }
    options->emplace_back(std::move(key), std::move(value));
  } while (MatchSymbol(","));
  return ExpectSymbol(")");
}

Result<ast::StatementPtr> Parser::ParseDrop() {
  SourceLocation loc = Loc(Consume());  // DROP
  ast::StatementKind kind;
  if (MatchWord("TABLE")) {
    kind = ast::StatementKind::kDropTable;
  } else if (MatchWord("VIEW")) {
    kind = ast::StatementKind::kDropView;
  } else {
    return ErrorExpected("TABLE or VIEW");
  }
  auto stmt = std::make_shared<ast::DropStatement>(kind);
  stmt->location = loc;
  if (MatchWord("IF")) {
    SLUICE_RETURN_NOT_OK(ExpectWord("EXISTS"));
    stmt->if_exists = true;
  }
  SLUICE_ASSIGN_OR_RETURN(stmt->name, ParseQualifiedName(kind == ast::StatementKind::kDropTable
                                                             ? "a table name"
                                                             : "a view name"));
  return ast::StatementPtr(stmt);
}

Result<ast::StatementPtr> Parser::ParseSet() {
  const Token& set = Consume();
  auto stmt = std::make_shared<ast::SetStatement>();
  stmt->location = Loc(set);
  // Raw text up to ';' or the end: keys and values are not SQL.
  size_t begin = set.offset + set.length;
  size_t eq_token = 0;
  while (Peek().kind != TokenKind::kEnd && !PeekSymbol(";")) {
    if (eq_token == 0 && PeekSymbol("=")) eq_token = pos_;
    Consume();
  }
  size_t end = Peek().kind == TokenKind::kEnd ? sql_.size() : Peek().offset;
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
  };
  if (eq_token == 0) {
    stmt->key = trim(sql_.substr(begin, end - begin));
    return ast::StatementPtr(stmt);
  }
  const Token& eq = tokens_[eq_token];
  stmt->key = trim(sql_.substr(begin, eq.offset - begin));
  if (stmt->key.empty()) return ErrorAt(eq, "expected a configuration key before '='");
  if (pos_ == eq_token + 2 && tokens_[eq_token + 1].kind == TokenKind::kString) {
    stmt->value = tokens_[eq_token + 1].text;
  } else {
    stmt->value = trim(sql_.substr(eq.offset + eq.length, end - eq.offset - eq.length));
  }
  return ast::StatementPtr(stmt);
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

namespace {

bool HasModifiers(const ast::QueryNode& q) {
  return !q.order_by.empty() || q.limit || q.offset;
}

// Wraps `q` as SELECT * FROM (q), so that new modifiers do not replace its own.
std::shared_ptr<ast::QueryNode> WrapInSelect(std::shared_ptr<ast::QueryNode> q) {
  auto select = std::make_shared<ast::SelectNode>();
  select->location = q->location;
  select->select_list.push_back({ParsedExpr::Star({}, q->location), std::nullopt, q->location});
  auto sub = std::make_shared<ast::SubqueryRef>();
  sub->location = q->location;
  sub->query = std::move(q);
  select->from = std::move(sub);
  return select;
}

}  // namespace

Result<Parser::MutableQuery> Parser::ParseQuery() {
  SLUICE_RETURN_NOT_OK(EnterLevel());
  LevelExit exit{&depth_};
  std::vector<ast::CommonTableExpr> ctes;
  if (MatchWord("WITH")) {
    if (PeekWord("RECURSIVE")) return ErrorAt(Peek(), "WITH RECURSIVE is not supported");
    do {
      ast::CommonTableExpr cte;
      cte.location = Loc(Peek());
      SLUICE_ASSIGN_OR_RETURN(cte.name, ParseIdentifier("a name for the WITH query"));
      if (PeekSymbol("(")) {
        SLUICE_ASSIGN_OR_RETURN(cte.column_aliases, ParseIdentifierList());
      }
      SLUICE_RETURN_NOT_OK(ExpectWord("AS"));
      SLUICE_RETURN_NOT_OK(ExpectSymbol("("));
      SLUICE_ASSIGN_OR_RETURN(MutableQuery q, ParseQuery());
      cte.query = std::move(q);
      SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
      ctes.push_back(std::move(cte));
    } while (MatchSymbol(","));
  }
  SLUICE_ASSIGN_OR_RETURN(MutableQuery query, ParseSetOperations());

  std::vector<ast::OrderByItem> order_by;
  ParsedExprPtr limit, offset;
  if (PeekWord("ORDER")) {
    Consume();
    SLUICE_RETURN_NOT_OK(ExpectWord("BY"));
    do {
      SLUICE_ASSIGN_OR_RETURN(ast::OrderByItem item, ParseOrderByItem());
      order_by.push_back(std::move(item));
    } while (MatchSymbol(","));
  }
  if (MatchWord("LIMIT")) {
    if (!MatchWord("ALL")) {
      SLUICE_ASSIGN_OR_RETURN(limit, ParseExpr());
    }
  }
  if (MatchWord("OFFSET")) {
    SLUICE_ASSIGN_OR_RETURN(offset, ParseExpr());
  }
  if ((!order_by.empty() || limit || offset) && HasModifiers(*query)) {
    query = WrapInSelect(std::move(query));
  }
  if (!order_by.empty()) query->order_by = std::move(order_by);
  if (limit) query->limit = std::move(limit);
  if (offset) query->offset = std::move(offset);
  if (!ctes.empty()) {
    ctes.insert(ctes.end(), query->ctes.begin(), query->ctes.end());
    query->ctes = std::move(ctes);
  }
  return query;
}

Result<ast::OrderByItem> Parser::ParseOrderByItem() {
  ast::OrderByItem item;
  item.location = Loc(Peek());
  SLUICE_ASSIGN_OR_RETURN(item.expr, ParseExpr());
  if (MatchWord("DESC")) {
    item.ascending = false;
  } else {
    MatchWord("ASC");
  }
  if (MatchWord("NULLS")) {
    if (MatchWord("FIRST")) {
      item.nulls_first = true;
    } else if (MatchWord("LAST")) {
      item.nulls_first = false;
    } else {
      return ErrorExpected("FIRST or LAST");
    }
  }
  return item;
}

Result<Parser::MutableQuery> Parser::ParseSetOperations() {
  SLUICE_ASSIGN_OR_RETURN(MutableQuery left, ParseIntersections());
  while (PeekWord("UNION") || PeekWord("EXCEPT") || PeekWord("MINUS")) {
    const Token& op = Consume();
    auto node = std::make_shared<ast::SetOperationNode>();
    node->location = left->location;
    node->op = op.upper == "UNION" ? ast::SetOpType::kUnion : ast::SetOpType::kExcept;
    if (MatchWord("ALL")) {
      node->all = true;
    } else {
      MatchWord("DISTINCT");
    }
    SLUICE_ASSIGN_OR_RETURN(MutableQuery right, ParseIntersections());
    node->left = std::move(left);
    node->right = std::move(right);
    left = std::move(node);
  }
  return left;
}

Result<Parser::MutableQuery> Parser::ParseIntersections() {
  SLUICE_ASSIGN_OR_RETURN(MutableQuery left, ParseQueryPrimary());
  while (PeekWord("INTERSECT")) {
    Consume();
    auto node = std::make_shared<ast::SetOperationNode>();
    node->location = left->location;
    node->op = ast::SetOpType::kIntersect;
    if (MatchWord("ALL")) {
      node->all = true;
    } else {
      MatchWord("DISTINCT");
    }
    SLUICE_ASSIGN_OR_RETURN(MutableQuery right, ParseQueryPrimary());
    node->left = std::move(left);
    node->right = std::move(right);
    left = std::move(node);
  }
  return left;
}

Result<Parser::MutableQuery> Parser::ParseQueryPrimary() {
  if (PeekWord("SELECT")) return ParseSelect();
  if (PeekWord("VALUES")) {
    auto node = std::make_shared<ast::ValuesNode>();
    node->location = Loc(Consume());
    SLUICE_ASSIGN_OR_RETURN(node->rows, ParseValuesRows());
    return MutableQuery(node);
  }
  if (PeekSymbol("(")) {
    Consume();
    SLUICE_ASSIGN_OR_RETURN(MutableQuery q, ParseQuery());
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    return q;
  }
  return ErrorExpected("SELECT, VALUES or '('");
}

Result<std::vector<std::vector<ParsedExprPtr>>> Parser::ParseValuesRows() {
  std::vector<std::vector<ParsedExprPtr>> rows;
  do {
    std::vector<ParsedExprPtr> row;
    if (MatchSymbol("(")) {
      do {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        row.push_back(std::move(e));
      } while (MatchSymbol(","));
      SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    } else {
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
      row.push_back(std::move(e));
    }
    rows.push_back(std::move(row));
  } while (MatchSymbol(","));
  return rows;
}

Result<Parser::MutableQuery> Parser::ParseSelect() {
  auto node = std::make_shared<ast::SelectNode>();
  node->location = Loc(Consume());  // SELECT
  if (MatchWord("DISTINCT")) {
    node->distinct = true;
  } else {
    MatchWord("ALL");
  }
  do {
    ast::SelectItem item;
    item.location = Loc(Peek());
    if (PeekWord("FROM") || Peek().kind == TokenKind::kEnd) {
      return ErrorExpected("an expression");
    }
    SLUICE_ASSIGN_OR_RETURN(item.expr, ParseExpr());
    if (MatchWord("AS")) {
      if (Peek().kind == TokenKind::kWord || Peek().kind == TokenKind::kQuotedIdentifier) {
        item.alias = Consume().text;
      } else {
        return ErrorExpected("an alias");
      }
    } else if (PeekImplicitAlias()) {
      item.alias = Consume().text;
    }
    node->select_list.push_back(std::move(item));
  } while (MatchSymbol(","));
  if (MatchWord("FROM")) {
    SLUICE_ASSIGN_OR_RETURN(node->from, ParseFromList());
  }
  if (MatchWord("WHERE")) {
    SLUICE_ASSIGN_OR_RETURN(node->where, ParseExpr());
  }
  if (PeekWord("GROUP")) {
    Consume();
    SLUICE_RETURN_NOT_OK(ExpectWord("BY"));
    if (MatchWord("ALL")) {
      node->group_by_all = true;
    } else {
      do {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        node->group_by.push_back(std::move(e));
      } while (MatchSymbol(","));
    }
  }
  if (MatchWord("HAVING")) {
    SLUICE_ASSIGN_OR_RETURN(node->having, ParseExpr());
  }
  if (PeekWord("WINDOW") || PeekWord("QUALIFY")) {
    return ErrorAt(Peek(), Peek().upper + " is not supported yet");
  }
  return MutableQuery(node);
}

Result<ast::TableRefPtr> Parser::ParseFromList() {
  SLUICE_ASSIGN_OR_RETURN(ast::TableRefPtr left, ParseJoinedTable());
  while (PeekSymbol(",")) {
    Consume();
    SLUICE_ASSIGN_OR_RETURN(ast::TableRefPtr right, ParseJoinedTable());
    auto join = std::make_shared<ast::JoinRef>();
    join->location = left->location;
    join->type = ast::JoinType::kCross;
    join->left = std::move(left);
    join->right = std::move(right);
    left = std::move(join);
  }
  return left;
}

Result<ast::TableRefPtr> Parser::ParseJoinedTable() {
  SLUICE_ASSIGN_OR_RETURN(ast::TableRefPtr left, ParseTablePrimary());
  while (true) {
    bool natural = false;
    size_t save = pos_;
    if (MatchWord("NATURAL")) natural = true;
    ast::JoinType type;
    if (MatchWord("JOIN")) {
      type = ast::JoinType::kInner;
    } else if (MatchWord("INNER")) {
      type = ast::JoinType::kInner;
      SLUICE_RETURN_NOT_OK(ExpectWord("JOIN"));
    } else if (MatchWord("CROSS")) {
      type = ast::JoinType::kCross;
      SLUICE_RETURN_NOT_OK(ExpectWord("JOIN"));
    } else if (MatchWord("LEFT")) {
      if (MatchWord("SEMI")) {
        type = ast::JoinType::kLeftSemi;
      } else if (MatchWord("ANTI")) {
        type = ast::JoinType::kLeftAnti;
      } else {
        MatchWord("OUTER");
        type = ast::JoinType::kLeft;
      }
      SLUICE_RETURN_NOT_OK(ExpectWord("JOIN"));
    } else if (MatchWord("RIGHT")) {
      MatchWord("OUTER");
      type = ast::JoinType::kRight;
      SLUICE_RETURN_NOT_OK(ExpectWord("JOIN"));
    } else if (MatchWord("FULL")) {
      MatchWord("OUTER");
      type = ast::JoinType::kFull;
      SLUICE_RETURN_NOT_OK(ExpectWord("JOIN"));
    } else if (MatchWord("SEMI")) {
      type = ast::JoinType::kLeftSemi;
      SLUICE_RETURN_NOT_OK(ExpectWord("JOIN"));
    } else if (MatchWord("ANTI")) {
      type = ast::JoinType::kLeftAnti;
      SLUICE_RETURN_NOT_OK(ExpectWord("JOIN"));
    } else {
      if (natural) {
        pos_ = save + 1;
        return ErrorExpected("JOIN");
      }
      break;
    }
    auto join = std::make_shared<ast::JoinRef>();
    join->location = left->location;
    join->type = type;
    join->natural = natural;
    join->left = std::move(left);
    SLUICE_ASSIGN_OR_RETURN(join->right, ParseTablePrimary());
    if (!natural) {
      if (MatchWord("ON")) {
        SLUICE_ASSIGN_OR_RETURN(join->condition, ParseExpr());
      } else if (MatchWord("USING")) {
        SLUICE_ASSIGN_OR_RETURN(join->using_columns, ParseIdentifierList());
      }
    }
    left = std::move(join);
  }
  return left;
}

Status Parser::ParseTableAlias(ast::TableRef* ref, bool allow_columns) {
  if (MatchWord("AS")) {
    SLUICE_ASSIGN_OR_RETURN(std::string a, ParseIdentifier("an alias"));
    ref->alias = std::move(a);
  } else if (PeekImplicitAlias()) {
    ref->alias = Consume().text;
  } else {
    return Status::OK();
  }
  if (allow_columns && PeekSymbol("(")) {
    SLUICE_ASSIGN_OR_RETURN(ref->column_aliases, ParseIdentifierList());
  }
  return Status::OK();
}

Result<ast::TableRefPtr> Parser::ParseTablePrimary() {
  const Token& start = Peek();
  if (start.IsSymbol("(")) {
    SLUICE_RETURN_NOT_OK(EnterLevel());
    LevelExit exit{&depth_};
    // "((SELECT ...) ...)" or "((a JOIN b) ...)": decided by the tokens
    // (GroupHoldsQuery), so that nested groups are parsed once.
    bool is_query = GroupHoldsQuery(pos_);
    if (is_query) {
      auto sub = std::make_shared<ast::SubqueryRef>();
      sub->location = Loc(Consume());
      SLUICE_ASSIGN_OR_RETURN(MutableQuery q, ParseQuery());
      sub->query = std::move(q);
      SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
      return ParseWatermarkAndAlias(std::move(sub), true);
    }
    Consume();
    SLUICE_ASSIGN_OR_RETURN(ast::TableRefPtr inner, ParseFromList());
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    return inner;
  }
  if (start.IsWord("VALUES")) {
    auto values = std::make_shared<ast::ValuesRef>();
    values->location = Loc(Consume());
    SLUICE_ASSIGN_OR_RETURN(values->rows, ParseValuesRows());
    SLUICE_RETURN_NOT_OK(ParseTableAlias(values.get(), true));
    return ast::TableRefPtr(values);
  }
  if (start.IsWord("LATERAL")) return ErrorAt(start, "LATERAL is not supported yet");
  if (!PeekIdentifier()) return ErrorExpected("a table name");
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> name, ParseQualifiedName("a table name"));
  if (PeekSymbol("(")) {
    if (name.size() != 1) return ErrorAt(start, "qualified table function names are not supported");
    auto fn = std::make_shared<ast::TableFunctionRef>();
    fn->location = Loc(start);
    fn->name = ToLower(name[0]);
    Consume();
    if (!PeekSymbol(")")) {
      do {
        std::string arg_name;  // a named argument: `operatorId => 0`
        if (PeekIdentifier() && PeekSymbol("=>", 1)) {
          arg_name = Consume().text;
          Consume();
        }
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        fn->args.push_back(std::move(e));
        fn->arg_names.push_back(std::move(arg_name));
      } while (MatchSymbol(","));
    }
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    SLUICE_RETURN_NOT_OK(ParseTableAlias(fn.get(), true));
    return ast::TableRefPtr(fn);
  }
  auto table = std::make_shared<ast::BaseTableRef>();
  table->location = Loc(start);
  table->name = std::move(name);
  return ParseWatermarkAndAlias(std::move(table), false);
}

Result<ast::TableRefPtr> Parser::ParseWatermarkAndAlias(std::shared_ptr<ast::TableRef> ref, bool allow_columns) {
  // The relation keeps the alias, written after the clauses; `holder` is it.
  ast::TableRef* holder = ref.get();
  ast::TableRefPtr out = ref;
  // WATERMARK is not reserved: `FROM t watermark` is still t aliased.
  if (PeekWord("WATERMARK") && PeekIdentifier(1)) {
    auto wm = std::make_shared<ast::WatermarkRef>();
    wm->location = Loc(Consume());
    SLUICE_ASSIGN_OR_RETURN(wm->column, ParseExpr());
    SLUICE_RETURN_NOT_OK(ExpectWord("DELAY"));
    SLUICE_RETURN_NOT_OK(ExpectWord("OF"));
    SLUICE_ASSIGN_OR_RETURN(wm->delay, ParseExpr());
    wm->input = std::move(out);
    out = std::move(wm);
  }
  // DROP is reserved, so `DROP DUPLICATES` cannot be an alias.
  if (PeekWord("DROP") && PeekWord("DUPLICATES", 1)) {
    auto dd = std::make_shared<ast::DropDuplicatesRef>();
    dd->location = Loc(Consume());
    Consume();
    // WITHIN is not reserved: it starts the modifier only before WATERMARK.
    if (PeekWord("WITHIN") && PeekWord("WATERMARK", 1)) {
      Consume();
      Consume();
      dd->within_watermark = true;
    }
    if (MatchSymbol("(")) {
      do {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        dd->columns.push_back(std::move(e));
      } while (MatchSymbol(","));
      SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    }
    dd->input = std::move(out);
    out = std::move(dd);
    if (PeekWord("WATERMARK") && PeekIdentifier(1)) {
      return ErrorAt(Peek(), "WATERMARK goes before DROP DUPLICATES: FROM t WATERMARK ts DELAY OF INTERVAL ... "
                             "DROP DUPLICATES (...)");
    }
  }
  SLUICE_RETURN_NOT_OK(ParseTableAlias(holder, allow_columns));
  if (holder->alias && PeekWord("DROP") && PeekWord("DUPLICATES", 1)) {
    return ErrorAt(Peek(), "DROP DUPLICATES goes before the alias: FROM t [WATERMARK ...] DROP DUPLICATES (...) AS " +
                               *holder->alias);
  }
  if (holder->alias && PeekWord("WATERMARK") && PeekIdentifier(1)) {
    return ErrorAt(Peek(), "WATERMARK goes before the alias: FROM t WATERMARK ts DELAY OF INTERVAL ... AS " +
                               *holder->alias);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

Result<ParsedExprPtr> Parser::ParseExpr() {
  SLUICE_RETURN_NOT_OK(EnterLevel());
  LevelExit exit{&depth_};
  return ParseOr();
}

Result<ParsedExprPtr> Parser::ParseOr() {
  SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseAnd());
  while (PeekWord("OR")) {
    Consume();
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseAnd());
    SourceLocation loc = left->location;
    left = Call("or", {std::move(left), std::move(right)}, loc);
  }
  return left;
}

Result<ParsedExprPtr> Parser::ParseAnd() {
  SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseNot());
  while (PeekWord("AND")) {
    Consume();
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseNot());
    SourceLocation loc = left->location;
    left = Call("and", {std::move(left), std::move(right)}, loc);
  }
  return left;
}

Result<ParsedExprPtr> Parser::ParseNot() {
  if (PeekWord("NOT") || PeekSymbol("!")) {
    SourceLocation loc = Loc(Consume());
    SLUICE_RETURN_NOT_OK(EnterLevel());
    LevelExit exit{&depth_};
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseNot());
    return Not(std::move(e), loc);
  }
  return ParsePredicate();
}

// The function a comparison operator symbol calls; nullptr for other symbols.
static const char* ComparisonName(const std::string& s) {
  if (s == "=" || s == "==") return "=";
  if (s == "<>" || s == "!=") return "<>";
  if (s == "<") return "<";
  if (s == "<=") return "<=";
  if (s == ">") return ">";
  if (s == ">=") return ">=";
  if (s == "<=>") return "<=>";
  return nullptr;
}

// A comparison chain over additive expressions: Spark's valueExpression, what
// POSITION(substr IN str) takes on either side of its IN (so IN is not a
// predicate there).
Result<ParsedExprPtr> Parser::ParseComparison() {
  SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseAdditive());
  while (Peek().kind == TokenKind::kSymbol) {
    const char* name = ComparisonName(Peek().text);
    if (name == nullptr) break;
    Consume();
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseAdditive());
    SourceLocation loc = left->location;
    left = Call(name, {std::move(left), std::move(right)}, loc);
  }
  return left;
}

Result<ParsedExprPtr> Parser::ParsePredicate() {
  SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseAdditive());
  while (true) {
    SourceLocation loc = left->location;
    const Token& t = Peek();
    if (t.kind == TokenKind::kSymbol) {
      const char* name = ComparisonName(t.text);
      if (name != nullptr) {
        Consume();
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseAdditive());
        left = Call(name, {std::move(left), std::move(right)}, loc);
        continue;
      }
      break;
    }
    if (t.kind != TokenKind::kWord) break;
    if (t.upper == "IS") {
      Consume();
      bool negated = MatchWord("NOT");
      if (MatchWord("NULL")) {
        left = Call(negated ? "isnotnull" : "isnull", {std::move(left)}, loc);
      } else if (PeekWord("TRUE") || PeekWord("FALSE")) {
        const Token& b = Consume();
        // x IS TRUE  ->  x <=> true  (Spark's rewrite); IS NOT wraps in not.
        auto lit = ParsedExpr::Literal(Value::Boolean(b.upper == "TRUE"), Loc(b));
        left = Call("<=>", {std::move(left), std::move(lit)}, loc);
        if (negated) left = Not(std::move(left), loc);
      } else if (MatchWord("DISTINCT")) {
        SLUICE_RETURN_NOT_OK(ExpectWord("FROM"));
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseAdditive());
        left = Call("<=>", {std::move(left), std::move(right)}, loc);
        if (!negated) left = Not(std::move(left), loc);
      } else {
        return ErrorExpected("NULL, TRUE, FALSE or DISTINCT FROM after IS");
      }
      continue;
    }
    size_t save = pos_;
    bool negated = false;
    if (t.upper == "NOT") {
      Consume();
      negated = true;
    }
    const Token& op = Peek();
    if (op.IsWord("IN")) {
      Consume();
      if (!PeekSymbol("(")) return ErrorExpected("'(' after IN");
      if (PeekWord("SELECT", 1) || PeekWord("WITH", 1)) {
        Consume();
        SLUICE_ASSIGN_OR_RETURN(MutableQuery q, ParseQuery());
        SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
        left = ParsedExpr::Subquery(ast::SubqueryKind::kIn, std::move(q), std::move(left), loc);
        if (negated) left = Not(std::move(left), loc);
        continue;
      }
      Consume();
      std::vector<ParsedExprPtr> args{std::move(left)};
      do {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        args.push_back(std::move(e));
      } while (MatchSymbol(","));
      SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
      left = Call("in", std::move(args), loc);
    } else if (op.IsWord("BETWEEN")) {
      Consume();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr lo, ParseAdditive());
      SLUICE_RETURN_NOT_OK(ExpectWord("AND"));
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr hi, ParseAdditive());
      left = Call("between", {std::move(left), std::move(lo), std::move(hi)}, loc);
    } else if (op.IsWord("LIKE") || op.IsWord("ILIKE")) {
      bool ilike = op.IsWord("ILIKE");
      Consume();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr pattern, ParseAdditive());
      std::vector<ParsedExprPtr> args{std::move(left), std::move(pattern)};
      if (MatchWord("ESCAPE")) {
        const Token& e = Peek();
        if (e.kind != TokenKind::kString || e.text.size() != 1) {
          return ErrorExpected("a one-character string after ESCAPE");
        }
        Consume();
        args.push_back(ParsedExpr::Literal(Value::String(e.text), Loc(e)));
      }
      left = Call(ilike ? "ilike" : "like", std::move(args), loc);
    } else if (op.IsWord("RLIKE") || op.IsWord("REGEXP")) {
      Consume();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr pattern, ParseAdditive());
      left = Call("rlike", {std::move(left), std::move(pattern)}, loc);
    } else {
      if (negated) {
        pos_ = save + 1;
        return ErrorExpected("IN, BETWEEN, LIKE, ILIKE or RLIKE after NOT");
      }
      break;
    }
    if (negated) left = Not(std::move(left), loc);
  }
  return left;
}

Result<ParsedExprPtr> Parser::ParseAdditive() {
  SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseMultiplicative());
  while (PeekSymbol("+") || PeekSymbol("-") || PeekSymbol("||")) {
    std::string op = Consume().text;
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseMultiplicative());
    SourceLocation loc = left->location;
    left = ParsedExpr::Function(op == "||" ? "concat" : op, {std::move(left), std::move(right)}, loc);
  }
  return left;
}

Result<ParsedExprPtr> Parser::ParseMultiplicative() {
  SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseUnary());
  while (PeekSymbol("*") || PeekSymbol("/") || PeekSymbol("%") || PeekWord("DIV")) {
    const Token& t = Consume();
    std::string op = t.kind == TokenKind::kWord ? "div" : t.text;
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseUnary());
    SourceLocation loc = left->location;
    left = ParsedExpr::Function(op, {std::move(left), std::move(right)}, loc);
  }
  return left;
}

Result<ParsedExprPtr> Parser::ParseUnary() {
  if (PeekSymbol("-")) {
    const Token& minus = Consume();
    if (Peek().kind == TokenKind::kNumber) {
      // A minus directly on a numeric literal is part of the literal.
      const Token& num = Consume();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr lit, ParseNumber(num, true));
      auto* m = const_cast<ParsedExpr*>(lit.get());
      m->location = Loc(minus);
      return ParsePostfix(std::move(lit));
    }
    SLUICE_RETURN_NOT_OK(EnterLevel());
    LevelExit exit{&depth_};
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr operand, ParseUnary());
    return Call("negate", {std::move(operand)}, Loc(minus));
  }
  if (PeekSymbol("+")) {
    Consume();
    SLUICE_RETURN_NOT_OK(EnterLevel());
    LevelExit exit{&depth_};
    return ParseUnary();
  }
  SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr primary, ParsePrimary());
  return ParsePostfix(std::move(primary));
}

Result<ParsedExprPtr> Parser::ParsePostfix(ParsedExprPtr base) {
  while (true) {
    if (PeekSymbol("::")) {
      Consume();
      SLUICE_ASSIGN_OR_RETURN(DataType type, ParseType());
      SourceLocation loc = base->location;
      base = ParsedExpr::Cast(std::move(base), std::move(type), false, loc);
    } else if (PeekSymbol("[")) {
      Consume();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr index, ParseExpr());
      SLUICE_RETURN_NOT_OK(ExpectSymbol("]"));
      SourceLocation loc = base->location;
      base = ParsedExpr::Subscript(std::move(base), std::move(index), loc);
    } else if (PeekSymbol(".")) {
      const Token& next = Peek(1);
      SourceLocation loc = base->location;
      if (next.IsSymbol("*")) {
        if (base->kind != ast::ExprKind::kColumnRef) {
          return ErrorAt(next, "'.*' can only follow a table or column name");
        }
        Consume();
        Consume();
        base = ParsedExpr::Star(base->parts, loc);
        return base;
      }
      if (next.kind != TokenKind::kWord && next.kind != TokenKind::kQuotedIdentifier) {
        Consume();
        return ErrorExpected("a field name after '.'");
      }
      Consume();
      std::string field = Consume().text;
      if (base->kind == ast::ExprKind::kColumnRef) {
        std::vector<std::string> parts = base->parts;
        parts.push_back(std::move(field));
        base = ParsedExpr::ColumnRef(std::move(parts), loc);
      } else {
        base = ParsedExpr::FieldAccess(std::move(base), std::move(field), loc);
      }
    } else {
      return base;
    }
  }
}

Result<ParsedExprPtr> Parser::ParseNumber(const Token& t, bool negate) {
  SourceLocation loc = Loc(t);
  std::string text = t.text;
  std::string suffix;
  auto upper_last = [&](size_t n) {
    std::string s = text.substr(text.size() - n);
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  };
  if (text.size() > 2 && upper_last(2) == "BD") {
    suffix = "BD";
    text.resize(text.size() - 2);
  } else if (text.size() > 1 && std::isalpha(static_cast<unsigned char>(text.back()))) {
    suffix = upper_last(1);
    text.resize(text.size() - 1);
  }
  bool has_point = text.find('.') != std::string::npos;
  bool has_exp = text.find_first_of("eE") != std::string::npos;
  std::string signed_text = (negate ? "-" : "") + text;
  // Spark's error classes: a DECIMAL literal of more than 38 digits is
  // DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION, any other out-of-range number
  // INVALID_NUMERIC_LITERAL_RANGE.
  auto out_of_range = [&](std::string_view type) {
    const char* error_class = type.starts_with("DECIMAL") ? "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] "
                                                         : "[INVALID_NUMERIC_LITERAL_RANGE] ";
    return ErrorAt(t, error_class + ("number " + signed_text + suffix + " is out of range for ") +
                          std::string(type));
  };

  if (suffix == "S" || suffix == "Y") {
    return ErrorAt(t, std::string(suffix == "S" ? "SMALLINT" : "TINYINT") +
                          " literals are not supported; use an INT literal (no suffix)");
  }
  if (suffix == "F") return ErrorAt(t, "FLOAT literals are not supported; use a DOUBLE literal (suffix D)");
  if (suffix == "D" || (has_exp && suffix.empty())) {
    char* end = nullptr;
    double d = std::strtod(signed_text.c_str(), &end);
    if (std::isinf(d)) return out_of_range("DOUBLE");
    return ParsedExpr::Literal(Value::Double(d), loc);
  }
  if (!has_point && !has_exp && suffix != "BD") {
    // Integer: INT if it fits, else BIGINT, else DECIMAL(p, 0).
    // Stops accumulating at the first digit that would overflow int128
    // (then the literal is out of range for every type).
    constexpr int128_t kMax = ~(static_cast<int128_t>(1) << 127);
    int128_t v = 0;
    bool overflow = false;
    for (char c : text) {
      const int digit = c - '0';
      if (v > (kMax - digit) / 10) {
        overflow = true;
        break;
      }
      v = v * 10 + digit;
    }
    std::string digits = text;
    while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
    if (negate) v = -v;
    if (suffix == "L") {
      if (overflow || v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min()) {
        return out_of_range("BIGINT");
      }
      return ParsedExpr::Literal(Value::Bigint(static_cast<int64_t>(v)), loc);
    }
    if (!overflow && v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
      return ParsedExpr::Literal(Value::Int(static_cast<int32_t>(v)), loc);
    }
    if (!overflow && v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max()) {
      return ParsedExpr::Literal(Value::Bigint(static_cast<int64_t>(v)), loc);
    }
    if (overflow || static_cast<int>(digits.size()) > DataType::kMaxDecimalPrecision) {
      return out_of_range("DECIMAL(38, 0)");
    }
    return ParsedExpr::Literal(Value::Decimal(v, static_cast<int>(digits.size()), 0), loc);
  }
  // Exact decimal: unsuffixed with a point, or BD.
  // Digits and scale in 64 bits, checked against DECIMAL(38) before any
  // digit is appended: the exponent may be anything the lexer took.
  std::string mantissa = text;
  int64_t exponent = 0;
  size_t e = text.find_first_of("eE");
  if (e != std::string::npos) {
    mantissa = text.substr(0, e);
    std::string_view exp_text(text);
    exp_text.remove_prefix(e + 1);
    if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
    auto [end, ec] = std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
    if (ec != std::errc() || end != exp_text.data() + exp_text.size() || exponent > 1000000 ||
        exponent < -1000000) {
      return out_of_range("DECIMAL(38)");
    }
  }
  std::string digits;
  int64_t scale = 0;
  size_t point = mantissa.find('.');
  if (point == std::string::npos) {
    digits = mantissa;
  } else {
    digits = mantissa.substr(0, point) + mantissa.substr(point + 1);
    scale = static_cast<int64_t>(mantissa.size() - point - 1);
  }
  scale -= exponent;
  while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
  if (digits.empty()) digits = "0";
  if (scale < 0) {
    if (digits != "0") {
      if (static_cast<int64_t>(digits.size()) - scale > DataType::kMaxDecimalPrecision) {
        return out_of_range("DECIMAL(38)");
      }
      digits.append(static_cast<size_t>(-scale), '0');
    }
    scale = 0;
  }
  const int64_t precision = std::max(static_cast<int64_t>(digits == "0" ? 1 : digits.size()), scale);
  if (precision > DataType::kMaxDecimalPrecision) return out_of_range("DECIMAL(38)");
  int128_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  if (negate) v = -v;
  return ParsedExpr::Literal(Value::Decimal(v, static_cast<int>(precision), static_cast<int>(scale)), loc);
}

Result<ParsedExprPtr> Parser::ParseInterval() {
  const Token& start = Consume();  // INTERVAL
  SourceLocation loc = Loc(start);
  int128_t total = 0;
  std::string text = "INTERVAL";
  int units = 0;
  auto add = [&](const std::string& value, const Token& unit_token, const Token& value_token) -> Status {
    std::string singular;
    if (IsYearMonthUnit(unit_token.upper)) {
      return ErrorAt(unit_token, "interval unit " + unit_token.upper +
                                     " is not supported; use WEEK, DAY, HOUR, MINUTE, SECOND, "
                                     "MILLISECOND or MICROSECOND");
    }
    int64_t unit = IntervalUnitMicros(unit_token.upper, &singular);
    if (unit == 0) {
      return ErrorAt(unit_token, "expected an interval unit (WEEK, DAY, HOUR, MINUTE, SECOND, "
                                 "MILLISECOND, MICROSECOND), found " + unit_token.Describe());
    }
    int128_t micros;
    if (!ScaleIntervalValue(value, unit, &micros)) {
      return ErrorAt(value_token, "invalid interval value '" + value + "'");
    }
    total += micros;
    if (total > std::numeric_limits<int64_t>::max() || total < std::numeric_limits<int64_t>::min()) {
      return ErrorAt(value_token, "interval is out of range");
    }
    text += " '" + value + "' " + singular;
    ++units;
    return Status::OK();
  };
  while (true) {
    const Token& v = Peek();
    std::string value;
    if (v.kind == TokenKind::kNumber) {
      value = Consume().text;
    } else if ((v.IsSymbol("-") || v.IsSymbol("+")) && Peek(1).kind == TokenKind::kNumber) {
      value = Consume().text == "-" ? "-" : "";
      value += Consume().text;
    } else if (v.kind == TokenKind::kString) {
      Consume();
      if (Peek().kind != TokenKind::kWord || IsReservedWord(Peek().upper) ||
          (IntervalUnitMicros(Peek().upper, &value) == 0 && !IsYearMonthUnit(Peek().upper))) {
        // The whole interval inside the string: '10 minutes', '1 hour 30 minutes'.
        Lexer inner(v.text);
        std::vector<Token> parts = inner.TokenizeAll();
        size_t i = 0;
        int before = units;
        while (i < parts.size() && parts[i].kind != TokenKind::kEnd) {
          std::string num;
          if ((parts[i].IsSymbol("-") || parts[i].IsSymbol("+")) && i + 1 < parts.size()) {
            num = parts[i].text == "-" ? "-" : "";
            ++i;
          }
          if (parts[i].kind != TokenKind::kNumber || i + 1 >= parts.size() ||
              parts[i + 1].kind != TokenKind::kWord) {
            return ErrorAt(v, "invalid interval string '" + v.text + "'");
          }
          num += parts[i].text;
          Token unit = parts[i + 1];
          unit.line = v.line;
          unit.column = v.column;
          SLUICE_RETURN_NOT_OK(add(num, unit, v));
          i += 2;
        }
        if (units == before) return ErrorAt(v, "invalid interval string '" + v.text + "'");
        continue;
      }
      value = v.text;
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      while (!value.empty() && value.back() == ' ') value.pop_back();
    } else {
      break;
    }
    if (Peek().kind != TokenKind::kWord) {
      return ErrorExpected("an interval unit (WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND)");
    }
    const Token& unit = Consume();
    SLUICE_RETURN_NOT_OK(add(value, unit, v));
  }
  if (units == 0) return ErrorExpected("an interval value such as INTERVAL 10 MINUTES");
  return ParsedExpr::Interval(static_cast<int64_t>(total), text, loc);
}

Result<ParsedExprPtr> Parser::ParseCase() {
  SourceLocation loc = Loc(Consume());  // CASE
  ParsedExprPtr operand;
  if (!PeekWord("WHEN")) {
    SLUICE_ASSIGN_OR_RETURN(operand, ParseExpr());
  }
  std::vector<ast::CaseBranch> branches;
  while (MatchWord("WHEN")) {
    ast::CaseBranch b;
    SLUICE_ASSIGN_OR_RETURN(b.when, ParseExpr());
    SLUICE_RETURN_NOT_OK(ExpectWord("THEN"));
    SLUICE_ASSIGN_OR_RETURN(b.then, ParseExpr());
    branches.push_back(std::move(b));
  }
  if (branches.empty()) return ErrorExpected("WHEN");
  ParsedExprPtr else_expr;
  if (MatchWord("ELSE")) {
    SLUICE_ASSIGN_OR_RETURN(else_expr, ParseExpr());
  }
  SLUICE_RETURN_NOT_OK(ExpectWord("END"));
  return ParsedExpr::Case(std::move(operand), std::move(branches), std::move(else_expr), loc);
}

Result<ParsedExprPtr> Parser::ParseFunctionCall(std::string name, const Token& start) {
  SLUICE_RETURN_NOT_OK(ExpectSymbol("("));
  if (PeekWord("SELECT") || PeekWord("WITH")) return ErrorAt(Peek(), kSubqueryError);
  bool distinct = false, star = false;
  std::vector<ParsedExprPtr> args;
  if (MatchWord("DISTINCT")) {
    distinct = true;
  } else {
    MatchWord("ALL");
  }
  if (PeekSymbol("*") && PeekSymbol(")", 1)) {
    Consume();
    star = true;
  } else if (!PeekSymbol(")")) {
    do {
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
      args.push_back(std::move(e));
    } while (MatchSymbol(","));
  }
  SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
  if (PeekWord("OVER")) return ErrorAt(Peek(), "window functions (OVER) are not supported yet");
  if (PeekWord("FILTER") && PeekSymbol("(", 1)) {
    return ErrorAt(Peek(), "aggregate FILTER clauses are not supported yet");
  }
  std::string lower_name = ToLower(name);
  // Spark's ltrim(trimStr, str) and rtrim(trimStr, str) take the characters
  // first; Sluice's functions take (str, trimStr), as btrim does.
  if ((lower_name == "ltrim" || lower_name == "rtrim") && args.size() == 2) std::swap(args[0], args[1]);
  return ParsedExpr::Function(std::move(lower_name), std::move(args), Loc(start), distinct, star);
}

Result<ParsedExprPtr> Parser::ParsePrimary() {
  const Token& t = Peek();
  SourceLocation loc = Loc(t);
  switch (t.kind) {
    case TokenKind::kNumber:
      Consume();
      return ParseNumber(t, false);
    case TokenKind::kString: {
      std::string s = Consume().text;
      while (Peek().kind == TokenKind::kString) s += Consume().text;
      return ParsedExpr::Literal(Value::String(std::move(s)), loc);
    }
    case TokenKind::kBinaryString: {
      std::string hex = Consume().text;
      if (hex.size() % 2 == 1) hex.insert(0, "0");
      std::string bytes;
      for (size_t i = 0; i < hex.size(); i += 2) {
        bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
      }
      return ParsedExpr::Literal(Value::Binary(std::move(bytes)), loc);
    }
    case TokenKind::kQuotedIdentifier: {
      std::string name = Consume().text;
      if (PeekSymbol("(")) return ParseFunctionCall(std::move(name), t);
      return ParsedExpr::ColumnRef({std::move(name)}, loc);
    }
    case TokenKind::kSymbol:
      if (t.IsSymbol("(")) {
        if (PeekWord("SELECT", 1) || PeekWord("WITH", 1)) {
          Consume();
          SLUICE_ASSIGN_OR_RETURN(MutableQuery q, ParseQuery());
          SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
          return ParsedExpr::Subquery(ast::SubqueryKind::kScalar, std::move(q), nullptr, loc);
        }
        Consume();
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        if (PeekSymbol(",")) {
          return ErrorAt(Peek(), "row values (a, b) are not supported; use struct(a, b)");
        }
        SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
        return e;
      }
      if (t.IsSymbol("*")) {
        Consume();
        return ParsedExpr::Star({}, loc);
      }
      return ErrorExpected("an expression");
    case TokenKind::kWord:
      break;
    default:
      return ErrorExpected("an expression");
  }
  const std::string& u = t.upper;
  if (u == "TRUE" || u == "FALSE") {
    Consume();
    return ParsedExpr::Literal(Value::Boolean(u == "TRUE"), loc);
  }
  if (u == "NULL") {
    Consume();
    return ParsedExpr::Literal(Value::Null(DataType::Null()), loc);
  }
  if ((u == "DATE" || u == "TIMESTAMP" || u == "TIMESTAMP_LTZ") &&
      Peek(1).kind == TokenKind::kString) {
    Consume();
    const Token& s = Consume();
    if (u == "DATE") {
      auto d = ParseDate(s.text);
      if (!d) return ErrorAt(s, "invalid DATE literal '" + s.text + "': expected yyyy-MM-dd");
      return ParsedExpr::Literal(Value::Date(*d), loc);
    }
    auto ts = ParseTimestamp(s.text);
    if (!ts) {
      return ErrorAt(s, "invalid TIMESTAMP literal '" + s.text + "': expected yyyy-MM-dd HH:mm:ss[.ffffff]");
    }
    return ParsedExpr::Literal(Value::Timestamp(*ts), loc);
  }
  if (u == "INTERVAL" && (Peek(1).kind == TokenKind::kNumber || Peek(1).kind == TokenKind::kString ||
                          Peek(1).IsSymbol("-") || Peek(1).IsSymbol("+"))) {
    return ParseInterval();
  }
  if ((u == "CAST" || u == "TRY_CAST") && PeekSymbol("(", 1)) {
    Consume();
    Consume();
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr child, ParseExpr());
    SLUICE_RETURN_NOT_OK(ExpectWord("AS"));
    SLUICE_ASSIGN_OR_RETURN(DataType type, ParseType());
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    return ParsedExpr::Cast(std::move(child), std::move(type), u == "TRY_CAST", loc);
  }
  if (u == "CASE") return ParseCase();
  if (u == "EXTRACT" && PeekSymbol("(", 1)) {
    // EXTRACT(field FROM source) -> extract('FIELD', source).
    Consume();
    Consume();
    const Token& f = Peek();
    if (f.kind != TokenKind::kWord && f.kind != TokenKind::kString) {
      return ErrorExpected("a field name (YEAR, MONTH, DAY, HOUR, ...) after EXTRACT(");
    }
    Consume();
    std::string field = f.kind == TokenKind::kWord ? f.upper : ToUpper(f.text);
    SLUICE_RETURN_NOT_OK(ExpectWord("FROM"));
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr source, ParseExpr());
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    return ParsedExpr::Function("extract", {ParsedExpr::Literal(Value::String(field), Loc(f)), std::move(source)},
                                loc);
  }
  if (u == "POSITION" && PeekSymbol("(", 1) && PositionUsesIn()) {
    // POSITION(substr IN str) -> locate(substr, str, 1), as Spark's grammar
    // (both sides value expressions, so IN is not a predicate there).
    // Without IN it is the ordinary call position(substr, str[, pos]).
    Consume();
    Consume();
    SLUICE_RETURN_NOT_OK(EnterLevel());
    LevelExit exit{&depth_};
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr substr, ParseComparison());
    SLUICE_RETURN_NOT_OK(ExpectWord("IN"));
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr str, ParseComparison());
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    // Spark's StringLocate(substr, str) starts at 1 and is named locate(substr, str, 1).
    return ParsedExpr::Function("locate", {std::move(substr), std::move(str), ParsedExpr::Literal(Value::Int(1), loc)},
                                loc);
  }
  if (u == "TRIM" && PeekSymbol("(", 1)) {
    // TRIM([BOTH | LEADING | TRAILING] [chars] FROM str) -> trim/ltrim/rtrim(str[, chars]);
    // TRIM(str) and TRIM(chars, str) are the ordinary calls.
    Consume();
    Consume();
    std::string fn = "trim";
    bool has_side = false;
    if (PeekWord("BOTH") || PeekWord("LEADING") || PeekWord("TRAILING")) {
      const std::string& side = Consume().upper;
      fn = side == "LEADING" ? "ltrim" : side == "TRAILING" ? "rtrim" : "trim";
      has_side = true;
    }
    std::vector<ParsedExprPtr> args;
    if (MatchWord("FROM")) {
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr str, ParseExpr());
      args.push_back(std::move(str));
    } else if (!PeekSymbol(")")) {
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr first, ParseExpr());
      if (MatchWord("FROM")) {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr str, ParseExpr());
        args.push_back(std::move(str));
        args.push_back(std::move(first));
      } else if (has_side) {
        return ErrorExpected("FROM in TRIM(" + std::string(fn == "trim" ? "BOTH" : fn == "ltrim" ? "LEADING" : "TRAILING") +
                             " ... FROM str)");
      } else {
        args.push_back(std::move(first));
        while (MatchSymbol(",")) {
          SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
          args.push_back(std::move(e));
        }
        // Spark's trim(trimStr, str): the characters come first.
        if (args.size() == 2) std::swap(args[0], args[1]);
      }
    }
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    return ParsedExpr::Function(fn, std::move(args), loc);
  }
  if (u == "EXISTS" && PeekSymbol("(", 1)) {
    Consume();
    Consume();
    SLUICE_ASSIGN_OR_RETURN(MutableQuery q, ParseQuery());
    SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    return ParsedExpr::Subquery(ast::SubqueryKind::kExists, std::move(q), nullptr, loc);
  }
  if ((u == "CURRENT_DATE" || u == "CURRENT_TIMESTAMP") && !PeekSymbol("(", 1)) {
    Consume();
    return ParsedExpr::Function(ToLower(u), {}, loc);
  }
  // WINDOW starts a clause but is also Spark's window() and the `window`
  // column it makes (window, window.start). LIKE, ILIKE, RLIKE and REGEXP
  // are operators and, as in Spark, functions too: rlike(a, '^x').
  if (PeekSymbol("(", 1) && (!IsReservedWord(u) || u == "LEFT" || u == "RIGHT" || u == "WINDOW" || u == "LIKE" ||
                             u == "ILIKE" || u == "RLIKE" || u == "REGEXP")) {
    std::string name = Consume().text;
    return ParseFunctionCall(std::move(name), t);
  }
  if (IsReservedWord(u) && u != "WINDOW") return ErrorExpected("an expression");
  Consume();
  return ParsedExpr::ColumnRef({t.text}, loc);
}

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

Result<DataType> Parser::ParseType() {
  SLUICE_RETURN_NOT_OK(EnterLevel());
  LevelExit exit{&depth_};
  const Token& t = Peek();
  if (t.kind != TokenKind::kWord) return ErrorExpected("a data type");
  const std::string& u = t.upper;
  auto unsupported = [&](const std::string& hint) {
    return ErrorAt(t, "type " + u + " is not supported" + hint);
  };
  if (u == "FLOAT" || u == "REAL") return unsupported("; use DOUBLE");
  if (u == "SMALLINT" || u == "SHORT" || u == "TINYINT" || u == "BYTE") return unsupported("; use INT");
  if (u == "MAP" || u == "INTERVAL" || u == "VARIANT" || u == "TIMESTAMP_NTZ" || u == "VOID" ||
      u == "OBJECT") {
    return unsupported("");
  }
  Consume();
  if (u == "BOOLEAN" || u == "BOOL") return DataType::Boolean();
  if (u == "INT" || u == "INTEGER") return DataType::Int();
  if (u == "BIGINT" || u == "LONG") return DataType::Bigint();
  if (u == "DOUBLE") {
    MatchWord("PRECISION");
    return DataType::Double();
  }
  if (u == "STRING") return DataType::String();
  if (u == "VARCHAR" || u == "CHAR" || u == "CHARACTER") {
    if (MatchSymbol("(")) {
      if (Peek().kind != TokenKind::kNumber) return ErrorExpected("a length");
      Consume();
      SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
    }
    return DataType::String();
  }
  if (u == "BINARY") return DataType::Binary();
  if (u == "DATE") return DataType::Date();
  if (u == "TIMESTAMP" || u == "TIMESTAMP_LTZ") return DataType::Timestamp();
  if (u == "DECIMAL" || u == "DEC" || u == "NUMERIC") {
    int precision = 10, scale = 0;
    if (MatchSymbol("(")) {
      auto read_int = [&](int* out) -> Status {
        const Token& n = Peek();
        if (n.kind != TokenKind::kNumber || n.text.find_first_not_of("0123456789") != std::string::npos ||
            n.text.size() > 3) {
          return ErrorExpected("an integer");
        }
        *out = std::stoi(Consume().text);
        return Status::OK();
      };
      const Token& p_token = Peek();
      SLUICE_RETURN_NOT_OK(read_int(&precision));
      const Token& s_token = Peek();
      if (MatchSymbol(",")) {
        SLUICE_RETURN_NOT_OK(read_int(&scale));
      }
      SLUICE_RETURN_NOT_OK(ExpectSymbol(")"));
      if (precision < 1 || precision > DataType::kMaxDecimalPrecision) {
        return ErrorAt(p_token, "DECIMAL precision " + std::to_string(precision) +
                                    " is out of range; it must be between 1 and 38");
      }
      if (scale > precision) {
        return ErrorAt(s_token, "DECIMAL scale " + std::to_string(scale) +
                                    " is larger than the precision " + std::to_string(precision));
      }
    }
    return DataType::Decimal(precision, scale);
  }
  if (u == "ARRAY") {
    SLUICE_RETURN_NOT_OK(ExpectSymbol("<"));
    SLUICE_ASSIGN_OR_RETURN(DataType element, ParseType());
    SLUICE_RETURN_NOT_OK(ExpectSymbol(">"));
    return DataType::Array(std::move(element));
  }
  if (u == "STRUCT") {
    if (MatchSymbol("<>")) return DataType::Struct({});
    SLUICE_RETURN_NOT_OK(ExpectSymbol("<"));
    std::vector<StructField> fields;
    if (!PeekSymbol(">")) {
      SLUICE_ASSIGN_OR_RETURN(fields, ParseStructFields(false));
    }
    SLUICE_RETURN_NOT_OK(ExpectSymbol(">"));
    return DataType::Struct(std::move(fields));
  }
  pos_--;
  return ErrorAt(t, "unknown data type " + t.text);
}

Result<std::vector<StructField>> Parser::ParseStructFields(bool ddl_form) {
  std::vector<StructField> fields;
  do {
    StructField f;
    if (Peek().kind != TokenKind::kWord && Peek().kind != TokenKind::kQuotedIdentifier) {
      return ErrorExpected(ddl_form ? "a column name" : "a field name");
    }
    f.name = Consume().text;
    MatchSymbol(":");
    SLUICE_ASSIGN_OR_RETURN(f.type, ParseType());
    while (true) {
      if (MatchWord("NOT")) {
        SLUICE_RETURN_NOT_OK(ExpectWord("NULL"));
        f.nullable = false;
      } else if (MatchWord("COMMENT")) {
        if (Peek().kind != TokenKind::kString) return ErrorExpected("a quoted comment");
        Consume();
      } else {
        break;
      }
    }
    fields.push_back(std::move(f));
  } while (MatchSymbol(","));
  return fields;
}

// ---------------------------------------------------------------------------
// Standalone entry points
// ---------------------------------------------------------------------------

Result<ParsedExprPtr> Parser::ParseStandaloneExpression() {
  if (Peek().kind == TokenKind::kEnd) return ErrorExpected("an expression");
  SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
  SLUICE_RETURN_NOT_OK(ExpectEnd("end of the expression"));
  SLUICE_RETURN_NOT_OK(CheckTreeHeight(*e));
  return e;
}

Result<DataType> Parser::ParseStandaloneDataType() {
  SLUICE_ASSIGN_OR_RETURN(DataType t, ParseType());
  SLUICE_RETURN_NOT_OK(ExpectEnd("end of the type"));
  return t;
}

Result<Schema> Parser::ParseStandaloneSchema() {
  if (Peek().kind == TokenKind::kEnd) return Schema();
  if (PeekWord("STRUCT") && (PeekSymbol("<", 1) || PeekSymbol("<>", 1))) {
    SLUICE_ASSIGN_OR_RETURN(DataType t, ParseStandaloneDataType());
    return Schema(t.fields());
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<StructField> fields, ParseStructFields(true));
  SLUICE_RETURN_NOT_OK(ExpectEnd("',' or end of the schema"));
  return Schema(std::move(fields));
}

}  // namespace sluice
