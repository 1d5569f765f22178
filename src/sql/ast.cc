#include "sql/ast.h"

#include <cctype>
#include <cmath>

#include "common/redaction.h"
#include "sql/token.h"

namespace sluice::ast {

namespace {

std::string HexOf(const std::string& bytes) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string LiteralText(const Value& v, bool sql) {
  if (v.is_null()) return "NULL";
  switch (v.type().id()) {
    case TypeId::kBinary: return "X'" + HexOf(v.str_value()) + "'";
    case TypeId::kDate:
    case TypeId::kTimestamp: return v.ToSqlLiteral();
    case TypeId::kBoolean: return v.bool_value() ? "true" : "false";
    case TypeId::kString: return sql ? v.ToSqlLiteral() : v.str_value();
    case TypeId::kDouble: {
      if (!sql) return v.ToString();
      double d = v.double_value();
      if (std::isnan(d)) return "CAST('NaN' AS DOUBLE)";
      if (std::isinf(d)) return d > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)";
      return v.ToString() + "D";
    }
    case TypeId::kBigint: return sql ? v.ToString() + "L" : v.ToString();
    case TypeId::kDecimal: return sql ? v.ToString() + "BD" : v.ToString();
    default: return v.ToString();
  }
}

std::string JoinNames(const std::vector<std::string>& parts, bool sql) {
  if (sql) return QualifiedNameToString(parts);
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '.';
    out += parts[i];
  }
  return out;
}

std::string Render(const ParsedExpr& e, bool sql);

std::string RenderList(const std::vector<ParsedExprPtr>& args, bool sql, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < args.size(); ++i) {
    if (i > from) out += ", ";
    out += Render(*args[i], sql);
  }
  return out;
}

const char* InfixOperator(const std::string& name) {
  static const char* const kOps[] = {"+", "-", "*", "/", "%", "div", "=", "<", "<=", ">", ">=", "<=>"};
  for (const char* op : kOps) {
    if (name == op) return op;
  }
  if (name == "and") return "AND";
  if (name == "or") return "OR";
  return nullptr;
}

std::string RenderFunction(const ParsedExpr& e, bool sql) {
  const auto& a = e.args;
  const std::string& n = e.name;
  auto arg = [&](size_t i) { return Render(*a[i], sql); };
  if (a.size() == 2 && !e.distinct) {
    if (const char* op = InfixOperator(n)) return "(" + arg(0) + " " + op + " " + arg(1) + ")";
    if (n == "<>") return "(NOT (" + arg(0) + " = " + arg(1) + "))";
    if (n == "rlike") {
      std::string s = arg(0) + " RLIKE " + arg(1);
      return sql ? "(" + s + ")" : s;
    }
  }
  if (n == "extract" && a.size() == 2 && !e.distinct && a[0]->kind == ExprKind::kLiteral &&
      a[0]->value.type().id() == TypeId::kString) {
    // Spark's name: extract(YEAR FROM x); also what the parser reads back.
    return "extract(" + a[0]->value.str_value() + " FROM " + arg(1) + ")";
  }
  if ((n == "like") && (a.size() == 2 || a.size() == 3) && !e.distinct) {
    std::string s = arg(0) + " LIKE " + arg(1);
    if (a.size() == 3) s += " ESCAPE " + LiteralText(a[2]->value, true);
    return sql ? "(" + s + ")" : s;
  }
  if (a.size() == 1 && !e.distinct) {
    if (n == "not") return "(NOT " + arg(0) + ")";
    if (n == "negate") return "(- " + arg(0) + ")";
    if (n == "isnull") return "(" + arg(0) + " IS NULL)";
    if (n == "isnotnull") return "(" + arg(0) + " IS NOT NULL)";
  }
  if (n == "in" && a.size() >= 2 && !e.distinct) {
    return "(" + arg(0) + " IN (" + RenderList(a, sql, 1) + "))";
  }
  if (n == "between" && a.size() == 3 && !e.distinct) {
    if (sql) return "(" + arg(0) + " BETWEEN " + arg(1) + " AND " + arg(2) + ")";
    return "((" + arg(0) + " >= " + arg(1) + ") AND (" + arg(0) + " <= " + arg(2) + "))";
  }
  std::string name = sql ? QuoteIdentifier(n) : n;
  if (e.star_arg) return name + (sql ? "(*)" : "(1)");
  return name + "(" + (e.distinct ? "DISTINCT " : "") + RenderList(a, sql) + ")";
}

std::string Render(const ParsedExpr& e, bool sql) {
  switch (e.kind) {
    case ExprKind::kColumnRef: return JoinNames(e.parts, sql);
    case ExprKind::kStar: return e.parts.empty() ? "*" : JoinNames(e.parts, sql) + ".*";
    case ExprKind::kLiteral: return LiteralText(e.value, sql);
    case ExprKind::kInterval: return e.text;
    case ExprKind::kFunction: return RenderFunction(e, sql);
    case ExprKind::kCast:
      return std::string(e.try_cast ? "TRY_CAST(" : "CAST(") + Render(*e.child, sql) + " AS " +
             e.target_type.ToString() + ")";
    case ExprKind::kCase: {
      std::string out = "CASE";
      if (e.child && sql) out += " " + Render(*e.child, sql);
      for (const auto& b : e.branches) {
        std::string when = Render(*b.when, sql);
        if (e.child && !sql) when = "(" + Render(*e.child, sql) + " = " + when + ")";
        out += " WHEN " + when + " THEN " + Render(*b.then, sql);
      }
      if (e.else_expr) out += " ELSE " + Render(*e.else_expr, sql);
      return out + " END";
    }
    case ExprKind::kFieldAccess:
      return Render(*e.child, sql) + "." + (sql ? QuoteIdentifier(e.name) : e.name);
    case ExprKind::kSubscript: return Render(*e.child, sql) + "[" + Render(*e.index, sql) + "]";
    case ExprKind::kSubquery: {
      // Spark names these scalarsubquery(), exists(...) and (x IN (listquery())).
      if (!sql) {
        switch (e.subquery_kind) {
          case SubqueryKind::kScalar: return "scalarsubquery()";
          case SubqueryKind::kExists: return "exists()";
          case SubqueryKind::kIn: return "(" + Render(*e.child, sql) + " IN (listquery()))";
        }
      }
      std::string q = "(" + e.subquery->ToString() + ")";
      switch (e.subquery_kind) {
        case SubqueryKind::kScalar: return q;
        case SubqueryKind::kExists: return "EXISTS " + q;
        case SubqueryKind::kIn: return "(" + Render(*e.child, sql) + " IN " + q + ")";
      }
      return q;
    }
  }
  return "?";
}

std::string ExprSql(const ParsedExprPtr& e) { return e ? e->ToSql() : "NULL"; }

std::string ExprListSql(const std::vector<ParsedExprPtr>& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += ExprSql(list[i]);
  }
  return out;
}

std::string IdentifierListSql(const std::vector<std::string>& names) {
  std::string out = "(";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += QuoteIdentifier(names[i]);
  }
  return out + ")";
}

std::string RowsSql(const std::vector<std::vector<ParsedExprPtr>>& rows) {
  std::string out = "VALUES ";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ", ";
    out += "(" + ExprListSql(rows[i]) + ")";
  }
  return out;
}

std::string QuoteString(const std::string& s) { return Value::String(s).ToSqlLiteral(); }

}  // namespace

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

std::string ParsedExpr::ToString() const { return Render(*this, false); }
std::string ParsedExpr::ToSql() const { return Render(*this, true); }

std::string ColumnAutoName(const ParsedExpr& expr) {
  if (expr.kind == ExprKind::kColumnRef && !expr.parts.empty()) return expr.parts.back();
  // Spark's time windows are columns named after the function.
  if (expr.kind == ExprKind::kFunction && (expr.name == "window" || expr.name == "session_window")) return expr.name;
  return expr.ToString();
}

ParsedExprPtr ParsedExpr::ColumnRef(std::vector<std::string> parts, SourceLocation loc) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kColumnRef;
  e->parts = std::move(parts);
  e->location = loc;
  return e;
}

ParsedExprPtr ParsedExpr::Star(std::vector<std::string> qualifier, SourceLocation loc) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kStar;
  e->parts = std::move(qualifier);
  e->location = loc;
  return e;
}

ParsedExprPtr ParsedExpr::Literal(Value v, SourceLocation loc) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kLiteral;
  e->value = std::move(v);
  e->location = loc;
  return e;
}

ParsedExprPtr ParsedExpr::Interval(int64_t micros, std::string text, SourceLocation loc) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kInterval;
  e->interval_micros = micros;
  e->text = std::move(text);
  e->location = loc;
  return e;
}

ParsedExprPtr ParsedExpr::Function(std::string name, std::vector<ParsedExprPtr> args,
                                   SourceLocation loc, bool distinct, bool star_arg) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kFunction;
  e->name = std::move(name);
  e->args = std::move(args);
  e->distinct = distinct;
  e->star_arg = star_arg;
  e->location = loc;
  return e;
}

ParsedExprPtr ParsedExpr::Cast(ParsedExprPtr child, DataType type, bool try_cast,
                               SourceLocation loc) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kCast;
  e->child = std::move(child);
  e->target_type = std::move(type);
  e->try_cast = try_cast;
  e->location = loc;
  return e;
}

ParsedExprPtr ParsedExpr::Case(ParsedExprPtr operand, std::vector<CaseBranch> branches,
                               ParsedExprPtr else_expr, SourceLocation loc) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kCase;
  e->child = std::move(operand);
  e->branches = std::move(branches);
  e->else_expr = std::move(else_expr);
  e->location = loc;
  return e;
}

ParsedExprPtr ParsedExpr::FieldAccess(ParsedExprPtr child, std::string field, SourceLocation loc) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kFieldAccess;
  e->child = std::move(child);
  e->name = std::move(field);
  e->location = loc;
  return e;
}

ParsedExprPtr ParsedExpr::Subquery(SubqueryKind kind, std::shared_ptr<const QueryNode> query,
                                   ParsedExprPtr value, SourceLocation loc) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kSubquery;
  e->subquery_kind = kind;
  e->subquery = std::move(query);
  e->child = std::move(value);
  e->location = loc;
  return e;
}

ParsedExprPtr ParsedExpr::Subscript(ParsedExprPtr child, ParsedExprPtr index, SourceLocation loc) {
  auto e = std::make_shared<ParsedExpr>();
  e->kind = ExprKind::kSubscript;
  e->child = std::move(child);
  e->index = std::move(index);
  e->location = loc;
  return e;
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

std::string OrderByItem::ToString() const {
  std::string out = ExprSql(expr) + (ascending ? " ASC" : " DESC");
  if (nulls_first) out += *nulls_first ? " NULLS FIRST" : " NULLS LAST";
  return out;
}

std::string QueryNode::ToString() const {
  std::string out;
  if (!ctes.empty()) {
    out += "WITH ";
    for (size_t i = 0; i < ctes.size(); ++i) {
      if (i > 0) out += ", ";
      out += QuoteIdentifier(ctes[i].name);
      if (!ctes[i].column_aliases.empty()) out += IdentifierListSql(ctes[i].column_aliases);
      out += " AS (" + ctes[i].query->ToString() + ")";
    }
    out += " ";
  }
  out += BodyToString();
  if (!order_by.empty()) {
    out += " ORDER BY ";
    for (size_t i = 0; i < order_by.size(); ++i) {
      if (i > 0) out += ", ";
      out += order_by[i].ToString();
    }
  }
  if (limit) out += " LIMIT " + limit->ToSql();
  if (offset) out += " OFFSET " + offset->ToSql();
  return out;
}

std::string SelectNode::BodyToString() const {
  std::string out = distinct ? "SELECT DISTINCT " : "SELECT ";
  for (size_t i = 0; i < select_list.size(); ++i) {
    if (i > 0) out += ", ";
    out += ExprSql(select_list[i].expr);
    if (select_list[i].alias) out += " AS " + QuoteIdentifier(*select_list[i].alias);
  }
  if (from) out += " FROM " + from->ToString();
  if (where) out += " WHERE " + where->ToSql();
  if (group_by_all) {
    out += " GROUP BY ALL";
  } else if (!group_by.empty()) {
    out += " GROUP BY " + ExprListSql(group_by);
  }
  if (having) out += " HAVING " + having->ToSql();
  return out;
}

std::string SetOperationNode::BodyToString() const {
  const char* name = op == SetOpType::kUnion ? "UNION" : op == SetOpType::kIntersect ? "INTERSECT" : "EXCEPT";
  auto side = [](const QueryNodePtr& q) {
    bool plain = q->ctes.empty() && q->order_by.empty() && !q->limit && !q->offset;
    return plain ? q->ToString() : "(" + q->ToString() + ")";
  };
  // The right side is parenthesized when it is itself a set operation, to
  // keep the tree's shape (a UNION (b UNION c)).
  std::string r = side(right);
  if (right->kind == QueryKind::kSetOperation && r[0] != '(') r = "(" + r + ")";
  return side(left) + " " + name + (all ? " ALL " : " ") + r;
}

std::string ValuesNode::BodyToString() const { return RowsSql(rows); }

// ---------------------------------------------------------------------------
// Table references
// ---------------------------------------------------------------------------

std::string TableRef::AliasToString() const {
  if (!alias) return "";
  std::string out = " AS " + QuoteIdentifier(*alias);
  if (!column_aliases.empty()) out += IdentifierListSql(column_aliases);
  return out;
}

std::string BaseTableRef::ToString() const { return QualifiedNameToString(name) + AliasToString(); }

std::string SubqueryRef::ToString() const { return "(" + query->ToString() + ")" + AliasToString(); }

const char* JoinTypeToString(JoinType t) {
  switch (t) {
    case JoinType::kInner: return "INNER";
    case JoinType::kLeft: return "LEFT OUTER";
    case JoinType::kRight: return "RIGHT OUTER";
    case JoinType::kFull: return "FULL OUTER";
    case JoinType::kLeftSemi: return "LEFT SEMI";
    case JoinType::kLeftAnti: return "LEFT ANTI";
    case JoinType::kCross: return "CROSS";
  }
  return "?";
}

std::string JoinRef::ToString() const {
  std::string r = right->ToString();
  if (right->kind == TableRefKind::kJoin) r = "(" + r + ")";
  std::string out = left->ToString() + (natural ? " NATURAL " : " ") + JoinTypeToString(type) + " JOIN " + r;
  if (condition) out += " ON " + condition->ToSql();
  if (!using_columns.empty()) out += " USING " + IdentifierListSql(using_columns);
  return out;
}

std::string ValuesRef::ToString() const { return RowsSql(rows) + AliasToString(); }

std::string TableFunctionRef::ToString() const {
  std::string out = QuoteIdentifier(name) + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    if (i < arg_names.size() && !arg_names[i].empty()) out += QuoteIdentifier(arg_names[i]) + " => ";
    out += ExprSql(args[i]);
  }
  return out + ")" + AliasToString();
}

namespace {
// The relation under WATERMARK / DROP DUPLICATES clauses: it holds the alias.
const TableRef& AliasHolder(const TableRef& ref) {
  if (ref.kind == TableRefKind::kWatermark) return AliasHolder(*static_cast<const WatermarkRef&>(ref).input);
  if (ref.kind == TableRefKind::kDropDuplicates) {
    return AliasHolder(*static_cast<const DropDuplicatesRef&>(ref).input);
  }
  return ref;
}

// `input` rendered without its alias, and the alias (" AS s(a, b)" or "").
std::pair<std::string, std::string> SplitAlias(const TableRef& input) {
  const TableRef& holder = AliasHolder(input);
  std::string in = input.ToString();
  std::string alias;
  if (holder.alias) {
    alias = " AS " + QuoteIdentifier(*holder.alias);
    if (!holder.column_aliases.empty()) alias += IdentifierListSql(holder.column_aliases);
    in = in.substr(0, in.size() - alias.size());
  }
  return {in, alias};
}
}  // namespace

std::string WatermarkRef::ToString() const {
  // The clause sits between the relation and its alias.
  auto [in, alias] = SplitAlias(*input);
  return in + " WATERMARK " + column->ToString() + " DELAY OF " + delay->ToString() + alias;
}

std::string DropDuplicatesRef::ToString() const {
  auto [in, alias] = SplitAlias(*input);
  std::string out = in + " DROP DUPLICATES";
  if (within_watermark) out += " WITHIN WATERMARK";
  if (!columns.empty()) out += " (" + ExprListSql(columns) + ")";
  return out + alias;
}

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

std::string SelectStatement::ToString() const { return query->ToString(); }

std::string CreateTableStatement::ToString() const {
  std::string out = "CREATE ";
  if (or_replace) out += "OR REPLACE ";
  if (temporary) out += "TEMPORARY ";
  out += "TABLE ";
  if (if_not_exists) out += "IF NOT EXISTS ";
  out += QualifiedNameToString(name);
  if (!columns.empty()) {
    out += " (";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += ", ";
      out += QuoteIdentifier(columns[i].name) + " " + columns[i].type.ToString();
      if (columns[i].not_null) out += " NOT NULL";
      if (columns[i].comment) out += " COMMENT " + QuoteString(*columns[i].comment);
    }
    out += ")";
  }
  if (format) out += " USING " + *format;
  if (!options.empty()) {
    out += " OPTIONS (";
    for (size_t i = 0; i < options.size(); ++i) {
      if (i > 0) out += ", ";
      out += QuoteString(options[i].first) + " = " + QuoteString(RedactValue(options[i].first, options[i].second));
    }
    out += ")";
  }
  if (!partitioned_by.empty()) out += " PARTITIONED BY " + IdentifierListSql(partitioned_by);
  if (location_path) out += " LOCATION " + QuoteString(*location_path);
  if (comment) out += " COMMENT " + QuoteString(*comment);
  if (as_query) out += " AS " + as_query->ToString();
  return out;
}

std::string CreateViewStatement::ToString() const {
  std::string out = "CREATE ";
  if (or_replace) out += "OR REPLACE ";
  if (temporary) out += "TEMPORARY ";
  out += "VIEW ";
  if (if_not_exists) out += "IF NOT EXISTS ";
  out += QualifiedNameToString(name);
  if (!column_aliases.empty()) out += " " + IdentifierListSql(column_aliases);
  return out + " AS " + query->ToString();
}

std::string DropStatement::ToString() const {
  std::string out = kind == StatementKind::kDropView ? "DROP VIEW " : "DROP TABLE ";
  if (if_exists) out += "IF EXISTS ";
  return out + QualifiedNameToString(name);
}

std::string ExplainStatement::ToString() const {
  return std::string(extended ? "EXPLAIN EXTENDED " : "EXPLAIN ") + inner->ToString();
}

std::string SetStatement::ToString() const {
  if (key.empty()) return "SET";
  if (!value) return "SET " + key;
  return "SET " + key + " = " + *value;
}

// ---------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------

std::string QuoteIdentifier(const std::string& name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') plain = false;
  }
  if (plain && !IsReservedWord(ToUpper(name))) return name;
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string QualifiedNameToString(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '.';
    out += QuoteIdentifier(parts[i]);
  }
  return out;
}

}  // namespace sluice::ast

namespace sluice::ast {

namespace {

std::string OptionsToString(const std::vector<std::pair<std::string, std::string>>& options) {
  if (options.empty()) return "";
  std::string s = " OPTIONS (";
  for (size_t i = 0; i < options.size(); ++i) {
    s += (i ? ", " : "") + QuoteIdentifier(options[i].first) + " " +
         Value::String(RedactValue(options[i].first, options[i].second)).ToSqlLiteral();
  }
  return s + ")";
}

}  // namespace

std::string CreateStreamStatement::ToString() const {
  std::string s = std::string("CREATE ") + (or_replace ? "OR REPLACE " : "") + "STREAM " + QuoteIdentifier(name);
  if (!columns.empty()) {
    s += " (";
    for (size_t i = 0; i < columns.size(); ++i) {
      s += (i ? ", " : "") + QuoteIdentifier(columns[i].name) + " " + columns[i].type.ToString();
    }
    s += ")";
  }
  return s + " USING " + format + OptionsToString(options);
}

std::string CreateSinkStatement::ToString() const {
  return std::string("CREATE ") + (or_replace ? "OR REPLACE " : "") + "SINK " + QuoteIdentifier(name) + " USING " +
         format + OptionsToString(options) +
         (partitioned_by.empty() ? "" : " PARTITIONED BY " + IdentifierListSql(partitioned_by));
}

std::string StartStreamingQueryStatement::ToString() const {
  std::string s = "START STREAMING QUERY " + QuoteIdentifier(name) + " INTO " + QuoteIdentifier(sink) +
                  " OUTPUT MODE " + output_mode;
  switch (trigger) {
    case StreamTriggerKind::kDefault: break;
    case StreamTriggerKind::kProcessingTime:
      s += " TRIGGER PROCESSING TIME " + Value::String(trigger_interval).ToSqlLiteral();
      break;
    case StreamTriggerKind::kAvailableNow: s += " TRIGGER AVAILABLE NOW"; break;
    case StreamTriggerKind::kOnce: s += " TRIGGER ONCE"; break;
  }
  if (checkpoint_location) s += " CHECKPOINT LOCATION " + Value::String(*checkpoint_location).ToSqlLiteral();
  return s + " AS " + query->ToString();
}

}  // namespace sluice::ast
