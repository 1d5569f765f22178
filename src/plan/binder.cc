#include "plan/binder.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <set>

#include "common/stack_limit.h"
#include "connectors/builtin/builtin_connectors.h"
#include "exec/expression_evaluator.h"
#include "exec/function_registry.h"
#include "exec/functions/json_options.h"
#include "exec/operators/aggregate_function.h"
#include "plan/optimizer.h"
#include "sql/error_location.h"
#include "sql/parser.h"
#include "types/datetime.h"
#include "types/interval_parser.h"

namespace sluice {

using ast::ParsedExpr;

Status Binder::ErrorAt(const ast::SourceLocation& loc, const std::string& message) const {
  if (loc.line <= 0 || sql_.empty()) return Status::AnalysisError(message);
  return Status::AnalysisError(message + "\n" + FormatLocation(sql_, loc.line, loc.column));
}

// The binder recurses over the parsed tree (and runs uncorrelated subqueries
// as it meets them): the parser's nesting limit keeps that within a release
// build's stack, this check within any thread's (sanitizer builds, threads
// with small stacks).
Status Binder::CheckStack(const ast::SourceLocation& loc) const {
  if (!StackNearlyExhausted()) return Status::OK();
  return ErrorAt(loc, "the query is nested too deeply for the stack of this thread; simplify it (a long OR chain "
                      "as IN (...), a deep subquery as a WITH clause), or run it on a thread with a larger stack");
}

namespace {
// Pushes the direct subexpressions of `x` onto `pending` (the walks below
// use an explicit stack, not recursion).
void PushChildren(const ParsedExpr& x, std::vector<const ParsedExpr*>* pending) {
  for (const auto& a : x.args) pending->push_back(a.get());
  if (x.child) pending->push_back(x.child.get());
  if (x.index) pending->push_back(x.index.get());
  for (const auto& b : x.branches) {
    pending->push_back(b.when.get());
    pending->push_back(b.then.get());
  }
  if (x.else_expr) pending->push_back(x.else_expr.get());
}
}  // namespace

// Iterative: it may run before any recursion of the binder checks the stack
// (a 1000-level operator chain overflowed a small thread's stack here).
bool ContainsAggregate(const ParsedExpr& e) {
  std::vector<const ParsedExpr*> pending{&e};
  while (!pending.empty()) {
    const ParsedExpr* x = pending.back();
    pending.pop_back();
    if (x->kind == ast::ExprKind::kFunction && IsAggregateFunction(x->name)) return true;
    PushChildren(*x, &pending);
  }
  return false;
}

namespace {

bool IsTimeWindowCall(const ParsedExpr& e) {
  return e.kind == ast::ExprKind::kFunction && (e.name == "window" || e.name == "session_window");
}

// Column refs at or above this index point into the outer query while a
// correlated subquery is bound.
constexpr int kOuterColumnBase = 1 << 24;

std::string Backquote(const std::string& s) { return "`" + s + "`"; }

std::string JoinParts(const std::vector<std::string>& parts) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) s += ".";
    s += parts[i];
  }
  return s;
}

// A projection over `plan` re-qualifying and/or renaming its columns.
LogicalPlanPtr Requalify(const LogicalPlanPtr& plan, const std::string& qualifier,
                         const std::vector<std::string>& names) {
  std::vector<ExprPtr> exprs;
  std::vector<LogicalColumn> out;
  for (size_t i = 0; i < plan->output.size(); ++i) {
    LogicalColumn c = plan->output[i];
    exprs.push_back(MakeColumnRef(static_cast<int>(i), c.type, c.name, c.nullable));
    if (i < names.size()) c.name = names[i];
    c.qualifier = qualifier;
    out.push_back(std::move(c));
  }
  return MakeProject(plan, std::move(exprs), std::move(out));
}

ExprPtr ColumnRefTo(const std::vector<LogicalColumn>& cols, size_t i) {
  return MakeColumnRef(static_cast<int>(i), cols[i].type, cols[i].name, cols[i].nullable);
}

// from_json(x, schema, map('mode', 'FAILFAST', ...)): there is no MAP type,
// so the map of string literals becomes a STRING literal holding the
// options (exec/functions/json_options.h), checked by from_json's binding.
Result<ExprPtr> BindFromJsonOptions(const Binder& binder, const ParsedExpr& m) {
  auto at = [&](const std::string& message) {
    if (m.location.line <= 0) return binder.ErrorAt(m.location, message);  // built by the DataFrame API
    return binder.ErrorAt(m.location, message + " at line " + std::to_string(m.location.line) + ", column " +
                                          std::to_string(m.location.column));
  };
  if (m.kind != ast::ExprKind::kFunction || m.name != "map") {
    return at("[INVALID_OPTIONS.NON_MAP_FUNCTION] from_json's options must be map('key', 'value', ...), got " +
              m.ToSql());
  }
  if (m.args.size() % 2 != 0) {
    return at("[WRONG_NUM_ARGS] map() of from_json's options needs key, value pairs, got " +
              std::to_string(m.args.size()) + " arguments");
  }
  std::vector<std::pair<std::string, std::string>> options;
  for (size_t i = 0; i < m.args.size(); i += 2) {
    const ParsedExpr& k = *m.args[i];
    const ParsedExpr& v = *m.args[i + 1];
    for (const ParsedExpr* a : {&k, &v}) {
      if (a->kind != ast::ExprKind::kLiteral || a->value.is_null() || a->value.type().id() != TypeId::kString) {
        return at("[INVALID_OPTIONS.NON_STRING_TYPE] from_json's options must be string literals, as in "
                  "map('mode', 'FAILFAST'), got " + a->ToSql());
      }
    }
    for (const auto& o : options) {
      if (EqualsIgnoreCase(o.first, k.value.str_value())) {
        return at("[DUPLICATED_MAP_KEY] from_json's options name '" + k.value.str_value() + "' twice");
      }
    }
    options.emplace_back(k.value.str_value(), v.value.str_value());
  }
  return MakeLiteral(Value::String(EncodeFromJsonOptions(options)));
}

}  // namespace

// ---------------------------------------------------------------------------
// Expressions

Result<ExprPtr> Binder::ResolveColumn(const ParsedExpr& e, const BindScope& scope) {
  const auto& parts = e.parts;
  const auto& cols = scope.columns;
  auto find = [&](const std::string* qualifier, const std::string& name, std::vector<size_t>* hits) {
    for (size_t i = 0; i < cols.size(); ++i) {
      if (!EqualsIgnoreCase(cols[i].name, name)) continue;
      if (qualifier ? !EqualsIgnoreCase(cols[i].qualifier, *qualifier) : cols[i].qualified_only) continue;
      hits->push_back(i);
    }
  };
  std::vector<size_t> hits;
  size_t used = 1;
  if (parts.size() >= 2) {
    find(&parts[0], parts[1], &hits);
    if (!hits.empty()) used = 2;
  }
  if (hits.empty()) {
    find(nullptr, parts[0], &hits);
    used = 1;
  }
  if (hits.size() > 1) {
    return ErrorAt(e.location, "[AMBIGUOUS_REFERENCE] reference " + Backquote(JoinParts(parts)) +
                                   " is ambiguous at line " + std::to_string(e.location.line) +
                                   ", column " + std::to_string(e.location.column) +
                                   ": it could be " + Backquote(cols[hits[0]].qualifier + "." + cols[hits[0]].name) +
                                   " or " + Backquote(cols[hits[1]].qualifier + "." + cols[hits[1]].name) +
                                   "; qualify it with a table name or alias");
  }
  if (hits.empty() && outer_scope_ != nullptr) {
    // A correlated reference to the outer query.
    const BindScope* outer = outer_scope_;
    outer_scope_ = nullptr;
    auto r = ResolveColumn(e, *outer);
    outer_scope_ = outer;
    if (r.ok()) {
      if (!used_outer_) {
        std::string shown;
        for (const auto& p : parts) shown += (shown.empty() ? "" : ".") + Backquote(p);
        outer_column_name_ = shown;
      }
      used_outer_ = true;
      return ShiftColumns(*r, kOuterColumnBase);
    }
  }
  if (hits.empty()) {
    std::vector<std::string> names;
    for (const auto& c : cols) names.push_back(c.name);
    std::string msg = "[UNRESOLVED_COLUMN] cannot resolve column " + Backquote(JoinParts(parts));
    if (e.location.line > 0) {
      msg += " at line " + std::to_string(e.location.line) + ", column " + std::to_string(e.location.column);
    }
    auto suggestion = SuggestClosest(parts.back(), names);
    if (suggestion) {
      msg += ". Did you mean " + Backquote(*suggestion) + "?";
    } else {
      std::string avail;
      for (size_t i = 0; i < names.size() && i < 10; ++i) avail += (i ? ", " : "") + Backquote(names[i]);
      msg += names.empty() ? " (no columns are in scope)" : ". Available columns: " + avail;
    }
    return ErrorAt(e.location, msg);
  }
  size_t idx = hits[0];
  ExprPtr expr = ColumnRefTo(cols, idx);
  // Remaining parts are struct field accesses: data.a.b
  for (size_t p = used; p < parts.size(); ++p) {
    if (expr->type.id() != TypeId::kStruct) {
      return ErrorAt(e.location, "[INVALID_EXTRACT_BASE_FIELD_TYPE] cannot access field " +
                                     Backquote(parts[p]) + " of " + Backquote(JoinParts(parts)) +
                                     ": it has type " + expr->type.ToString() + ", not a STRUCT");
    }
    if (expr->type.FieldIndex(parts[p]) < 0) {
      std::vector<std::string> names;
      for (const auto& f : expr->type.fields()) names.push_back(f.name);
      auto s = SuggestClosest(parts[p], names);
      return ErrorAt(e.location, "[FIELD_NOT_FOUND] no such struct field " + Backquote(parts[p]) + " in " +
                                     expr->type.ToString() + (s ? ". Did you mean " + Backquote(*s) + "?" : ""));
    }
    SLUICE_ASSIGN_OR_RETURN(expr, BindScalarFunction("get_field", {expr, MakeLiteral(Value::String(parts[p]))}));
  }
  return expr;
}

// `x + INTERVAL ...`, `INTERVAL ... + x`, `x - INTERVAL ...` (a day-time
// interval of interval_micros): DATE plus whole days stays a DATE (date_add /
// date_sub), as Spark's DateAdd over a DAY interval; anything else is cast to
// TIMESTAMP and shifted by the microseconds (Spark's TimeAdd).
static Result<ExprPtr> BindIntervalArithmetic(const ParsedExpr& e,
                                              const std::function<Result<ExprPtr>(const ParsedExpr&)>& child) {
  bool interval_first = e.args[0]->kind == ast::ExprKind::kInterval;
  const ParsedExpr& iv = interval_first ? *e.args[0] : *e.args[1];
  const ParsedExpr& other = interval_first ? *e.args[1] : *e.args[0];
  if (other.kind == ast::ExprKind::kInterval) {
    return Status::AnalysisError("adding two INTERVAL literals is not supported; write one INTERVAL");
  }
  SLUICE_ASSIGN_OR_RETURN(ExprPtr x, child(other));
  bool sub = e.name == "-";
  int64_t micros = iv.interval_micros;
  if (x->type.id() == TypeId::kDate && micros % kMicrosPerDay == 0 &&
      micros / kMicrosPerDay <= std::numeric_limits<int32_t>::max() &&
      micros / kMicrosPerDay >= std::numeric_limits<int32_t>::min()) {
    auto days = static_cast<int32_t>(micros / kMicrosPerDay);
    return BindScalarFunction(sub ? "date_sub" : "date_add", {x, MakeLiteral(Value::Int(days))});
  }
  TypeId t = x->type.id();
  if (t != TypeId::kTimestamp && t != TypeId::kDate && t != TypeId::kString && t != TypeId::kNull) {
    return Status::AnalysisError("[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"" + e.ToString() +
                                 "\" due to data type mismatch: the left and right operands of the binary operator "
                                 "have incompatible types (\"" +
                                 x->type.ToString() + "\" and \"INTERVAL\").");
  }
  if (sub) {
    if (micros == std::numeric_limits<int64_t>::min()) return Status::AnalysisError("interval is out of range");
    micros = -micros;
  }
  return BindScalarFunction("timestamp_add_micros", {x, MakeLiteral(Value::Bigint(micros))});
}

Result<ExprPtr> Binder::BindExpression(const ParsedExpr& e, const BindScope& scope) {
  return BindNode(e, scope, [&](const ParsedExpr& c) { return BindExpression(c, scope); });
}

Result<ExprPtr> Binder::BindNode(const ParsedExpr& e, const BindScope& scope, const ChildBinder& child) {
  SLUICE_RETURN_NOT_OK(CheckStack(e.location));
  auto located = [&](Result<ExprPtr> r) -> Result<ExprPtr> {
    if (r.ok() || e.location.line <= 0) return r;
    const Status& st = r.status();
    if (st.message().find('\n') != std::string::npos) return r;  // already located
    std::string msg = st.message() + " at line " + std::to_string(e.location.line) + ", column " +
                      std::to_string(e.location.column);
    return Status(st.code(), msg + "\n" + FormatLocation(sql_, e.location.line, e.location.column));
  };
  switch (e.kind) {
    case ast::ExprKind::kColumnRef: return ResolveColumn(e, scope);
    case ast::ExprKind::kLiteral: return MakeLiteral(e.value);
    case ast::ExprKind::kStar:
      return ErrorAt(e.location, "[INVALID_USAGE_OF_STAR] `*` is only allowed in a SELECT list or in count(*)");
    case ast::ExprKind::kInterval:
      return ErrorAt(e.location, "INTERVAL literals are only supported as arguments of window functions");
    case ast::ExprKind::kCast: {
      SLUICE_ASSIGN_OR_RETURN(auto arg, child(*e.child));
      return located(BindCast(arg, e.target_type, e.try_cast));
    }
    case ast::ExprKind::kFieldAccess: {
      SLUICE_ASSIGN_OR_RETURN(auto base, child(*e.child));
      return located(BindScalarFunction("get_field", {base, MakeLiteral(Value::String(e.name))}));
    }
    case ast::ExprKind::kSubscript: {
      SLUICE_ASSIGN_OR_RETURN(auto base, child(*e.child));
      SLUICE_ASSIGN_OR_RETURN(auto idx, child(*e.index));
      if (base->type.id() == TypeId::kArray) {
        // arr[i] is 0-based, and out of range is INVALID_ARRAY_INDEX (not
        // element_at's INVALID_ARRAY_INDEX_IN_ELEMENT_AT).
        return located(BindScalarFunction("get_array_item", {base, idx}));
      }
      return located(BindScalarFunction("element_at", {base, idx}));
    }
    case ast::ExprKind::kCase: {
      std::vector<ExprPtr> args;
      ExprPtr operand;
      if (e.child) {
        SLUICE_ASSIGN_OR_RETURN(operand, child(*e.child));
      }
      for (const auto& b : e.branches) {
        SLUICE_ASSIGN_OR_RETURN(auto w, child(*b.when));
        if (operand) {
          SLUICE_ASSIGN_OR_RETURN(w, located(BindScalarFunction("=", {operand, w})));
        }
        SLUICE_ASSIGN_OR_RETURN(auto t, child(*b.then));
        args.push_back(std::move(w));
        args.push_back(std::move(t));
      }
      if (e.else_expr) {
        SLUICE_ASSIGN_OR_RETURN(auto el, child(*e.else_expr));
        args.push_back(std::move(el));
      }
      return located(BindScalarFunction("case", std::move(args)));
    }
    case ast::ExprKind::kSubquery: return BindSubquery(e, scope, child);
    case ast::ExprKind::kFunction: {
      if (IsTimeWindowCall(e)) return BindTimeWindowCall(e, scope);
      if (IsAggregateFunction(e.name)) {
        return ErrorAt(e.location, "[UNSUPPORTED_AGGREGATE] aggregate function " + e.name +
                                       "() is not allowed here (only in SELECT, HAVING and ORDER BY of a query)");
      }
      if ((e.name == "+" || e.name == "-") && e.args.size() == 2 &&
          (e.args[1]->kind == ast::ExprKind::kInterval ||
           (e.name == "+" && e.args[0]->kind == ast::ExprKind::kInterval))) {
        return located(BindIntervalArithmetic(e, child));
      }
      std::vector<ExprPtr> args;
      if (e.star_arg && e.args.empty()) {
        // f(*): the columns in scope, as in Spark (to_json(struct(*)),
        // concat(*), hash(*)); the window column a window() call added is
        // not one of them (as in a select list's *).
        for (size_t i = 0; i < scope.columns.size(); ++i) {
          if (scope.columns[i].qualified_only) continue;
          if (time_window_ && i + 1 == scope.columns.size() && scope.columns[i].name == time_window_->column) continue;
          args.push_back(ColumnRefTo(scope.columns, i));
        }
      }
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i == 2 && e.name == "from_json" && e.args.size() == 3) {
          SLUICE_ASSIGN_OR_RETURN(auto options, BindFromJsonOptions(*this, *e.args[2]));
          args.push_back(std::move(options));
          continue;
        }
        SLUICE_ASSIGN_OR_RETURN(auto b, child(*e.args[i]));
        args.push_back(std::move(b));
      }
      if (e.name == "typeof" && args.size() == 1) {
        return MakeLiteral(Value::String(args[0]->type.SimpleString()));
      }
      if (e.name == "between") {
        SLUICE_ASSIGN_OR_RETURN(auto ge, located(BindScalarFunction(">=", {args[0], args[1]})));
        SLUICE_ASSIGN_OR_RETURN(auto le, located(BindScalarFunction("<=", {args[0], args[2]})));
        return BindScalarFunction("and", {ge, le});
      }
      if (!IsScalarFunction(e.name)) {
        auto names = ScalarFunctionNames();
        auto s = SuggestClosest(e.name, names);
        return ErrorAt(e.location, "[UNRESOLVED_ROUTINE] cannot resolve function " + Backquote(e.name) +
                                       " at line " + std::to_string(e.location.line) + ", column " +
                                       std::to_string(e.location.column) +
                                       (s ? ". Did you mean " + Backquote(*s) + "?" : ""));
      }
      return located(BindScalarFunction(e.name, std::move(args)));
    }
  }
  return Status::Internal("unknown expression kind");
}

// ---------------------------------------------------------------------------
// Aggregation

struct Binder::AggContext {
  const BindScope* input;         // the FROM scope
  std::vector<ExprPtr> groups;    // bound over input
  std::vector<std::string> group_names;
  std::vector<LogicalAggregate> aggs;
  std::vector<std::string> agg_names;
  // Select-list aliases usable in HAVING, bound in this context.
  std::vector<std::pair<std::string, ExprPtr>> aliases;

  int ngroups() const { return static_cast<int>(groups.size()); }
};

// Aggregates Spark has that run as others, on rewritten arguments:
// count_if(b) counts CASE WHEN b THEN TRUE END; count(a, b) counts the rows
// where no argument is NULL, count(DISTINCT a, b) the distinct such tuples
// (a STRUCT of the arguments); bool_and / bool_or of a NULL literal is over
// a NULL BOOLEAN. Argument types are checked by BindAggregate.
Status Binder::RewriteAggregateArguments(const ParsedExpr& e, std::vector<ExprPtr>* args) {
  auto located = [&](Result<ExprPtr> r) -> Result<ExprPtr> {
    if (!r.ok()) return ErrorAt(e.location, r.status().message());
    return r;
  };
  static constexpr std::string_view kBooleanAggregates[] = {"count_if", "bool_and", "every",
                                                            "bool_or",  "some",     "any"};
  bool boolean_aggregate = false;
  for (std::string_view b : kBooleanAggregates) boolean_aggregate |= e.name == b;
  if (boolean_aggregate && args->size() == 1 && (*args)[0]->type.is_null()) {
    (*args)[0] = MakeLiteral(Value::Null(DataType::Boolean()));
  }
  if (e.name == "count_if" && args->size() == 1 && (*args)[0]->type.id() == TypeId::kBoolean) {
    SLUICE_ASSIGN_OR_RETURN((*args)[0],
                            located(BindScalarFunction("case", {(*args)[0], MakeLiteral(Value::Boolean(true))})));
  }
  if (e.name == "count" && !e.star_arg && args->size() > 1) {
    ExprPtr none_null;
    std::vector<ExprPtr> fields;
    for (size_t i = 0; i < args->size(); ++i) {
      SLUICE_ASSIGN_OR_RETURN(auto set, located(BindScalarFunction("isnotnull", {(*args)[i]})));
      if (none_null) {
        SLUICE_ASSIGN_OR_RETURN(none_null, located(BindScalarFunction("and", {none_null, set})));
      } else {
        none_null = set;
      }
      fields.push_back(MakeLiteral(Value::String("col" + std::to_string(i + 1))));
      fields.push_back((*args)[i]);
    }
    ExprPtr counted = MakeLiteral(Value::Boolean(true));
    if (e.distinct) {
      SLUICE_ASSIGN_OR_RETURN(counted, located(BindScalarFunction("named_struct", fields)));
    }
    SLUICE_ASSIGN_OR_RETURN(auto one, located(BindScalarFunction("case", {none_null, counted})));
    *args = {one};
  }
  return Status::OK();
}

Result<ExprPtr> Binder::BindInAggContext(const ParsedExpr& e, AggContext* ctx) {
  if (e.kind == ast::ExprKind::kFunction && IsAggregateFunction(e.name)) {
    std::vector<ExprPtr> args;
    for (const auto& a : e.args) {
      if (ContainsAggregate(*a)) {
        return ErrorAt(a->location, "[NESTED_AGGREGATE_FUNCTION] an aggregate function cannot take "
                                    "another aggregate as its argument: " + e.ToString());
      }
      SLUICE_ASSIGN_OR_RETURN(auto b, BindExpression(*a, *ctx->input));
      args.push_back(std::move(b));
    }
    SLUICE_RETURN_NOT_OK(RewriteAggregateArguments(e, &args));
    std::vector<DataType> types;
    for (const auto& a : args) types.push_back(a->type);
    ExprPtr arg;
    bool star = e.star_arg;
    // count(1), count(*): rows.
    if (e.name == "count" && !e.distinct && args.size() == 1 && args[0]->kind == ExprKind::kLiteral &&
        !args[0]->literal.is_null()) {
      star = true;
    }
    if (star) types.clear();
    std::vector<std::string> arg_sql;
    for (const auto& a : e.args) arg_sql.push_back(a->ToString());
    if (args.size() != e.args.size()) arg_sql.clear();  // rewritten: name the types
    auto call = BindAggregate(e.name, types, e.distinct, arg_sql);
    if (!call.ok()) return ErrorAt(e.location, call.status().message());
    if (!star && !args.empty()) {
      arg = args[0];
      if (args.size() > 1) {
        // first(x, ignoreNulls): the flag must be a constant.
        if (args[1]->kind == ExprKind::kLiteral && args[1]->type.id() == TypeId::kBoolean &&
            !args[1]->literal.is_null()) {
          call->ignore_nulls = args[1]->literal.bool_value();
        }
      }
    }
    // The same aggregate written twice is computed once. Arguments are
    // compared as bound expressions (column indexes), not as text: max(a.x)
    // and max(b.x) of a self join are two aggregates.
    for (size_t i = 0; i < ctx->aggs.size(); ++i) {
      const LogicalAggregate& seen = ctx->aggs[i];
      if (seen.call.kind == call->kind && seen.call.name == call->name && seen.call.distinct == call->distinct &&
          seen.call.ignore_nulls == call->ignore_nulls && (seen.arg == nullptr) == (arg == nullptr) &&
          (arg == nullptr || SemanticallyEqual(*seen.arg, *arg))) {
        return MakeColumnRef(ctx->ngroups() + static_cast<int>(i), seen.call.result_type, ctx->agg_names[i]);
      }
    }
    ctx->aggs.push_back(LogicalAggregate{*call, arg});
    ctx->agg_names.push_back(e.ToString());
    return MakeColumnRef(ctx->ngroups() + static_cast<int>(ctx->aggs.size() - 1), call->result_type,
                         ctx->agg_names.back());
  }
  if (!ContainsAggregate(e)) {
    auto bound = BindExpression(e, *ctx->input);
    if (bound.ok()) {
      for (int g = 0; g < ctx->ngroups(); ++g) {
        if (SemanticallyEqual(*ctx->groups[static_cast<size_t>(g)], **bound)) {
          return MakeColumnRef(g, (*bound)->type, ctx->group_names[static_cast<size_t>(g)],
                               (*bound)->nullable);
        }
      }
      std::vector<int> cols;
      CollectColumns(**bound, &cols);
      if (cols.empty()) return *bound;
    } else if (e.kind == ast::ExprKind::kColumnRef) {
      if (e.parts.size() == 1) {
        for (const auto& [alias, expr] : ctx->aliases) {
          if (EqualsIgnoreCase(alias, e.parts[0])) return expr;
        }
      }
      return bound.status();
    }
    if (e.kind == ast::ExprKind::kColumnRef && bound.ok()) {
      // A field of a grouping STRUCT (window.start when grouping by
      // window(...)): the field of the group's column.
      bool other_column = false;
      ExprPtr over_groups = RewriteExpr(*bound, [&](const Expr& x) -> ExprPtr {
        for (int g = 0; g < ctx->ngroups(); ++g) {
          if (SemanticallyEqual(*ctx->groups[static_cast<size_t>(g)], x)) {
            return MakeColumnRef(g, x.type, ctx->group_names[static_cast<size_t>(g)], x.nullable);
          }
        }
        if (x.kind == ExprKind::kColumnRef) other_column = true;
        return nullptr;
      });
      if (!other_column) return over_groups;
    }
    if (e.kind == ast::ExprKind::kColumnRef) {
      return ErrorAt(e.location, "[MISSING_AGGREGATION] column " + Backquote(JoinParts(e.parts)) +
                                     " at line " + std::to_string(e.location.line) + ", column " +
                                     std::to_string(e.location.column) +
                                     " is neither in GROUP BY nor inside an aggregate function; add it to "
                                     "GROUP BY or wrap it in an aggregate such as first()");
    }
  }
  // A composite expression: bind its parts in aggregate context. A subquery
  // in it sees the FROM columns only to tell a correlated subquery from a
  // misspelt column in its error.
  BindScope empty;
  const BindScope* saved = aggregate_input_;
  aggregate_input_ = ctx->input;
  auto bound = BindNode(e, empty, [&](const ParsedExpr& c) { return BindInAggContext(c, ctx); });
  aggregate_input_ = saved;
  return bound;
}

// ---------------------------------------------------------------------------
// Subqueries

namespace {

bool HasOuterRef(const Expr& e) {
  if (e.kind == ExprKind::kColumnRef) return e.column_index >= kOuterColumnBase;
  for (const auto& a : e.args) {
    if (HasOuterRef(*a)) return true;
  }
  return false;
}

// Rewrites a predicate bound over (inner columns + marked outer refs) to the
// join's input row: outer columns first, then the `n_outer`-shifted inner.
ExprPtr ToJoinRow(const ExprPtr& e, int n_outer) {
  if (e->kind == ExprKind::kColumnRef) {
    auto c = std::make_shared<Expr>(*e);
    c->column_index = e->column_index >= kOuterColumnBase ? e->column_index - kOuterColumnBase
                                                          : e->column_index + n_outer;
    return c;
  }
  if (e->args.empty()) return e;
  auto c = std::make_shared<Expr>(*e);
  for (auto& a : c->args) a = ToJoinRow(a, n_outer);
  return c;
}

}  // namespace

Result<ExprPtr> Binder::BindSubquery(const ParsedExpr& e, const BindScope& scope, const ChildBinder& child) {
  if (!subquery_runner_) {
    return ErrorAt(e.location, "[UNSUPPORTED_SUBQUERY_EXPRESSION] subqueries are not supported here");
  }
  // Bound without access to outer columns: a correlated subquery fails to
  // resolve its outer reference here (only [NOT] EXISTS and IN directly in
  // WHERE may be correlated; see TryBindCorrelatedExists).
  auto plan = BindUncorrelated(e.subquery);
  if (!plan.ok()) {
    if (plan.status().message().find("[UNRESOLVED_COLUMN]") != std::string::npos) {
      // Does the column resolve in the query around it? Then the subquery is
      // correlated, which is supported only in WHERE (see above).
      const BindScope& outer = scope.columns.empty() && aggregate_input_ != nullptr ? *aggregate_input_ : scope;
      std::string outer_column = OuterColumnOf(*e.subquery, outer);
      if (!outer_column.empty()) {
        return ErrorAt(e.location,
                       "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] correlated subqueries are not supported here: "
                       "this subquery refers to " + outer_column + " of the outer query. Sluice supports a "
                       "correlated [NOT] EXISTS or IN only as a condition of WHERE (alone or AND-ed with others); "
                       "rewrite the subquery as a join (for a scalar subquery: a LEFT JOIN to the subquery "
                       "grouped by the correlated columns)");
      }
    }
    return plan.status();
  }
  if (e.subquery_kind == ast::SubqueryKind::kExists) {
    SLUICE_ASSIGN_OR_RETURN(auto batches, subquery_runner_(MakeLimit(*plan, 1, 0)));
    bool any = false;
    for (const auto& b : batches) any |= b.num_rows > 0;
    return MakeLiteral(Value::Boolean(any));
  }
  if ((*plan)->output.size() != 1) {
    return ErrorAt(e.location, "[INVALID_SUBQUERY_EXPRESSION] a subquery used as a value must return one column, "
                               "but it returns " + std::to_string((*plan)->output.size()));
  }
  const DataType type = (*plan)->output[0].type;
  SLUICE_ASSIGN_OR_RETURN(auto batches, subquery_runner_(*plan));
  std::vector<Value> values;
  for (const auto& b : batches) {
    for (size_t i = 0; i < b.num_rows; ++i) values.push_back(b.columns[0].GetValue(i));
  }
  if (e.subquery_kind == ast::SubqueryKind::kScalar) {
    if (values.size() > 1) {
      return Status::ExecutionError("[SCALAR_SUBQUERY_TOO_MANY_ROWS] more than one row returned by a subquery used "
                                    "as an expression (at line " + std::to_string(e.location.line) + ", column " +
                                    std::to_string(e.location.column) + ")");
    }
    return MakeLiteral(values.empty() || values[0].is_null() ? Value::Null(type) : values[0]);
  }
  // x IN (subquery): x IN (v1, v2, ...) with the subquery's distinct values.
  SLUICE_ASSIGN_OR_RETURN(auto tested, child(*e.child));
  if (values.empty()) return MakeLiteral(Value::Boolean(false));
  std::vector<ExprPtr> args = {tested};
  std::set<std::string> seen;
  bool has_null = false;
  for (auto& v : values) {
    if (v.is_null()) {
      has_null = true;
      continue;
    }
    if (seen.insert(v.ToSqlLiteral()).second) args.push_back(MakeLiteral(std::move(v)));
  }
  if (has_null) args.push_back(MakeLiteral(Value::Null(type)));
  auto bound = BindScalarFunction("in", std::move(args));
  if (!bound.ok()) return ErrorAt(e.location, bound.status().message());
  return bound;
}

std::string Binder::OuterColumnOf(const ast::QueryNode& query, const BindScope& outer) {
  if (outer.columns.empty()) return "";
  const BindScope* saved_outer = outer_scope_;
  bool saved_used = used_outer_;
  std::string saved_name = outer_column_name_;
  outer_scope_ = &outer;
  used_outer_ = false;
  outer_column_name_.clear();
  Result<LogicalPlanPtr> plan = BindQuery(query);
  std::string name = plan.ok() && used_outer_ ? outer_column_name_ : "";
  outer_scope_ = saved_outer;
  used_outer_ = saved_used;
  outer_column_name_ = saved_name;
  return name;
}

Result<LogicalPlanPtr> Binder::BindUncorrelated(const ast::QueryNodePtr& query) {
  auto it = uncorrelated_.find(query);
  if (it != uncorrelated_.end()) return it->second;
  const BindScope* saved_outer = outer_scope_;
  outer_scope_ = nullptr;
  Result<LogicalPlanPtr> plan = BindQuery(*query);
  outer_scope_ = saved_outer;
  uncorrelated_.emplace(query, plan);
  return plan;
}

Result<std::optional<LogicalPlanPtr>> Binder::TryBindCorrelatedExists(const ParsedExpr& conjunct,
                                                                      const LogicalPlanPtr& input) {
  bool negated = false;
  const ParsedExpr* e = &conjunct;
  if (e->kind == ast::ExprKind::kFunction && e->name == "not" && e->args.size() == 1) {
    negated = true;
    e = e->args[0].get();
  }
  if (e->kind != ast::ExprKind::kSubquery ||
      (e->subquery_kind != ast::SubqueryKind::kExists && e->subquery_kind != ast::SubqueryKind::kIn)) {
    return std::optional<LogicalPlanPtr>();
  }
  bool in = e->subquery_kind == ast::SubqueryKind::kIn;
  // Uncorrelated EXISTS and IN are ordinary (constant) predicates
  // (BindSubquery takes this plan then).
  if (BindUncorrelated(e->subquery).ok()) return std::optional<LogicalPlanPtr>();
  BindScope outer_columns{input->output};
  if (OuterColumnOf(*e->subquery, outer_columns).empty()) {
    return std::optional<LogicalPlanPtr>();  // not correlated: BindSubquery reports the error
  }
  if (in && negated) {
    return ErrorAt(e->location, "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] a correlated NOT IN subquery is not "
                                "supported (its NULL rules need a null-aware anti join); if neither side can be "
                                "NULL, write NOT EXISTS (SELECT ... WHERE <correlation> AND <column> = <value>)");
  }
  const auto& q = *e->subquery;
  if (in && (q.limit || q.offset)) {
    return ErrorAt(e->location, "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] a correlated IN subquery may not have "
                                "LIMIT or OFFSET");
  }
  if (q.kind != ast::QueryKind::kSelect || !q.ctes.empty()) {
    return ErrorAt(e->location, "[UNSUPPORTED_SUBQUERY_EXPRESSION] a correlated EXISTS subquery must be a plain "
                                "SELECT ... FROM ... WHERE ...");
  }
  const auto& sel = static_cast<const ast::SelectNode&>(q);
  if (!sel.from || !sel.group_by.empty() || sel.having || sel.group_by_all) {
    return ErrorAt(e->location, std::string("[UNSUPPORTED_SUBQUERY_EXPRESSION] a correlated ") +
                                    (in ? "IN" : "EXISTS") +
                                    " subquery must be a plain SELECT ... FROM ... WHERE ... (no GROUP BY or "
                                    "HAVING)");
  }
  if (in) {
    bool one_value = sel.select_list.size() == 1 && sel.select_list[0].expr->kind != ast::ExprKind::kStar;
    if (!one_value || ContainsAggregate(*sel.select_list[0].expr)) {
      return ErrorAt(e->location, "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] a correlated IN subquery must "
                                  "select one value, without aggregate functions");
    }
  }
  SLUICE_ASSIGN_OR_RETURN(auto inner, BindTableRef(*sel.from));
  int n_outer = static_cast<int>(input->output.size());
  BindScope outer{input->output};
  BindScope inner_scope{inner->output};
  std::vector<ast::ParsedExprPtr> parts;
  std::function<void(const ast::ParsedExprPtr&)> split = [&](const ast::ParsedExprPtr& c) {
    if (c->kind == ast::ExprKind::kFunction && c->name == "and" && c->args.size() == 2) {
      split(c->args[0]);
      split(c->args[1]);
    } else {
      parts.push_back(c);
    }
  };
  if (sel.where) split(sel.where);
  std::vector<ExprPtr> local, correlated;
  const BindScope* saved = outer_scope_;
  outer_scope_ = &outer;
  for (const auto& p : parts) {
    used_outer_ = false;
    auto b = BindExpression(*p, inner_scope);
    if (!b.ok()) {
      outer_scope_ = saved;
      return b.status();
    }
    (HasOuterRef(**b) ? correlated : local).push_back(*b);
  }
  // x IN (SELECT y ...): the join also needs x = y (x over the outer row,
  // y over the subquery's, which may refer to the outer row too).
  ExprPtr in_value;
  if (in) {
    auto b = BindExpression(*sel.select_list[0].expr, inner_scope);
    if (!b.ok()) {
      outer_scope_ = saved;
      return b.status();
    }
    in_value = *b;
  }
  outer_scope_ = saved;
  if (correlated.empty() && !in) return std::optional<LogicalPlanPtr>();
  SLUICE_ASSIGN_OR_RETURN(auto local_cond, CombineConjuncts(local));
  if (local_cond) inner = MakeFilter(inner, local_cond);
  std::vector<ExprPtr> join_conj;
  if (in) {
    SLUICE_ASSIGN_OR_RETURN(auto tested, BindExpression(*e->child, outer));
    auto eq = BindScalarFunction("=", {tested, ToJoinRow(in_value, n_outer)});
    if (!eq.ok()) return ErrorAt(e->location, eq.status().message());
    join_conj.push_back(*eq);
  }
  for (const auto& c : correlated) join_conj.push_back(ToJoinRow(c, n_outer));
  SLUICE_ASSIGN_OR_RETURN(auto cond, CombineConjuncts(join_conj));
  return std::optional<LogicalPlanPtr>(
      MakeJoin(input, inner, negated ? JoinType::kLeftAnti : JoinType::kLeftSemi, cond));
}

// ---------------------------------------------------------------------------
// Queries

Result<int64_t> Binder::BindConstantInt(const ParsedExpr& e, const char* what) {
  BindScope empty;
  SLUICE_ASSIGN_OR_RETURN(auto b, BindExpression(e, empty));
  SLUICE_ASSIGN_OR_RETURN(auto f, FoldExpression(b));
  if (f->kind != ExprKind::kLiteral || !f->type.is_integral() || f->literal.is_null()) {
    return ErrorAt(e.location, std::string("[INVALID_LIMIT_LIKE_EXPRESSION] ") + what +
                                   " must be a constant integer, got " + e.ToString());
  }
  int64_t v = f->type.id() == TypeId::kInt ? f->literal.int_value() : f->literal.bigint_value();
  if (v < 0) {
    return ErrorAt(e.location, std::string("[INVALID_LIMIT_LIKE_EXPRESSION] ") + what +
                                   " must not be negative, got " + std::to_string(v));
  }
  return v;
}

Result<LogicalPlanPtr> Binder::BindQuery(const ast::QueryNode& query) {
  SLUICE_RETURN_NOT_OK(CheckStack(query.location));
  bool pushed = false;
  if (!query.ctes.empty()) {
    ctes_.emplace_back();
    pushed = true;
    for (const auto& cte : query.ctes) {
      auto plan = BindQuery(*cte.query);
      if (!plan.ok()) {
        ctes_.pop_back();
        return plan.status();
      }
      ctes_.back()[ToLower(cte.name)] = Requalify(*plan, cte.name, cte.column_aliases);
    }
  }
  Result<LogicalPlanPtr> result = Status::Internal("unbound query");
  switch (query.kind) {
    case ast::QueryKind::kSelect: result = BindSelectNode(static_cast<const ast::SelectNode&>(query)); break;
    case ast::QueryKind::kSetOperation: {
      result = BindSetOperation(static_cast<const ast::SetOperationNode&>(query));
      if (result.ok()) result = ApplyModifiers(query, *result, nullptr);
      break;
    }
    case ast::QueryKind::kValues: {
      result = BindValues(static_cast<const ast::ValuesNode&>(query).rows, {}, query.location);
      if (result.ok()) result = ApplyModifiers(query, *result, nullptr);
      break;
    }
  }
  if (pushed) ctes_.pop_back();
  return result;
}

Result<LogicalPlanPtr> Binder::BindValues(const std::vector<std::vector<ast::ParsedExprPtr>>& rows,
                                          const std::vector<std::string>& names,
                                          const ast::SourceLocation& loc) {
  if (rows.empty()) return ErrorAt(loc, "VALUES needs at least one row");
  size_t ncols = rows[0].size();
  std::vector<std::vector<ExprPtr>> bound;
  BindScope empty;
  for (const auto& r : rows) {
    if (r.size() != ncols) {
      return ErrorAt(loc, "[INVALID_INLINE_TABLE] all rows of VALUES must have the same number of columns: "
                          "the first has " + std::to_string(ncols) + ", another has " + std::to_string(r.size()));
    }
    std::vector<ExprPtr> br;
    for (const auto& x : r) {
      SLUICE_ASSIGN_OR_RETURN(auto b, BindExpression(*x, empty));
      auto folded = FoldExpression(b);
      if (!folded.ok()) {
        return ErrorAt(x->location, "[INVALID_INLINE_TABLE.FAILED_SQL_EXPRESSION_EVALUATION] the VALUES entry " +
                                        x->ToString() + " cannot be evaluated: " + folded.status().message());
      }
      b = *folded;
      if (b->kind != ExprKind::kLiteral) {
        return ErrorAt(x->location, "[INVALID_INLINE_TABLE] VALUES entries must be constant: " + x->ToString());
      }
      br.push_back(std::move(b));
    }
    bound.push_back(std::move(br));
  }
  std::vector<LogicalColumn> out;
  for (size_t c = 0; c < ncols; ++c) {
    DataType t = bound[0][c]->type;
    for (size_t r = 1; r < bound.size(); ++r) {
      auto ct = CommonType(t, bound[r][c]->type);
      if (!ct.ok()) return ErrorAt(loc, "[INVALID_INLINE_TABLE] column " + std::to_string(c + 1) + " of VALUES: " + ct.status().message());
      t = *ct;
    }
    std::string name = c < names.size() ? names[c] : "col" + std::to_string(c + 1);
    out.push_back({name, "", t.is_null() ? DataType::Null() : t, true});
  }
  Batch batch;
  batch.num_rows = bound.size();
  for (size_t c = 0; c < ncols; ++c) {
    Vector v(out[c].type, 0);
    for (size_t r = 0; r < bound.size(); ++r) {
      ExprPtr x = bound[r][c];
      if (x->type != out[c].type && !x->literal.is_null()) {
        SLUICE_ASSIGN_OR_RETURN(x, BindCast(x, out[c].type));
        SLUICE_ASSIGN_OR_RETURN(x, FoldExpression(x));
      }
      v.AppendValue(x->literal.is_null() ? Value::Null(out[c].type) : x->literal);
    }
    batch.columns.push_back(std::move(v));
  }
  return MakeValues(std::move(out), {std::move(batch)});
}

Result<LogicalPlanPtr> Binder::BindSetOperation(const ast::SetOperationNode& node) {
  SLUICE_ASSIGN_OR_RETURN(auto left, BindQuery(*node.left));
  SLUICE_ASSIGN_OR_RETURN(auto right, BindQuery(*node.right));
  if (node.op != ast::SetOpType::kUnion) {
    return ErrorAt(node.location, "[UNSUPPORTED_FEATURE] INTERSECT and EXCEPT are not supported yet; "
                                  "use a LEFT SEMI or LEFT ANTI join");
  }
  if (left->output.size() != right->output.size()) {
    return ErrorAt(node.location, "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same "
                                  "number of columns, but the first input has " +
                                      std::to_string(left->output.size()) + " columns and the second input has " +
                                      std::to_string(right->output.size()) + " columns");
  }
  // Widen each column to the common type.
  std::vector<DataType> types;
  for (size_t i = 0; i < left->output.size(); ++i) {
    auto t = CommonType(left->output[i].type, right->output[i].type);
    if (!t.ok()) {
      return ErrorAt(node.location, "[INCOMPATIBLE_COLUMN_TYPE] UNION column " + std::to_string(i + 1) + " (" +
                                        Backquote(left->output[i].name) + ") has incompatible types " +
                                        left->output[i].type.ToString() + " and " +
                                        right->output[i].type.ToString());
    }
    types.push_back(*t);
  }
  auto widen = [&](const LogicalPlanPtr& p) -> Result<LogicalPlanPtr> {
    bool same = true;
    for (size_t i = 0; i < types.size(); ++i) same &= p->output[i].type == types[i];
    if (same) return p;
    std::vector<ExprPtr> exprs;
    std::vector<LogicalColumn> out;
    for (size_t i = 0; i < types.size(); ++i) {
      ExprPtr c = ColumnRefTo(p->output, i);
      if (c->type != types[i]) {
        SLUICE_ASSIGN_OR_RETURN(c, BindCast(c, types[i]));
      }
      exprs.push_back(c);
      LogicalColumn col = p->output[i];
      col.type = types[i];
      out.push_back(col);
    }
    return MakeProject(p, std::move(exprs), std::move(out));
  };
  SLUICE_ASSIGN_OR_RETURN(left, widen(left));
  SLUICE_ASSIGN_OR_RETURN(right, widen(right));
  LogicalPlanPtr u = MakeUnion({left, right});
  if (!node.all) u = MakeDistinct(u);
  return u;
}

Result<LogicalPlanPtr> Binder::BindTableRef(const ast::TableRef& ref) {
  SLUICE_RETURN_NOT_OK(CheckStack(ref.location));
  switch (ref.kind) {
    case ast::TableRefKind::kBaseTable: {
      const auto& bt = static_cast<const ast::BaseTableRef&>(ref);
      std::string name = JoinParts(bt.name);
      std::string qualifier = ref.alias ? *ref.alias : bt.name.back();
      for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
        auto f = it->find(ToLower(name));
        if (f != it->end()) return Requalify(f->second, qualifier, {});
      }
      auto entry = catalog_->Find(name);
      if (!entry) {
        std::vector<std::string> names = catalog_->Names();
        for (const auto& scope : ctes_) {
          for (const auto& [k, v] : scope) names.push_back(k);
        }
        auto s = SuggestClosest(name, names);
        return ErrorAt(ref.location, "[TABLE_OR_VIEW_NOT_FOUND] table or view " + Backquote(name) +
                                         " cannot be found at line " + std::to_string(ref.location.line) +
                                         ", column " + std::to_string(ref.location.column) +
                                         (s ? ". Did you mean " + Backquote(*s) + "?" : ""));
      }
      if (entry->view) return Requalify(entry->view, qualifier, {});
      return MakeScan(entry->table, name, qualifier);
    }
    case ast::TableRefKind::kSubquery: {
      const auto& sq = static_cast<const ast::SubqueryRef&>(ref);
      SLUICE_ASSIGN_OR_RETURN(auto plan, BindQuery(*sq.query));
      if (!ref.column_aliases.empty() && ref.column_aliases.size() != plan->output.size()) {
        return ErrorAt(ref.location, "subquery alias lists " + std::to_string(ref.column_aliases.size()) +
                                         " columns but the subquery returns " +
                                         std::to_string(plan->output.size()));
      }
      return Requalify(plan, ref.alias ? *ref.alias : "", ref.column_aliases);
    }
    case ast::TableRefKind::kJoin: return BindJoin(static_cast<const ast::JoinRef&>(ref));
    case ast::TableRefKind::kWatermark: {
      const auto& w = static_cast<const ast::WatermarkRef&>(ref);
      SLUICE_ASSIGN_OR_RETURN(auto input, BindTableRef(*w.input));
      return BindWatermark(std::move(input), *w.column, *w.delay);
    }
    case ast::TableRefKind::kDropDuplicates: {
      const auto& d = static_cast<const ast::DropDuplicatesRef&>(ref);
      SLUICE_ASSIGN_OR_RETURN(auto input, BindTableRef(*d.input));
      return BindDropDuplicates(std::move(input), d.columns, d.within_watermark);
    }
    case ast::TableRefKind::kValues: {
      const auto& vr = static_cast<const ast::ValuesRef&>(ref);
      SLUICE_ASSIGN_OR_RETURN(auto plan, BindValues(vr.rows, ref.column_aliases, ref.location));
      return Requalify(plan, ref.alias ? *ref.alias : "", ref.column_aliases);
    }
    case ast::TableRefKind::kTableFunction: {
      const auto& tf = static_cast<const ast::TableFunctionRef&>(ref);
      if (tf.name == "read_statestore") {
        // read_statestore(path [, operatorId [, batchId [, storeName]]] [, name => value...]): the
        // `statestore` table format (Spark's state data source) over a checkpoint.
        static const char* const kPositional[] = {"path", "operatorId", "batchId", "storeName"};
        std::map<std::string, std::string> options;
        std::vector<std::string> paths;
        for (size_t i = 0; i < tf.args.size(); ++i) {
          std::string name = i < tf.arg_names.size() ? tf.arg_names[i] : "";
          if (name.empty() && i >= 4) {
            return ErrorAt(tf.args[i]->location,
                           "read_statestore takes at most 4 unnamed arguments (path, operatorId, batchId, "
                           "storeName); name the others (joinSide => 'left')");
          }
          if (name.empty()) name = kPositional[i];
          if (EqualsIgnoreCase(name, "operator")) name = "operatorId";
          BindScope empty;
          SLUICE_ASSIGN_OR_RETURN(auto b, BindExpression(*tf.args[i], empty));
          SLUICE_ASSIGN_OR_RETURN(auto f, FoldExpression(b));
          if (f->kind != ExprKind::kLiteral || f->literal.is_null()) {
            return ErrorAt(tf.args[i]->location, "read_statestore argument " + name + " must be a constant, got " +
                                                     tf.args[i]->ToString());
          }
          if (EqualsIgnoreCase(name, "path")) {
            paths.push_back(f->literal.ToString());
          } else if (std::any_of(options.begin(), options.end(),
                                 [&](const auto& o) { return EqualsIgnoreCase(o.first, name); })) {
            return ErrorAt(tf.args[i]->location, "read_statestore argument " + name + " is given twice");
          } else {
            options[name] = f->literal.ToString();
          }
        }
        if (paths.empty()) {
          return ErrorAt(ref.location,
                         "read_statestore needs the checkpoint location: read_statestore('/ck', operatorId => 0)");
        }
        auto table = BuiltinConnectors().MakeTable("statestore", options, paths, std::nullopt);
        if (!table.ok()) return table.status().WithContext("read_statestore");
        return MakeScan(*table, "read_statestore", ref.alias ? *ref.alias : "read_statestore");
      }
      if (tf.name != "range") {
        return ErrorAt(ref.location, "[UNRESOLVED_ROUTINE] unknown table-valued function " + Backquote(tf.name) +
                                         "; supported: range(end), range(start, end[, step]), "
                                         "read_statestore(path, operatorId => n)");
      }
      for (const auto& n : tf.arg_names) {
        if (!n.empty()) return ErrorAt(ref.location, "range() takes no named arguments (" + n + " => ...)");
      }
      std::vector<int64_t> a;
      for (const auto& x : tf.args) {
        SLUICE_ASSIGN_OR_RETURN(auto v, BindConstantInt(*x, "a range() argument"));
        a.push_back(v);
      }
      if (a.empty() || a.size() > 3) return ErrorAt(ref.location, "range() takes 1 to 3 arguments");
      int64_t start = a.size() == 1 ? 0 : a[0], end = a.size() == 1 ? a[0] : a[1], step = a.size() == 3 ? a[2] : 1;
      if (step == 0) return ErrorAt(ref.location, "range() step must not be 0");
      std::vector<Batch> batches;
      Vector v(DataType::Bigint(), 0);
      for (int64_t x = start; step > 0 ? x < end : x > end; x += step) {
        v.AppendValue(Value::Bigint(x));
        if (v.size() == kBatchSize) {
          batches.emplace_back(std::vector<Vector>{v}, v.size());
          v = Vector(DataType::Bigint(), 0);
        }
      }
      if (v.size() > 0) batches.emplace_back(std::vector<Vector>{v}, v.size());
      std::vector<LogicalColumn> out = {{"id", ref.alias ? *ref.alias : "", DataType::Bigint(), false}};
      return MakeValues(std::move(out), std::move(batches));
    }
  }
  return Status::Internal("unknown table ref");
}

Result<LogicalPlanPtr> Binder::BindDropDuplicates(LogicalPlanPtr input, const std::vector<ast::ParsedExprPtr>& columns,
                                                  bool within_watermark) {
  std::vector<int> keys;
  for (const auto& c : columns) {
    SLUICE_ASSIGN_OR_RETURN(ExprPtr e, BindExpression(*c, BindScope{input->output}));
    if (e->kind != ExprKind::kColumnRef) {
      return ErrorAt(c->location, "DROP DUPLICATES takes columns of its input, got " + Backquote(c->ToString()) +
                                      " at line " + std::to_string(c->location.line) + ", column " +
                                      std::to_string(c->location.column));
    }
    if (std::find(keys.begin(), keys.end(), e->column_index) == keys.end()) keys.push_back(e->column_index);
  }
  if (columns.empty()) {
    for (size_t i = 0; i < input->output.size(); ++i) keys.push_back(static_cast<int>(i));
  }
  return MakeDeduplicate(std::move(input), std::move(keys), within_watermark);
}

Result<LogicalPlanPtr> Binder::BindWatermark(LogicalPlanPtr input, const ast::ParsedExpr& column,
                                             const ast::ParsedExpr& delay) {
  SLUICE_ASSIGN_OR_RETURN(ExprPtr e, BindExpression(column, BindScope{input->output}));
  if (e->kind != ExprKind::kColumnRef) {
    return ErrorAt(column.location, "the event time of a watermark must be a column of its input, got " +
                                        Backquote(column.ToString()));
  }
  const LogicalColumn& c = input->output[static_cast<size_t>(e->column_index)];
  if (c.type.id() != TypeId::kTimestamp) {
    return ErrorAt(column.location, "[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time " + Backquote(c.name) +
                                        " has the invalid type \"" + c.type.ToString() +
                                        "\", but expected \"TIMESTAMP\".");
  }
  int64_t micros = 0;
  std::string text;
  if (delay.kind == ast::ExprKind::kInterval) {
    micros = delay.interval_micros;
    text = delay.text;
  } else if (delay.kind == ast::ExprKind::kLiteral && delay.value.type().id() == TypeId::kString) {
    // withWatermark("ts", "10 seconds"): the string read as INTERVAL '...'.
    text = delay.value.ToString();
    std::string body = text;
    size_t start = body.find_first_not_of(' ');
    if (start != std::string::npos && body.size() >= start + 9 && EqualsIgnoreCase(body.substr(start, 9), "interval ")) {
      body = body.substr(start + 9);
    }
    auto parsed = ParseStatements("SELECT INTERVAL " + Value::String(body).ToSqlLiteral());
    const ast::ParsedExpr* iv = nullptr;
    if (parsed.ok() && parsed->size() == 1) {
      const auto* q = dynamic_cast<const ast::SelectNode*>((*parsed)[0]->As<ast::SelectStatement>().query.get());
      if (q && q->select_list.size() == 1 && q->select_list[0].expr->kind == ast::ExprKind::kInterval) {
        iv = q->select_list[0].expr.get();
      }
    }
    if (iv == nullptr) {
      return ErrorAt(delay.location, "[INVALID_INTERVAL_FORMAT] cannot parse the watermark delay '" + text +
                                         "' as an interval; write it like '10 seconds' or '1 minute 30 seconds'");
    }
    micros = iv->interval_micros;
  } else {
    return ErrorAt(delay.location, "the delay of a watermark must be an interval (DELAY OF INTERVAL 10 SECONDS), got " +
                                       delay.ToString());
  }
  if (micros < 0) {
    return ErrorAt(delay.location, "delay threshold (" + text + ") should not be negative.");
  }
  return MakeWatermark(std::move(input), e->column_index, micros / 1000);
}

Result<LogicalPlanPtr> Binder::BindJoin(const ast::JoinRef& ref) {
  SLUICE_ASSIGN_OR_RETURN(auto left, BindTableRef(*ref.left));
  SLUICE_ASSIGN_OR_RETURN(auto right, BindTableRef(*ref.right));
  JoinType type = JoinType::kInner;
  switch (ref.type) {
    case ast::JoinType::kInner: type = JoinType::kInner; break;
    case ast::JoinType::kLeft: type = JoinType::kLeftOuter; break;
    case ast::JoinType::kRight: type = JoinType::kRightOuter; break;
    case ast::JoinType::kFull: type = JoinType::kFullOuter; break;
    case ast::JoinType::kLeftSemi: type = JoinType::kLeftSemi; break;
    case ast::JoinType::kLeftAnti: type = JoinType::kLeftAnti; break;
    case ast::JoinType::kCross: type = JoinType::kCross; break;
  }
  if (ref.natural) {
    return ErrorAt(ref.location, "[UNSUPPORTED_FEATURE] NATURAL JOIN is not supported; use USING (columns)");
  }
  BindScope scope;
  scope.columns = left->output;
  for (const auto& c : right->output) scope.columns.push_back(c);
  size_t nl = left->output.size();
  if (!ref.using_columns.empty()) {
    // USING (a, b): equality on each, and the output starts with the USING
    // columns once (coalesced for a full outer join), unqualified, then
    // each side's columns, its own key columns among them reachable only as
    // alias.k and through alias.* (Spark's resolution).
    std::vector<ExprPtr> conj;
    std::vector<std::pair<size_t, size_t>> pairs;
    for (const auto& name : ref.using_columns) {
      BindScope ls{left->output}, rs{right->output};
      auto l = ResolveColumn(*ParsedExpr::ColumnRef({name}, ref.location), ls);
      if (!l.ok()) return ErrorAt(ref.location, "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column " + Backquote(name) + " cannot be resolved on the left side of the join");
      auto r = ResolveColumn(*ParsedExpr::ColumnRef({name}, ref.location), rs);
      if (!r.ok()) return ErrorAt(ref.location, "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column " + Backquote(name) + " cannot be resolved on the right side of the join");
      size_t li = static_cast<size_t>((*l)->column_index), ri = static_cast<size_t>((*r)->column_index);
      pairs.push_back({li, ri});
      SLUICE_ASSIGN_OR_RETURN(auto eq, BindScalarFunction("=", {ColumnRefTo(scope.columns, li), ColumnRefTo(scope.columns, nl + ri)}));
      conj.push_back(eq);
    }
    SLUICE_ASSIGN_OR_RETURN(auto cond, CombineConjuncts(conj));
    if (type == JoinType::kCross) type = JoinType::kInner;
    auto join = MakeJoin(left, right, type, cond);
    if (type == JoinType::kLeftSemi || type == JoinType::kLeftAnti) return join;
    std::vector<ExprPtr> exprs;
    std::vector<LogicalColumn> out;
    std::set<size_t> lused, rused;
    for (auto [li, ri] : pairs) {
      lused.insert(li);
      rused.insert(ri);
      ExprPtr l = ColumnRefTo(join->output, li), r = ColumnRefTo(join->output, nl + ri);
      ExprPtr e = l;
      if (type == JoinType::kRightOuter) e = r;
      if (type == JoinType::kFullOuter) {
        SLUICE_ASSIGN_OR_RETURN(e, BindScalarFunction("coalesce", {l, r}));
      }
      exprs.push_back(e);
      LogicalColumn c = join->output[type == JoinType::kRightOuter ? nl + ri : li];
      c.nullable = e->nullable;
      c.qualifier.clear();
      c.qualified_only = false;
      out.push_back(c);
    }
    for (size_t i = 0; i < nl + right->output.size(); ++i) {
      exprs.push_back(ColumnRefTo(join->output, i));
      out.push_back(join->output[i]);
      if (i < nl ? lused.count(i) : rused.count(i - nl)) out.back().qualified_only = true;
    }
    return MakeProject(join, std::move(exprs), std::move(out));
  }
  ExprPtr cond;
  if (ref.condition) {
    if (ContainsAggregate(*ref.condition)) {
      return ErrorAt(ref.condition->location, "aggregate functions are not allowed in a join condition");
    }
    SLUICE_ASSIGN_OR_RETURN(cond, BindExpression(*ref.condition, scope));
    if (cond->type.id() != TypeId::kBoolean) {
      return ErrorAt(ref.condition->location, "[DATATYPE_MISMATCH] join condition must be BOOLEAN, got " + cond->type.ToString());
    }
    if (type == JoinType::kCross) type = JoinType::kInner;
  } else if (type == JoinType::kInner) {
    type = JoinType::kCross;
  }
  return MakeJoin(left, right, type, cond);
}

Result<std::vector<std::pair<ExprPtr, std::string>>> Binder::BindSelectList(
    const std::vector<ast::SelectItem>& items, const BindScope& scope,
    const std::function<Result<ExprPtr>(const ParsedExpr&)>& bind) {
  std::vector<std::pair<ExprPtr, std::string>> out;
  for (const auto& item : items) {
    const ParsedExpr& e = *item.expr;
    if (e.kind == ast::ExprKind::kStar) {
      const auto& q = e.parts;
      if (q.empty()) {
        for (size_t i = 0; i < scope.columns.size(); ++i) {
          if (scope.columns[i].qualified_only) continue;
          // The window column the query's window() call added is not one
          // of the FROM clause's columns (Spark expands * before adding it).
          if (time_window_ && i + 1 == scope.columns.size() && scope.columns[i].name == time_window_->column) {
            continue;
          }
          ast::ParsedExprPtr ref = ParsedExpr::ColumnRef({scope.columns[i].qualifier, scope.columns[i].name}, e.location);
          if (scope.columns[i].qualifier.empty()) ref = ParsedExpr::ColumnRef({scope.columns[i].name}, e.location);
          // Bind by index to avoid ambiguity between same-named columns.
          ExprPtr col = ColumnRefTo(scope.columns, i);
          auto b = bind(*ref);
          out.push_back({b.ok() ? *b : col, scope.columns[i].name});
        }
        continue;
      }
      // t.* or data.* (struct expansion).
      bool matched = false;
      for (size_t i = 0; i < scope.columns.size(); ++i) {
        if (q.size() == 1 && EqualsIgnoreCase(scope.columns[i].qualifier, q[0])) {
          matched = true;
          ast::ParsedExprPtr ref = ParsedExpr::ColumnRef({scope.columns[i].qualifier, scope.columns[i].name}, e.location);
          SLUICE_ASSIGN_OR_RETURN(auto b, bind(*ref));
          out.push_back({b, scope.columns[i].name});
        }
      }
      if (matched) continue;
      SLUICE_ASSIGN_OR_RETURN(auto base, bind(*ParsedExpr::ColumnRef(q, e.location)));
      if (base->type.id() != TypeId::kStruct) {
        return ErrorAt(e.location, "[CANNOT_RESOLVE_STAR_EXPAND] cannot expand " + Backquote(JoinParts(q)) +
                                       ".*: it is neither a table alias nor a STRUCT column");
      }
      for (const auto& f : base->type.fields()) {
        SLUICE_ASSIGN_OR_RETURN(auto fe, BindScalarFunction("get_field", {base, MakeLiteral(Value::String(f.name))}));
        out.push_back({fe, f.name});
      }
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(auto b, bind(e));
    out.push_back({b, item.alias ? *item.alias : ast::ColumnAutoName(e)});
  }
  return out;
}

// ---------------------------------------------------------------------------
// Time windows: window() and session_window()

namespace {

// The window()/session_window() calls in `e` (not inside subqueries).
void CollectTimeWindowCalls(const ParsedExpr& e, std::vector<const ParsedExpr*>* out) {
  std::vector<const ParsedExpr*> pending{&e};
  while (!pending.empty()) {
    const ParsedExpr* x = pending.back();
    pending.pop_back();
    if (IsTimeWindowCall(*x)) {
      out->push_back(x);
      continue;
    }
    PushChildren(*x, &pending);
  }
}

// A duration argument of window(): a string literal ('10 seconds') or an
// INTERVAL literal, in microseconds. Spark's TimeWindow.getIntervalInMicroSeconds.
Result<int64_t> WindowDurationArg(const ParsedExpr& arg, const std::string& param) {
  if (arg.kind == ast::ExprKind::kInterval) return arg.interval_micros;
  if (arg.kind == ast::ExprKind::kLiteral && arg.value.type().id() == TypeId::kString && !arg.value.is_null()) {
    const std::string& text = arg.value.str_value();
    auto parsed = ParseIntervalString(text);
    if (!parsed) {
      return Status::AnalysisError("The provided interval (" + text +
                                   ") did not correspond to a valid interval string.");
    }
    if (parsed->months != 0) {
      return Status::AnalysisError("Intervals greater than a month is not supported (" + text + ").");
    }
    return parsed->micros;
  }
  return Status::AnalysisError("[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] the " + param +
                               " of window() must be a string literal such as '10 seconds' or an INTERVAL "
                               "literal, not " + arg.ToString());
}

// Spark's DATATYPE_MISMATCH wording for a window() argument check.
Status WindowMismatch(const ParsedExpr& call, const std::string& sub, const std::string& detail) {
  return Status::AnalysisError("[DATATYPE_MISMATCH." + sub + "] Cannot resolve \"" + call.ToString() +
                               "\" due to data type mismatch: " + detail);
}

std::string LongSql(int64_t v) { return std::to_string(v) + "L"; }

}  // namespace

Result<LogicalPlanPtr> Binder::ApplyTimeWindow(LogicalPlanPtr input, const std::vector<const ParsedExpr*>& roots) {
  std::vector<const ParsedExpr*> calls;
  for (const ParsedExpr* r : roots) CollectTimeWindowCalls(*r, &calls);
  if (calls.empty()) return input;
  const ParsedExpr& call = *calls[0];
  // Errors name the call's place, as the binder's other errors do.
  auto at = [&](const ParsedExpr& x, const std::string& message) {
    if (x.location.line <= 0) return ErrorAt(x.location, message);
    return ErrorAt(x.location, message + " (at line " + std::to_string(x.location.line) + ", column " +
                                   std::to_string(x.location.column) + ")");
  };

  const std::string sql = call.ToString();
  for (const ParsedExpr* c : calls) {
    if (c->ToString() != sql) {
      return at(*c, "Multiple time/session window expressions would result in a cartesian product of "
                                  "rows, therefore they are currently not supported.");
    }
  }
  const bool session = call.name == "session_window";
  const std::string column = session ? "session_window" : "window";
  BindScope scope{input->output};
  auto fail = [&](const Status& st) { return at(call, st.message()); };
  size_t min_args = 2, max_args = session ? 2 : 4;
  if (call.args.size() < min_args || call.args.size() > max_args) {
    return at(call, "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `" + call.name + "` requires " +
                                      (session ? std::string("2") : std::string("[2, 3, 4]")) +
                                      " parameters but the actual number is " + std::to_string(call.args.size()) +
                                      ".");
  }
  SLUICE_ASSIGN_OR_RETURN(ExprPtr ts, BindExpression(*call.args[0], scope));
  TypeId tid = ts->type.id();
  if (tid != TypeId::kTimestamp && tid != TypeId::kDate && tid != TypeId::kString && tid != TypeId::kNull) {
    return at(call, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"" + sql +
                                      "\" due to data type mismatch: The first parameter requires the "
                                      "\"TIMESTAMP\" type, however \"" + call.args[0]->ToString() +
                                      "\" has the type \"" + ts->type.ToString() + "\".");
  }
  if (tid != TypeId::kTimestamp) {
    auto cast = BindCast(ts, DataType::Timestamp());
    if (!cast.ok()) return fail(cast.status());
    ts = *cast;
  }
  std::optional<int64_t> delay;
  // window_time(w) of a window carrying a watermark carries it too.
  const ExprPtr& ts_col =
      ts->kind == ExprKind::kCall && ts->name == "window_time" && ts->args.size() == 1 ? ts->args[0] : ts;
  if (ts_col->kind == ExprKind::kColumnRef && ts_col->column_index >= 0 &&
      static_cast<size_t>(ts_col->column_index) < scope.columns.size()) {
    delay = scope.columns[static_cast<size_t>(ts_col->column_index)].watermark_delay_ms;
  }
  // The window column is nullable: it is NULL for rows without a window
  // until the filter at the end drops them.
  std::vector<LogicalColumn> out = input->output;
  auto with_window = [&](const ExprPtr& w) {
    std::vector<ExprPtr> exprs;
    for (size_t i = 0; i < input->output.size(); ++i) exprs.push_back(ColumnRefTo(input->output, i));
    exprs.push_back(w);
    return exprs;
  };
  LogicalPlanPtr windowed;
  DataType window_type;
  if (session) {
    const ParsedExpr& g = *call.args[1];
    ExprPtr gap;
    if (g.kind == ast::ExprKind::kInterval ||
        (g.kind == ast::ExprKind::kLiteral && g.value.type().id() == TypeId::kString && !g.value.is_null())) {
      auto micros = WindowDurationArg(g, "gapDuration");
      if (!micros.ok()) return fail(micros.status());
      gap = MakeLiteral(Value::Bigint(*micros));
    } else {
      SLUICE_ASSIGN_OR_RETURN(gap, BindExpression(g, scope));
      // A gap computed per row is an interval string (Sluice has no
      // INTERVAL-typed expressions); numbers are not durations.
      if (gap->type.id() != TypeId::kString && !gap->type.is_null()) {
        return at(call, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"" + sql +
                            "\" due to data type mismatch: The second parameter requires the (\"INTERVAL\" or "
                            "\"STRING\") type, however \"" + g.ToString() + "\" has the type \"" +
                            gap->type.ToString() + "\".");
      }
    }
    auto w = BindScalarFunction("session_window_bounds", {ts, gap});
    if (!w.ok()) return fail(w.status());
    window_type = (*w)->type;
    out.push_back({column, "", window_type, true, false, delay});
    windowed = MakeProject(input, with_window(*w), out);
  } else {
    auto size = WindowDurationArg(*call.args[1], "windowDuration");
    if (!size.ok()) return fail(size.status());
    int64_t slide = *size, start = 0;
    if (call.args.size() > 2) {
      auto s = WindowDurationArg(*call.args[2], "slideDuration");
      if (!s.ok()) return fail(s.status());
      slide = *s;
    }
    if (call.args.size() > 3) {
      auto s = WindowDurationArg(*call.args[3], "startTime");
      if (!s.ok()) return fail(s.status());
      start = *s;
    }
    const std::string range = " must be between (0, " + std::to_string(std::numeric_limits<int64_t>::max()) + "]";
    if (*size <= 0) {
      return fail(WindowMismatch(call, "VALUE_OUT_OF_RANGE", "The `windowDuration`" + range +
                                                                 " (current value = " + LongSql(*size) + ")."));
    }
    if (slide <= 0) {
      return fail(WindowMismatch(call, "VALUE_OUT_OF_RANGE", "The `slideDuration`" + range +
                                                                 " (current value = " + LongSql(slide) + ")."));
    }
    if (slide > *size) {
      return fail(WindowMismatch(call, "PARAMETER_CONSTRAINT_VIOLATION",
                                 "The `slideDuration`(" + LongSql(slide) + ") must be <= the `windowDuration`(" +
                                     LongSql(*size) + ")."));
    }
    if (start == std::numeric_limits<int64_t>::min() || (start < 0 ? -start : start) >= slide) {
      return fail(WindowMismatch(call, "PARAMETER_CONSTRAINT_VIOLATION",
                                 "The abs(`startTime`)(" + LongSql(start < 0 ? -start : start) +
                                     ") must be < the `slideDuration`(" + LongSql(slide) + ")."));
    }
    int64_t sets = *size / slide + (*size % slide != 0 ? 1 : 0);
    auto window_expr = [&](int64_t i) {
      return BindScalarFunction("time_window", {ts, MakeLiteral(Value::Bigint(*size)), MakeLiteral(Value::Bigint(slide)),
                                                MakeLiteral(Value::Bigint(start)), MakeLiteral(Value::Bigint(i))});
    };
    SLUICE_ASSIGN_OR_RETURN(ExprPtr w0, window_expr(0));
    window_type = w0->type;
    out.push_back({column, "", window_type, true, false, delay});
    if (sets == 1) {
      windowed = MakeProject(input, with_window(w0), out);
    } else {
      std::vector<std::vector<ExprPtr>> all;
      for (int64_t i = 0; i < sets; ++i) {
        SLUICE_ASSIGN_OR_RETURN(ExprPtr wi, window_expr(i));
        all.push_back(with_window(wi));
      }
      windowed = MakeExpand(input, std::move(all), out);
    }
  }
  // Rows without a window (NULL time, a gap that is NULL or <= 0, a sliding
  // window that does not contain the row) are dropped.
  ExprPtr ref = ColumnRefTo(out, out.size() - 1);
  SLUICE_ASSIGN_OR_RETURN(ExprPtr has_window, BindScalarFunction("isnotnull", {ref}));
  time_window_ = TimeWindowBinding{sql, column, session};
  return MakeFilter(windowed, has_window);
}

Result<ExprPtr> Binder::BindTimeWindowCall(const ParsedExpr& e, const BindScope& scope) {
  if (time_window_ && e.ToString() == time_window_->call) {
    for (size_t i = scope.columns.size(); i-- > 0;) {
      if (scope.columns[i].name == time_window_->column && scope.columns[i].type.id() == TypeId::kStruct) {
        return ColumnRefTo(scope.columns, i);
      }
    }
  }
  return ErrorAt(e.location, e.name + "() is only supported in the SELECT list, GROUP BY, HAVING and ORDER BY of a "
                                      "query over a table or stream (Spark's time windows)");
}

Result<LogicalPlanPtr> Binder::MarkSessionWindowGroup(const LogicalPlanPtr& agg) {
  if (!time_window_ || !time_window_->session) return agg;
  const auto& in = agg->children[0]->output;
  for (size_t g = 0; g < agg->groups.size(); ++g) {
    const ExprPtr& e = agg->groups[g];
    if (e->kind == ExprKind::kColumnRef && e->column_index >= 0 &&
        static_cast<size_t>(e->column_index) == in.size() - 1 && in.back().name == time_window_->column) {
      auto copy = std::make_shared<LogicalPlan>(*agg);
      copy->session_window_group = static_cast<int>(g);
      // The merged session keeps the event-time metadata of its column.
      copy->output[g].watermark_delay_ms = in.back().watermark_delay_ms;
      return LogicalPlanPtr(copy);
    }
  }
  return Status::AnalysisError("session_window() must be one of the grouping keys (GROUP BY / groupBy): "
                               "sessions are formed by aggregation");
}

Result<LogicalPlanPtr> Binder::BindSelect(LogicalPlanPtr input, const std::vector<ast::SelectItem>& items,
                                          const std::vector<ast::ParsedExprPtr>* groups) {
  TimeWindowScope window_scope(this);
  {
    std::vector<const ParsedExpr*> roots;
    for (const auto& item : items) roots.push_back(item.expr.get());
    if (groups) {
      for (const auto& g : *groups) roots.push_back(g.get());
    }
    SLUICE_ASSIGN_OR_RETURN(input, ApplyTimeWindow(input, roots));
  }
  BindScope scope{input->output};
  bool aggregate = groups != nullptr;
  for (const auto& item : items) aggregate |= ContainsAggregate(*item.expr);
  if (!aggregate && time_window_ && time_window_->session) {
    return Status::AnalysisError("session_window() must be one of the grouping keys (GROUP BY / groupBy): "
                                 "sessions are formed by aggregation");
  }
  if (!aggregate) {
    SLUICE_ASSIGN_OR_RETURN(auto list, BindSelectList(items, scope, [&](const ParsedExpr& e) {
                              return BindExpression(e, scope);
                            }));
    std::vector<ExprPtr> exprs;
    std::vector<LogicalColumn> out;
    for (auto& [e, name] : list) {
      out.push_back({name, "", e->type, e->nullable});
      exprs.push_back(e);
    }
    return MakeProject(input, std::move(exprs), std::move(out));
  }
  AggContext ctx;
  ctx.input = &scope;
  if (groups) {
    for (const auto& g : *groups) {
      SLUICE_ASSIGN_OR_RETURN(auto b, BindExpression(*g, scope));
      ctx.groups.push_back(b);
      ctx.group_names.push_back(ast::ColumnAutoName(*g));
    }
  }
  SLUICE_ASSIGN_OR_RETURN(auto list, BindSelectList(items, scope, [&](const ParsedExpr& e) {
                            return BindInAggContext(e, &ctx);
                          }));
  std::vector<LogicalColumn> agg_out;
  for (size_t g = 0; g < ctx.groups.size(); ++g) {
    agg_out.push_back({ctx.group_names[g], "", ctx.groups[g]->type, ctx.groups[g]->nullable});
  }
  for (size_t a = 0; a < ctx.aggs.size(); ++a) {
    agg_out.push_back({ctx.agg_names[a], "", ctx.aggs[a].call.result_type, true});
  }
  SLUICE_ASSIGN_OR_RETURN(auto agg, MarkSessionWindowGroup(MakeAggregate(input, ctx.groups, ctx.aggs, agg_out)));
  std::vector<ExprPtr> exprs;
  std::vector<LogicalColumn> out;
  for (auto& [e, name] : list) {
    out.push_back({name, "", e->type, e->nullable});
    exprs.push_back(e);
  }
  return MakeProject(agg, std::move(exprs), std::move(out));
}

Result<LogicalPlanPtr> Binder::BindSelectNode(const ast::SelectNode& node) {
  LogicalPlanPtr input;
  if (node.from) {
    SLUICE_ASSIGN_OR_RETURN(input, BindTableRef(*node.from));
  } else {
    Batch one;
    one.num_rows = 1;
    input = MakeValues({}, {one});
  }
  if (node.where) {
    // Top-level [NOT] EXISTS and IN conjuncts over correlated subqueries
    // become semi/anti joins; the rest stays a filter.
    std::vector<ast::ParsedExprPtr> conjuncts, rest;
    std::function<void(const ast::ParsedExprPtr&)> split = [&](const ast::ParsedExprPtr& c) {
      if (c->kind == ast::ExprKind::kFunction && c->name == "and" && c->args.size() == 2) {
        split(c->args[0]);
        split(c->args[1]);
      } else {
        conjuncts.push_back(c);
      }
    };
    split(node.where);
    for (const auto& c : conjuncts) {
      SLUICE_ASSIGN_OR_RETURN(auto joined, TryBindCorrelatedExists(*c, input));
      if (joined) {
        input = *joined;
      } else {
        rest.push_back(c);
      }
    }
    BindScope where_scope{input->output};
    for (const auto& c : rest) {
      if (ContainsAggregate(*c)) {
        return ErrorAt(c->location, "[INVALID_WHERE_CONDITION] aggregate functions are not allowed in WHERE; "
                                    "use HAVING");
      }
      SLUICE_ASSIGN_OR_RETURN(auto cond, BindExpression(*c, where_scope));
      if (cond->type.id() != TypeId::kBoolean && !cond->type.is_null()) {
        return ErrorAt(c->location, "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] filter expression " +
                                        Backquote(c->ToString()) + " of type " + cond->type.ToString() +
                                        " is not a boolean");
      }
      input = MakeFilter(input, cond);
    }
  }
  TimeWindowScope window_scope(this);
  {
    std::vector<const ParsedExpr*> roots;
    for (const auto& item : node.select_list) roots.push_back(item.expr.get());
    for (const auto& g : node.group_by) roots.push_back(g.get());
    if (node.having) roots.push_back(node.having.get());
    for (const auto& o : node.order_by) roots.push_back(o.expr.get());
    SLUICE_ASSIGN_OR_RETURN(input, ApplyTimeWindow(input, roots));
  }
  BindScope scope{input->output};
  bool aggregate = !node.group_by.empty() || node.group_by_all || (node.having != nullptr);
  for (const auto& item : node.select_list) aggregate |= ContainsAggregate(*item.expr);
  for (const auto& o : node.order_by) aggregate |= ContainsAggregate(*o.expr);

  // Select items by alias (for GROUP BY alias / ordinal, ORDER BY alias).
  auto select_item_for = [&](const ParsedExpr& e) -> const ParsedExpr* {
    if (e.kind == ast::ExprKind::kLiteral && e.value.type().id() == TypeId::kInt && !e.value.is_null()) {
      int ord = e.value.int_value();
      if (ord >= 1 && static_cast<size_t>(ord) <= node.select_list.size()) {
        return node.select_list[static_cast<size_t>(ord) - 1].expr.get();
      }
    }
    return nullptr;
  };

  std::vector<std::pair<ExprPtr, std::string>> list;
  LogicalPlanPtr body;
  AggContext ctx;
  ctx.input = &scope;
  if (aggregate) {
    std::vector<const ParsedExpr*> group_exprs;
    if (node.group_by_all) {
      for (const auto& item : node.select_list) {
        if (!ContainsAggregate(*item.expr)) group_exprs.push_back(item.expr.get());
      }
    }
    for (const auto& g : node.group_by) {
      const ParsedExpr* target = g.get();
      if (const ParsedExpr* ord = select_item_for(*g)) {
        if (ContainsAggregate(*ord)) {
          return ErrorAt(g->location, "[GROUP_BY_POS_AGGREGATE] GROUP BY " + g->ToString() + " refers to " +
                                          ord->ToString() +
                                          ", which contains an aggregate function; aggregate functions are not "
                                          "allowed in GROUP BY (group by the other select items instead)");
        }
        target = ord;
      } else if (g->kind == ast::ExprKind::kLiteral && g->value.type().id() == TypeId::kInt) {
        return ErrorAt(g->location, "[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position " + g->ToString() +
                                        " is not in the select list (valid range is [1, " +
                                        std::to_string(node.select_list.size()) + "])");
      } else if (g->kind == ast::ExprKind::kColumnRef && g->parts.size() == 1 &&
                 !ResolveColumn(*g, scope).ok()) {
        // GROUP BY a select-list alias.
        for (const auto& item : node.select_list) {
          if (item.alias && EqualsIgnoreCase(*item.alias, g->parts[0])) target = item.expr.get();
        }
      }
      group_exprs.push_back(target);
    }
    for (const ParsedExpr* g : group_exprs) {
      if (ContainsAggregate(*g)) {
        return ErrorAt(g->location, "[GROUP_BY_AGGREGATE] aggregate functions are not allowed in GROUP BY: " +
                                        g->ToString());
      }
      SLUICE_ASSIGN_OR_RETURN(auto b, BindExpression(*g, scope));
      ctx.groups.push_back(b);
      ctx.group_names.push_back(ast::ColumnAutoName(*g));
    }
    SLUICE_ASSIGN_OR_RETURN(list, BindSelectList(node.select_list, scope, [&](const ParsedExpr& e) {
                              return BindInAggContext(e, &ctx);
                            }));
    ExprPtr having;
    if (node.having) {
      // HAVING may name a select-list alias (HAVING n > 1 for count(*) AS n):
      // such references bind to the aliased expression.
      ctx.aliases.clear();
      for (size_t i = 0; i < node.select_list.size(); ++i) {
        const auto& item = node.select_list[i];
        if (item.alias && i < list.size()) ctx.aliases.push_back({*item.alias, list[i].first});
      }
      SLUICE_ASSIGN_OR_RETURN(having, BindInAggContext(*node.having, &ctx));
      ctx.aliases.clear();
      if (having->type.id() != TypeId::kBoolean) {
        return ErrorAt(node.having->location, "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] HAVING expression " +
                                                  Backquote(node.having->ToString()) + " of type " +
                                                  having->type.ToString() + " is not a boolean");
      }
    }
    // ORDER BY expressions that are not select-list names may add aggregates:
    // bind them now (hidden columns) so the Aggregate node has them all.
    std::vector<ExprPtr> order_hidden(node.order_by.size());
    for (size_t i = 0; i < node.order_by.size(); ++i) {
      const auto& o = *node.order_by[i].expr;
      bool by_name = false;
      if (select_item_for(o)) by_name = true;
      if (o.kind == ast::ExprKind::kColumnRef && o.parts.size() == 1) {
        for (const auto& [e, name] : list) by_name |= EqualsIgnoreCase(name, o.parts[0]);
      }
      if (!by_name) {
        SLUICE_ASSIGN_OR_RETURN(order_hidden[i], BindInAggContext(o, &ctx));
      }
    }
    std::vector<LogicalColumn> agg_out;
    for (size_t g = 0; g < ctx.groups.size(); ++g) {
      agg_out.push_back({ctx.group_names[g], "", ctx.groups[g]->type, ctx.groups[g]->nullable});
    }
    for (size_t a = 0; a < ctx.aggs.size(); ++a) {
      agg_out.push_back({ctx.agg_names[a], "", ctx.aggs[a].call.result_type, true});
    }
    SLUICE_ASSIGN_OR_RETURN(body, MarkSessionWindowGroup(MakeAggregate(input, ctx.groups, ctx.aggs, agg_out)));
    if (having) body = MakeFilter(body, having);
    // Project select list + hidden order columns.
    std::vector<ExprPtr> exprs;
    std::vector<LogicalColumn> out;
    for (auto& [e, name] : list) {
      exprs.push_back(e);
      out.push_back({name, "", e->type, e->nullable});
    }
    size_t visible = exprs.size();
    std::vector<SortItem> sort;
    for (size_t i = 0; i < node.order_by.size(); ++i) {
      const auto& o = node.order_by[i];
      SortItem item;
      item.ascending = o.ascending;
      item.nulls_first = o.nulls_first ? *o.nulls_first : o.ascending;
      if (order_hidden[i]) {
        exprs.push_back(order_hidden[i]);
        out.push_back({"_order" + std::to_string(i), "", order_hidden[i]->type, true});
        item.expr = ColumnRefTo(out, out.size() - 1);
      } else {
        const ParsedExpr* ord = select_item_for(*o.expr);
        size_t idx = 0;
        if (ord) {
          idx = static_cast<size_t>(o.expr->value.int_value()) - 1;
        } else {
          for (size_t k = 0; k < visible; ++k) {
            if (EqualsIgnoreCase(out[k].name, o.expr->parts[0])) {
              idx = k;
              break;
            }
          }
        }
        item.expr = ColumnRefTo(out, idx);
      }
      sort.push_back(item);
    }
    LogicalPlanPtr plan = MakeProject(body, exprs, out);
    if (node.distinct) {
      if (visible != exprs.size()) {
        return ErrorAt(node.location, "ORDER BY expressions of a SELECT DISTINCT must appear in the select list");
      }
      plan = MakeDistinct(plan);
    }
    if (!sort.empty()) plan = MakeSort(plan, sort);
    if (visible != exprs.size()) {
      std::vector<ExprPtr> keep;
      std::vector<LogicalColumn> kout(out.begin(), out.begin() + static_cast<long>(visible));
      for (size_t k = 0; k < visible; ++k) keep.push_back(ColumnRefTo(out, k));
      plan = MakeProject(plan, keep, kout);
    }
    return ApplyModifiers(node, plan, nullptr);
  }

  // Non-aggregate SELECT.
  if (time_window_ && time_window_->session) {
    return ErrorAt(node.location, "session_window() must be one of the grouping keys (GROUP BY / groupBy): "
                                  "sessions are formed by aggregation");
  }
  SLUICE_ASSIGN_OR_RETURN(list, BindSelectList(node.select_list, scope, [&](const ParsedExpr& e) {
                            return BindExpression(e, scope);
                          }));
  std::vector<ExprPtr> exprs;
  std::vector<LogicalColumn> out;
  for (auto& [e, name] : list) {
    exprs.push_back(e);
    // A plain column keeps its qualifier so ORDER BY t.a still resolves.
    std::string q;
    if (e->kind == ExprKind::kColumnRef) q = scope.columns[static_cast<size_t>(e->column_index)].qualifier;
    out.push_back({name, q, e->type, e->nullable});
  }
  size_t visible = exprs.size();
  std::vector<SortItem> sort;
  for (size_t i = 0; i < node.order_by.size(); ++i) {
    const auto& o = node.order_by[i];
    SortItem item;
    item.ascending = o.ascending;
    item.nulls_first = o.nulls_first ? *o.nulls_first : o.ascending;
    ExprPtr target;
    if (select_item_for(*o.expr)) {
      target = ColumnRefTo(out, static_cast<size_t>(o.expr->value.int_value()) - 1);
    } else {
      // First against the select list's names, then against the FROM scope.
      BindScope out_scope{std::vector<LogicalColumn>(out.begin(), out.begin() + static_cast<long>(visible))};
      auto by_output = BindExpression(*o.expr, out_scope);
      if (by_output.ok()) {
        target = *by_output;
      } else {
        auto by_input = BindExpression(*o.expr, scope);
        if (!by_input.ok()) return by_input.status();
        if (node.distinct) {
          return ErrorAt(o.expr->location, "ORDER BY expressions of a SELECT DISTINCT must appear in the select list");
        }
        exprs.push_back(*by_input);
        out.push_back({"_order" + std::to_string(i), "", (*by_input)->type, true});
        target = ColumnRefTo(out, out.size() - 1);
      }
    }
    item.expr = target;
    sort.push_back(item);
  }
  LogicalPlanPtr plan = MakeProject(input, exprs, out);
  if (node.distinct) plan = MakeDistinct(plan);
  if (!sort.empty()) plan = MakeSort(plan, sort);
  if (visible != exprs.size()) {
    std::vector<ExprPtr> keep;
    std::vector<LogicalColumn> kout(out.begin(), out.begin() + static_cast<long>(visible));
    for (size_t k = 0; k < visible; ++k) keep.push_back(ColumnRefTo(out, k));
    plan = MakeProject(plan, keep, kout);
  }
  return ApplyModifiers(node, plan, nullptr);
}

Result<LogicalPlanPtr> Binder::ApplyModifiers(const ast::QueryNode& query, LogicalPlanPtr plan,
                                              const BindScope*) {
  // ORDER BY of a SELECT is handled in BindSelectNode; here for set
  // operations and VALUES, over the output columns.
  if (query.kind != ast::QueryKind::kSelect && !query.order_by.empty()) {
    BindScope scope{plan->output};
    std::vector<SortItem> sort;
    for (const auto& o : query.order_by) {
      SortItem item;
      item.ascending = o.ascending;
      item.nulls_first = o.nulls_first ? *o.nulls_first : o.ascending;
      if (o.expr->kind == ast::ExprKind::kLiteral && o.expr->value.type().id() == TypeId::kInt) {
        int ord = o.expr->value.int_value();
        if (ord < 1 || static_cast<size_t>(ord) > plan->output.size()) {
          return ErrorAt(o.expr->location, "ORDER BY position " + std::to_string(ord) + " is not in the select list");
        }
        item.expr = ColumnRefTo(plan->output, static_cast<size_t>(ord) - 1);
      } else {
        SLUICE_ASSIGN_OR_RETURN(item.expr, BindExpression(*o.expr, scope));
      }
      sort.push_back(item);
    }
    plan = MakeSort(plan, sort);
  }
  if (query.limit || query.offset) {
    int64_t limit = -1, offset = 0;
    if (query.limit) {
      SLUICE_ASSIGN_OR_RETURN(limit, BindConstantInt(*query.limit, "LIMIT"));
    }
    if (query.offset) {
      SLUICE_ASSIGN_OR_RETURN(offset, BindConstantInt(*query.offset, "OFFSET"));
    }
    plan = MakeLimit(plan, limit, offset);
  }
  return plan;
}

}  // namespace sluice
