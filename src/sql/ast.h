// The parsed (unbound) form of Sluice SQL: expressions, queries, table
// references and statements, as the parser produces them and the binder
// consumes them. Nothing here is resolved: names are raw identifier parts,
// functions are lower-cased names, types only appear in CAST and DDL.
//
// Every node records the SourceLocation (1-based line and column, counted in
// characters) of its first token, so that later stages can report errors in
// the parser's shape (see sql/error_location.h).
//
// ---------------------------------------------------------------------------
// ToString(): SQL text, and Spark's auto-generated column names
// ---------------------------------------------------------------------------
// ParsedExpr::ToString() renders an expression the way Spark names an
// unaliased select-list column (Spark's `toPrettySQL`), which is also valid
// SQL that parses back to an equivalent tree:
//   column reference      parts joined by '.', without backquotes: a, t.a,
//                         data.a.  (Spark names a top-level `t.a` or
//                         `data.a` column just `a`: the binder, which knows
//                         whether a prefix is a table or a struct, applies
//                         that rule; see ColumnAutoName below.)
//   star                  *, t.*
//   numeric literals      digits without suffix: 1, 1 (for 1L), 1.50, 1.5
//                         (for 1.5D), 1000.0 (for 1e3), -1
//   string literal        the raw text, unquoted: SELECT 'abc' -> abc
//   NULL, TRUE, FALSE     NULL, true, false
//   DATE / TIMESTAMP      DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00'
//   binary                X'0A1F'
//   interval              INTERVAL '10' MINUTE, INTERVAL '1' HOUR '30' MINUTE
//   binary operators      parenthesized: (a + 1), (a = 1), ((a > 1) AND b)
//                         `a || b` is the function concat: concat(a, b)
//                         `a <> b`, `a != b` render as (NOT (a = b))
//   unary                 (- a), (NOT a), (a IS NULL), (a IS NOT NULL)
//   IN                    (a IN (1, 2))
//   BETWEEN               ((a >= lo) AND (a <= hi))     (Spark 3.x rewrite)
//   LIKE / RLIKE          a LIKE x%  ,  a LIKE x% ESCAPE '/'  ,  a RLIKE ^x
//   IS [NOT] TRUE/FALSE   rewritten by the parser to <=> : (a <=> true),
//                         (NOT (a <=> false)); IS [NOT] DISTINCT FROM too.
//   functions             lower-case name: upper(name), count(DISTINCT x);
//                         count(*) renders as count(1), as in Spark.
//   CAST                  CAST(a AS INT), TRY_CAST(a AS INT) (x::INT too)
//   CASE                  CASE WHEN (a > 1) THEN x ELSE y END; the operand
//                         form CASE a WHEN 1 ... renders as
//                         CASE WHEN (a = 1) THEN ... END (Spark's rewrite)
//   field access          f(x).a ; subscript arr[0], m[k] (string index
//                         unquoted as for literals).
// Because strings render unquoted, ToString() is for names; use
// ParsedExpr::ToSql() for text that must parse back exactly (strings quoted,
// BIGINT with L suffix, ...). Queries and statements have ToString() that
// prints SQL (using ToSql() for expressions).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "types/data_type.h"
#include "types/value.h"

namespace sluice::ast {

struct SourceLocation {
  int line = 0;    // 1-based; 0 when unknown (built programmatically)
  int column = 0;  // 1-based, in characters (UTF-8 code points)
};

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

struct ParsedExpr;
using ParsedExprPtr = std::shared_ptr<const ParsedExpr>;

enum class ExprKind : uint8_t {
  kColumnRef,    // parts
  kStar,         // parts = qualifier (possibly empty): *, t.*, data.*
  kLiteral,      // value
  kInterval,     // interval_micros, text
  kFunction,     // name (lower-case), args, distinct, star_arg
  kCast,         // child, target_type, try_cast
  kCase,         // child = operand (may be null), branches, else_expr
  kFieldAccess,  // child, name = field name (case preserved)
  kSubscript,    // child, index
  kSubquery,     // subquery, subquery_kind; kIn: child = the tested value
};

enum class SubqueryKind : uint8_t {
  kScalar,  // (SELECT max(x) FROM t)
  kExists,  // EXISTS (SELECT ...)
  kIn,      // child IN (SELECT ...)
};

struct QueryNode;

struct CaseBranch {
  ParsedExprPtr when;
  ParsedExprPtr then;
};

// One flat node type with a kind: only the fields listed for the kind in
// ExprKind are meaningful.
struct ParsedExpr {
  ExprKind kind = ExprKind::kLiteral;
  SourceLocation location;

  // kColumnRef: identifier parts, case preserved (a | t.a | data.a | t.data.a).
  // kStar: the qualifier parts before ".*".
  std::vector<std::string> parts;

  // kLiteral.
  Value value;

  // kInterval: total length in microseconds, and Spark's rendering
  // ("INTERVAL '10' MINUTE").
  int64_t interval_micros = 0;
  std::string text;

  // kFunction: lower-case function or operator name (see the operator table
  // in exec/function_registry.h); kFieldAccess: the field name.
  std::string name;
  // kFunction arguments.
  std::vector<ParsedExprPtr> args;
  bool distinct = false;  // count(DISTINCT x)
  bool star_arg = false;  // count(*): args is empty

  // kCast / kFieldAccess / kSubscript: the operand; kCase: the optional
  // operand of CASE x WHEN ... (null for searched CASE).
  ParsedExprPtr child;
  // kSubscript: the index or key.
  ParsedExprPtr index;

  // kCast.
  DataType target_type;
  bool try_cast = false;

  // kCase.
  std::vector<CaseBranch> branches;
  ParsedExprPtr else_expr;  // may be null

  // kSubquery.
  std::shared_ptr<const QueryNode> subquery;
  SubqueryKind subquery_kind = SubqueryKind::kScalar;

  // Spark-style auto name (see the header comment).
  std::string ToString() const;
  // SQL text that parses back to the same tree (modulo the rewrites above).
  std::string ToSql() const;

  // Builders.
  static ParsedExprPtr ColumnRef(std::vector<std::string> parts, SourceLocation loc = {});
  static ParsedExprPtr Star(std::vector<std::string> qualifier, SourceLocation loc = {});
  static ParsedExprPtr Literal(Value v, SourceLocation loc = {});
  static ParsedExprPtr Interval(int64_t micros, std::string text, SourceLocation loc = {});
  static ParsedExprPtr Function(std::string name, std::vector<ParsedExprPtr> args,
                                SourceLocation loc = {}, bool distinct = false,
                                bool star_arg = false);
  static ParsedExprPtr Cast(ParsedExprPtr child, DataType type, bool try_cast = false,
                            SourceLocation loc = {});
  static ParsedExprPtr Case(ParsedExprPtr operand, std::vector<CaseBranch> branches,
                            ParsedExprPtr else_expr, SourceLocation loc = {});
  static ParsedExprPtr FieldAccess(ParsedExprPtr child, std::string field,
                                   SourceLocation loc = {});
  // `value` is the tested expression for kIn, null otherwise.
  static ParsedExprPtr Subquery(SubqueryKind kind, std::shared_ptr<const QueryNode> query,
                                ParsedExprPtr value, SourceLocation loc = {});
  static ParsedExprPtr Subscript(ParsedExprPtr child, ParsedExprPtr index,
                                 SourceLocation loc = {});
};

// Spark's name for an unaliased select-list expression. Identical to
// expr.ToString() except for a top-level column reference, which Spark names
// by its last part (SELECT t.a -> "a", SELECT data.a -> "a"), and a
// window() / session_window() call, which is the column `window` /
// `session_window` it makes.
std::string ColumnAutoName(const ParsedExpr& expr);

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

struct QueryNode;
using QueryNodePtr = std::shared_ptr<const QueryNode>;
struct TableRef;
using TableRefPtr = std::shared_ptr<const TableRef>;

struct SelectItem {
  ParsedExprPtr expr;
  std::optional<std::string> alias;  // AS alias, or an implicit alias
  SourceLocation location;
};

struct OrderByItem {
  ParsedExprPtr expr;
  bool ascending = true;
  // Unset when not written: Spark's default is NULLS FIRST for ASC and NULLS
  // LAST for DESC (the binder applies it).
  std::optional<bool> nulls_first;
  SourceLocation location;
  std::string ToString() const;
};

// WITH name [(c1, c2)] AS (query)
struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_aliases;
  QueryNodePtr query;
  SourceLocation location;
};

enum class QueryKind : uint8_t { kSelect, kSetOperation, kValues };

// Base of every query. The modifiers (WITH, ORDER BY, LIMIT, OFFSET) belong
// to any query kind; for a set operation they apply to its result.
struct QueryNode {
  explicit QueryNode(QueryKind k) : kind(k) {}
  virtual ~QueryNode() = default;

  QueryKind kind;
  SourceLocation location;
  std::vector<CommonTableExpr> ctes;
  std::vector<OrderByItem> order_by;
  ParsedExprPtr limit;   // null when absent (LIMIT ALL is absent too)
  ParsedExprPtr offset;  // null when absent

  // Full SQL, modifiers included.
  std::string ToString() const;
  // The query without WITH / ORDER BY / LIMIT / OFFSET.
  virtual std::string BodyToString() const = 0;
};

struct SelectNode : QueryNode {
  SelectNode() : QueryNode(QueryKind::kSelect) {}
  bool distinct = false;
  std::vector<SelectItem> select_list;
  TableRefPtr from;  // null for SELECT without FROM
  ParsedExprPtr where;
  std::vector<ParsedExprPtr> group_by;
  bool group_by_all = false;  // GROUP BY ALL (group_by is then empty)
  ParsedExprPtr having;
  std::string BodyToString() const override;
};

enum class SetOpType : uint8_t { kUnion, kIntersect, kExcept };

// left UNION [ALL | DISTINCT] right. Plain UNION means DISTINCT.
struct SetOperationNode : QueryNode {
  SetOperationNode() : QueryNode(QueryKind::kSetOperation) {}
  SetOpType op = SetOpType::kUnion;
  bool all = false;
  QueryNodePtr left;
  QueryNodePtr right;
  std::string BodyToString() const override;
};

// A top-level VALUES (1, 'a'), (2, 'b'). Spark names its columns col1, col2...
struct ValuesNode : QueryNode {
  ValuesNode() : QueryNode(QueryKind::kValues) {}
  std::vector<std::vector<ParsedExprPtr>> rows;
  std::string BodyToString() const override;
};

// ---------------------------------------------------------------------------
// FROM clause
// ---------------------------------------------------------------------------

enum class TableRefKind : uint8_t {
  kBaseTable,
  kSubquery,
  kJoin,
  kValues,
  kTableFunction,
  kWatermark,
  kDropDuplicates,
};

struct TableRef {
  explicit TableRef(TableRefKind k) : kind(k) {}
  virtual ~TableRef() = default;

  TableRefKind kind;
  SourceLocation location;
  std::optional<std::string> alias;
  // AS t(a, b): renames the columns (subqueries and VALUES; empty otherwise).
  std::vector<std::string> column_aliases;

  virtual std::string ToString() const = 0;

 protected:
  std::string AliasToString() const;  // " AS t(a, b)" or ""
};

// A (possibly dotted) table or view name: t, db.t, `weird name`.
struct BaseTableRef : TableRef {
  BaseTableRef() : TableRef(TableRefKind::kBaseTable) {}
  std::vector<std::string> name;
  std::string ToString() const override;
};

// (query) [AS] alias [(cols)]; the alias may be missing.
struct SubqueryRef : TableRef {
  SubqueryRef() : TableRef(TableRefKind::kSubquery) {}
  QueryNodePtr query;
  std::string ToString() const override;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kLeftSemi, kLeftAnti, kCross };
const char* JoinTypeToString(JoinType t);  // "INNER", "LEFT OUTER", "LEFT SEMI"...

// left <type> JOIN right [ON condition | USING (cols)]. FROM a, b is a
// kCross join without condition. INNER JOIN without ON is allowed (cross).
struct JoinRef : TableRef {
  JoinRef() : TableRef(TableRefKind::kJoin) {}
  JoinType type = JoinType::kInner;
  TableRefPtr left;
  TableRefPtr right;
  ParsedExprPtr condition;                 // ON; null if absent
  std::vector<std::string> using_columns;  // USING (a, b); empty if absent
  bool natural = false;                    // NATURAL JOIN
  std::string ToString() const override;
};

// VALUES (1, 'a'), (2, 'b') [AS] t(id, name) inside FROM.
struct ValuesRef : TableRef {
  ValuesRef() : TableRef(TableRefKind::kValues) {}
  std::vector<std::vector<ParsedExprPtr>> rows;
  std::string ToString() const override;
};

// A table-valued function: FROM range(10) [AS] t.
struct TableFunctionRef : TableRef {
  TableFunctionRef() : TableRef(TableRefKind::kTableFunction) {}
  std::string name;  // lower-case
  std::vector<ParsedExprPtr> args;
  // Per argument: its name when given as `name => value`, else empty.
  std::vector<std::string> arg_names;
  std::string ToString() const override;
};

// A watermark on a relation (Databricks' syntax): `FROM src WATERMARK ts
// DELAY OF INTERVAL 10 SECONDS [AS s]` (also `DELAY OF INTERVAL '10 seconds'`).
// `input` is the table or subquery, carrying the alias; `column` the
// event-time column, `delay` the interval.
struct WatermarkRef : TableRef {
  WatermarkRef() : TableRef(TableRefKind::kWatermark) {}
  TableRefPtr input;
  ParsedExprPtr column;
  ParsedExprPtr delay;
  std::string ToString() const override;
};

// Deduplication of a relation (Spark's dropDuplicates /
// dropDuplicatesWithinWatermark): `FROM src [WATERMARK ...] DROP DUPLICATES
// [WITHIN WATERMARK] [(col, ...)] [AS s]`. `input` is the table, subquery or
// WatermarkRef; the alias stays on the table or subquery, as for
// WatermarkRef. `columns` are column references (empty: every column).
struct DropDuplicatesRef : TableRef {
  DropDuplicatesRef() : TableRef(TableRefKind::kDropDuplicates) {}
  TableRefPtr input;
  std::vector<ParsedExprPtr> columns;
  bool within_watermark = false;
  std::string ToString() const override;
};

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------
// To add a statement kind: add a StatementKind value, a struct deriving from
// Statement, and a branch in Parser::ParseStatement. Consumers switch on
// `kind` and static_cast (or use Statement::As<T>()).

enum class StatementKind : uint8_t {
  kSelect,
  kCreateTable,
  kCreateView,
  kDropTable,
  kDropView,
  kExplain,
  kSet,
  // Streaming jobs (run by `sluice run`, see docs/streaming.md).
  kCreateStream,
  kCreateSink,
  kStartStreamingQuery,
};

struct Statement {
  explicit Statement(StatementKind k) : kind(k) {}
  virtual ~Statement() = default;

  StatementKind kind;
  SourceLocation location;
  // The statement's own source text (without the trailing ';').
  std::string text;

  virtual std::string ToString() const = 0;

  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*this);
  }
};
using StatementPtr = std::shared_ptr<const Statement>;

struct SelectStatement : Statement {
  SelectStatement() : Statement(StatementKind::kSelect) {}
  QueryNodePtr query;
  std::string ToString() const override;
};

struct ColumnDef {
  std::string name;
  DataType type;
  bool not_null = false;
  std::optional<std::string> comment;
  SourceLocation location;
};

// CREATE [OR REPLACE] [TEMPORARY] TABLE [IF NOT EXISTS] name [(cols)]
//   [USING format] [OPTIONS (k v, ...)] [PARTITIONED BY (c, ...)]
//   [LOCATION 'path'] [COMMENT 'text'] [AS query]
// An empty `columns` means the schema is inferred (or comes from as_query).
struct CreateTableStatement : Statement {
  CreateTableStatement() : Statement(StatementKind::kCreateTable) {}
  std::vector<std::string> name;
  std::vector<ColumnDef> columns;
  std::optional<std::string> format;  // USING json -> "json" (case preserved)
  // OPTIONS in written order. Keys as written (dotted keys joined with '.',
  // string keys unquoted); values as strings: strings unquoted, numbers as
  // written, booleans "true"/"false".
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> partitioned_by;
  std::optional<std::string> location_path;
  std::optional<std::string> comment;
  QueryNodePtr as_query;  // CREATE TABLE ... AS SELECT; null if absent
  bool if_not_exists = false;
  bool or_replace = false;
  bool temporary = false;
  std::string ToString() const override;
};

// CREATE [OR REPLACE] [TEMPORARY | TEMP] VIEW [IF NOT EXISTS] v [(cols)] AS query
struct CreateViewStatement : Statement {
  CreateViewStatement() : Statement(StatementKind::kCreateView) {}
  std::vector<std::string> name;
  std::vector<std::string> column_aliases;
  QueryNodePtr query;
  bool temporary = false;
  bool or_replace = false;
  bool if_not_exists = false;
  std::string ToString() const override;
};

// DROP TABLE / DROP VIEW [IF EXISTS] name. kind is kDropTable or kDropView.
struct DropStatement : Statement {
  explicit DropStatement(StatementKind k) : Statement(k) {}
  std::vector<std::string> name;
  bool if_exists = false;
  std::string ToString() const override;
};

// EXPLAIN [EXTENDED] statement
struct ExplainStatement : Statement {
  ExplainStatement() : Statement(StatementKind::kExplain) {}
  bool extended = false;
  StatementPtr inner;
  std::string ToString() const override;
};

// SET key = value   (raw text, trimmed; a value that is exactly one quoted
// string is unquoted). SET key -> value unset (show one); SET -> key empty
// (show all).
struct SetStatement : Statement {
  SetStatement() : Statement(StatementKind::kSet) {}
  std::string key;
  std::optional<std::string> value;
  std::string ToString() const override;
};

// CREATE [OR REPLACE] STREAM name [(cols)] USING source [OPTIONS (k v, ...)]
// A streaming source under a name queries can read from.
struct CreateStreamStatement : Statement {
  CreateStreamStatement() : Statement(StatementKind::kCreateStream) {}
  std::string name;
  std::vector<ColumnDef> columns;  // empty: the source's own schema
  std::string format;              // rate, rate-micro-batch, json, csv, kafka...
  std::vector<std::pair<std::string, std::string>> options;
  bool or_replace = false;
  std::string ToString() const override;
};

// CREATE [OR REPLACE] SINK name USING sink [OPTIONS (k v, ...)]
//   [PARTITIONED BY (c, ...)]
struct CreateSinkStatement : Statement {
  CreateSinkStatement() : Statement(StatementKind::kCreateSink) {}
  std::string name;
  std::string format;  // console, memory, json, csv, noop, kafka...
  std::vector<std::pair<std::string, std::string>> options;
  // The file sinks' partitionBy (the sink option "partitionBy").
  std::vector<std::string> partitioned_by;
  bool or_replace = false;
  std::string ToString() const override;
};

enum class StreamTriggerKind : uint8_t { kDefault, kProcessingTime, kAvailableNow, kOnce };

// START STREAMING QUERY name INTO sink
//   [OUTPUT MODE append | update | complete]
//   [TRIGGER PROCESSING TIME 'interval' | TRIGGER AVAILABLE NOW | TRIGGER ONCE]
//   [CHECKPOINT LOCATION 'path']
//   AS query
struct StartStreamingQueryStatement : Statement {
  StartStreamingQueryStatement() : Statement(StatementKind::kStartStreamingQuery) {}
  std::string name;
  std::string sink;
  std::string output_mode = "append";
  StreamTriggerKind trigger = StreamTriggerKind::kDefault;
  std::string trigger_interval;  // kProcessingTime: '1 second'
  std::optional<std::string> checkpoint_location;
  QueryNodePtr query;
  SourceLocation query_location;
  std::string ToString() const override;
};

// Quotes an identifier with backquotes when it is not a plain identifier
// (letters, digits, '_', not starting with a digit) or is a reserved word.
std::string QuoteIdentifier(const std::string& name);
// Parts quoted as needed and joined with '.'.
std::string QualifiedNameToString(const std::vector<std::string>& parts);

}  // namespace sluice::ast
