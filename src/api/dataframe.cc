#include "sluice/dataframe.h"

#include <algorithm>
#include <cstdio>

#include "api/query_result_internal.h"
#include "api/session_impl.h"
#include "exec/function_registry.h"
#include "exec/operators/memory_table.h"
#include "plan/binder.h"
#include "connectors/builtin/builtin_connectors.h"
#include "sql/ast.h"
#include "sql/parser.h"

namespace sluice {

using ast::ParsedExpr;

// ---------------------------------------------------------------------------
// Column

namespace {

Column Fn(const std::string& name, std::vector<Column> args, bool distinct = false) {
  std::vector<ast::ParsedExprPtr> a;
  for (const auto& c : args) a.push_back(c.expr());
  return Column(ParsedExpr::Function(name, std::move(a), {}, distinct));
}

}  // namespace

Column Column::alias(const std::string& name) const {
  Column c = *this;
  c.alias_ = name;
  return c;
}

Column Column::cast(const std::string& type) const {
  auto t = ParseDataType(type);
  // An unknown type name becomes a call that fails to bind with the parser's message.
  if (!t.ok()) return Fn("__invalid_type: " + t.status().message(), {*this});
  return Column(ParsedExpr::Cast(expr_, *t));
}
Column Column::isNull() const { return Fn("isnull", {*this}); }
Column Column::isNotNull() const { return Fn("isnotnull", {*this}); }
Column Column::getField(const std::string& name) const { return Column(ParsedExpr::FieldAccess(expr_, name)); }
Column Column::like(const std::string& pattern) const { return Fn("like", {*this, lit(pattern)}); }
Column Column::rlike(const std::string& regex) const { return Fn("rlike", {*this, lit(regex)}); }
Column Column::startswith(const Column& prefix) const { return Fn("startswith", {*this, prefix}); }
Column Column::endswith(const Column& suffix) const { return Fn("endswith", {*this, suffix}); }
Column Column::contains(const Column& part) const { return Fn("contains", {*this, part}); }
Column Column::substr(const Column& pos, const Column& len) const { return Fn("substring", {*this, pos, len}); }
Column Column::between(const Column& lower, const Column& upper) const { return Fn("between", {*this, lower, upper}); }
Column Column::getItem(const Column& index) const { return Column(ParsedExpr::Subscript(expr_, index.expr())); }

namespace {

// The CASE of a Column made by sluice::when with no ELSE yet, or null.
const ParsedExpr* OpenCase(const Column& c) {
  const auto& e = c.expr();
  if (e->kind != ast::ExprKind::kCase || e->child != nullptr || e->else_expr != nullptr) return nullptr;
  return e.get();
}

Column Misuse(const std::string& what) {
  return Fn("__invalid_expression: [INVALID_" + what + "_USAGE] " + ToLower(what) +
                "() applies only to a Column made by when(), before otherwise()",
            {});
}

}  // namespace

Column Column::when(const Column& condition, const Column& value) const {
  const ParsedExpr* c = OpenCase(*this);
  if (c == nullptr) return Misuse("WHEN");
  auto branches = c->branches;
  branches.push_back(ast::CaseBranch{condition.expr(), value.expr()});
  return Column(ParsedExpr::Case(nullptr, std::move(branches), nullptr));
}

Column Column::otherwise(const Column& value) const {
  const ParsedExpr* c = OpenCase(*this);
  if (c == nullptr) return Misuse("OTHERWISE");
  return Column(ParsedExpr::Case(nullptr, c->branches, value.expr()));
}

Column Column::isin(const std::vector<Column>& values) const {
  std::vector<Column> args = {*this};
  args.insert(args.end(), values.begin(), values.end());
  return Fn("in", args);
}
Column Column::eq(const Column& o) const { return Fn("=", {*this, o}); }
Column Column::eqNullSafe(const Column& o) const { return Fn("<=>", {*this, o}); }
Column Column::asc() const {
  Column c = *this;
  c.ascending_ = true;
  return c;
}
Column Column::desc() const {
  Column c = *this;
  c.ascending_ = false;
  return c;
}
Column Column::asc_nulls_last() const {
  Column c = asc();
  c.nulls_first_ = false;
  return c;
}
Column Column::desc_nulls_first() const {
  Column c = desc();
  c.nulls_first_ = true;
  return c;
}

Column col(const std::string& name) {
  if (name == "*") return Column(ParsedExpr::Star({}));
  // "t.a" and "data.a" are dotted references, as in PySpark.
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.back() == "*") {
    parts.pop_back();
    return Column(ParsedExpr::Star(parts));
  }
  return Column(ParsedExpr::ColumnRef(parts));
}

Column expr(const std::string& sql) {
  auto e = ParseExpression(sql);
  if (!e.ok()) return Fn("__invalid_expression: " + e.status().message(), {});
  return Column(*e);
}

Column lit(const Value& v) { return Column(ParsedExpr::Literal(v)); }
Column lit(int32_t v) { return lit(Value::Int(v)); }
Column lit(int64_t v) { return lit(Value::Bigint(v)); }
Column lit(double v) { return lit(Value::Double(v)); }
Column lit(const char* v) { return lit(Value::String(v)); }
Column lit(const std::string& v) { return lit(Value::String(v)); }
Column lit(bool v) { return lit(Value::Boolean(v)); }

Column call(const std::string& function, const std::vector<Column>& args) { return Fn(ToLower(function), args); }
Column count(const Column& c) {
  if (c.expr()->kind == ast::ExprKind::kStar) {
    return Column(ParsedExpr::Function("count", {}, {}, false, true));
  }
  return Fn("count", {c});
}
Column countDistinct(const Column& c) { return Fn("count", {c}, true); }
Column sum(const Column& c) { return Fn("sum", {c}); }
Column avg(const Column& c) { return Fn("avg", {c}); }
Column min(const Column& c) { return Fn("min", {c}); }
Column max(const Column& c) { return Fn("max", {c}); }
Column first(const Column& c) { return Fn("first", {c}); }
Column last(const Column& c) { return Fn("last", {c}); }
Column collect_list(const Column& c) { return Fn("collect_list", {c}); }
Column upper(const Column& c) { return Fn("upper", {c}); }
Column lower(const Column& c) { return Fn("lower", {c}); }
Column from_json(const Column& c, const std::string& schema) { return Fn("from_json", {c, lit(schema)}); }
Column from_json(const Column& c, const std::string& schema, const std::map<std::string, std::string>& options) {
  std::vector<Column> kv;
  for (const auto& [k, v] : options) {
    kv.push_back(lit(k));
    kv.push_back(lit(v));
  }
  return Fn("from_json", {c, lit(schema), Fn("map", kv)});
}
Column when(const Column& condition, const Column& value) {
  return Column(ParsedExpr::Case(nullptr, {ast::CaseBranch{condition.expr(), value.expr()}}, nullptr));
}

Column window(const Column& time_column, const std::string& window_duration) {
  return Fn("window", {time_column, lit(window_duration)});
}
Column window(const Column& time_column, const std::string& window_duration, const std::string& slide_duration) {
  return Fn("window", {time_column, lit(window_duration), lit(slide_duration)});
}
Column window(const Column& time_column, const std::string& window_duration, const std::string& slide_duration,
              const std::string& start_time) {
  return Fn("window", {time_column, lit(window_duration), lit(slide_duration), lit(start_time)});
}
Column session_window(const Column& time_column, const std::string& gap_duration) {
  return Fn("session_window", {time_column, lit(gap_duration)});
}
Column session_window(const Column& time_column, const Column& gap_duration) {
  return Fn("session_window", {time_column, gap_duration});
}
Column operator+(const Column& a, const Column& b) { return Fn("+", {a, b}); }
Column operator-(const Column& a, const Column& b) { return Fn("-", {a, b}); }
Column operator*(const Column& a, const Column& b) { return Fn("*", {a, b}); }
Column operator/(const Column& a, const Column& b) { return Fn("/", {a, b}); }
Column operator%(const Column& a, const Column& b) { return Fn("%", {a, b}); }
Column operator-(const Column& a) { return Fn("negate", {a}); }
Column operator==(const Column& a, const Column& b) { return Fn("=", {a, b}); }
Column operator!=(const Column& a, const Column& b) { return Fn("not", {Fn("=", {a, b})}); }
Column operator<(const Column& a, const Column& b) { return Fn("<", {a, b}); }
Column operator<=(const Column& a, const Column& b) { return Fn("<=", {a, b}); }
Column operator>(const Column& a, const Column& b) { return Fn(">", {a, b}); }
Column operator>=(const Column& a, const Column& b) { return Fn(">=", {a, b}); }
Column operator&&(const Column& a, const Column& b) { return Fn("and", {a, b}); }
Column operator||(const Column& a, const Column& b) { return Fn("or", {a, b}); }
Column operator!(const Column& a) { return Fn("not", {a}); }

// ---------------------------------------------------------------------------
// DataFrame

namespace {

std::vector<ast::SelectItem> Items(const std::vector<Column>& cols) {
  std::vector<ast::SelectItem> items;
  for (const auto& c : cols) {
    ast::SelectItem item;
    item.expr = c.expr();
    item.alias = c.name();
    items.push_back(std::move(item));
  }
  return items;
}

ast::SelectItem ColumnItem(const LogicalColumn& c) {
  ast::SelectItem item;
  item.expr = c.qualifier.empty() ? ParsedExpr::ColumnRef({c.name}) : ParsedExpr::ColumnRef({c.qualifier, c.name});
  item.alias = c.name;
  return item;
}

// `plan` with its output columns qualified as `qualifiers` says (one per
// column; empty: none). A projection that passes columns through unchanged
// (withColumn, withColumnRenamed, drop) keeps their qualifiers, as Spark's
// attributes keep theirs, so that t.a still resolves after it.
Result<std::shared_ptr<const LogicalPlan>> WithQualifiers(Result<std::shared_ptr<const LogicalPlan>> plan,
                                                          const std::vector<std::string>& qualifiers) {
  if (!plan.ok()) return plan;
  auto copy = std::make_shared<LogicalPlan>(**plan);
  for (size_t i = 0; i < qualifiers.size() && i < copy->output.size(); ++i) copy->output[i].qualifier = qualifiers[i];
  return std::shared_ptr<const LogicalPlan>(std::move(copy));
}

}  // namespace

DataFrame::DataFrame(std::shared_ptr<SessionImpl> session, std::shared_ptr<const LogicalPlan> plan, Status error)
    : session_(std::move(session)), plan_(std::move(plan)), error_(std::move(error)) {}

DataFrame DataFrame::Derive(Result<std::shared_ptr<const LogicalPlan>> plan) const {
  if (!plan.ok()) return DataFrame(session_, plan_, plan.status());
  return DataFrame(session_, *plan, Status::OK());
}

#define SLUICE_DF_CHECK() \
  if (!error_.ok()) return *this

DataFrame DataFrame::select(const std::vector<Column>& cols) const {
  SLUICE_DF_CHECK();
  Binder binder = session_->NewBinder("");
  return Derive(binder.BindSelect(plan_, Items(cols), nullptr));
}

DataFrame DataFrame::select(const std::vector<std::string>& names) const {
  std::vector<Column> cols;
  for (const auto& n : names) cols.push_back(col(n));
  return select(cols);
}

DataFrame DataFrame::selectExpr(const std::vector<std::string>& exprs) const {
  SLUICE_DF_CHECK();
  std::vector<Column> cols;
  for (const auto& e : exprs) {
    // "a + 1 AS b": parse as a one-item select list.
    auto parsed = ParseStatements("SELECT " + e);
    if (!parsed.ok()) return DataFrame(session_, plan_, parsed.status());
    const auto& q = static_cast<const ast::SelectNode&>(*(*parsed)[0]->As<ast::SelectStatement>().query);
    for (const auto& item : q.select_list) {
      Column c(item.expr);
      cols.push_back(item.alias ? c.alias(*item.alias) : c);
    }
  }
  return select(cols);
}

DataFrame DataFrame::filter(const Column& condition) const {
  SLUICE_DF_CHECK();
  Binder binder = session_->NewBinder("");
  if (ContainsAggregate(*condition.expr())) {
    return DataFrame(session_, plan_, Status::AnalysisError("aggregate functions are not allowed in filter()"));
  }
  auto bound = binder.BindExpression(*condition.expr(), BindScope{plan_->output});
  if (!bound.ok()) return DataFrame(session_, plan_, bound.status());
  if ((*bound)->type.id() != TypeId::kBoolean) {
    return DataFrame(session_, plan_, Status::AnalysisError("filter condition must be BOOLEAN, got " +
                                                            (*bound)->type.ToString() + ": " + (*bound)->ToString()));
  }
  return DataFrame(session_, MakeFilter(plan_, *bound), Status::OK());
}

DataFrame DataFrame::filter(const std::string& condition) const { return filter(expr(condition)); }

DataFrame DataFrame::withColumn(const std::string& name, const Column& c) const {
  SLUICE_DF_CHECK();
  std::vector<ast::SelectItem> items;
  std::vector<std::string> qualifiers;
  bool replaced = false;
  for (const auto& out : plan_->output) {
    if (EqualsIgnoreCase(out.name, name)) {
      ast::SelectItem item;
      item.expr = c.expr();
      item.alias = name;
      items.push_back(item);
      qualifiers.emplace_back();
      replaced = true;
    } else {
      items.push_back(ColumnItem(out));
      qualifiers.push_back(out.qualifier);
    }
  }
  if (!replaced) {
    ast::SelectItem item;
    item.expr = c.expr();
    item.alias = name;
    items.push_back(item);
  }
  Binder binder = session_->NewBinder("");
  return Derive(WithQualifiers(binder.BindSelect(plan_, items, nullptr), qualifiers));
}

DataFrame DataFrame::withColumnRenamed(const std::string& existing, const std::string& name) const {
  SLUICE_DF_CHECK();
  std::vector<ast::SelectItem> items;
  std::vector<std::string> qualifiers;
  for (const auto& out : plan_->output) {
    auto item = ColumnItem(out);
    bool renamed = EqualsIgnoreCase(out.name, existing);
    if (renamed) item.alias = name;
    items.push_back(item);
    qualifiers.push_back(renamed ? "" : out.qualifier);
  }
  Binder binder = session_->NewBinder("");
  return Derive(WithQualifiers(binder.BindSelect(plan_, items, nullptr), qualifiers));
}

DataFrame DataFrame::drop(const std::vector<std::string>& names) const {
  SLUICE_DF_CHECK();
  std::vector<ast::SelectItem> items;
  std::vector<std::string> qualifiers;
  for (const auto& out : plan_->output) {
    bool dropped = false;
    for (const auto& n : names) dropped |= EqualsIgnoreCase(out.name, n);
    if (!dropped) {
      items.push_back(ColumnItem(out));
      qualifiers.push_back(out.qualifier);
    }
  }
  Binder binder = session_->NewBinder("");
  return Derive(WithQualifiers(binder.BindSelect(plan_, items, nullptr), qualifiers));
}

DataFrame DataFrame::drop(const Column& c) const {
  SLUICE_DF_CHECK();
  if (c.expr()->kind != ast::ExprKind::kColumnRef) return *this;
  Binder binder = session_->NewBinder("");
  auto bound = binder.BindExpression(*c.expr(), BindScope{plan_->output});
  if (!bound.ok()) {
    // Spark: dropping a column that is not there is a no-op; an ambiguous one is not.
    if (bound.status().message().find("AMBIGUOUS") != std::string::npos) return DataFrame(session_, plan_, bound.status());
    return *this;
  }
  if ((*bound)->kind != ExprKind::kColumnRef) return *this;
  std::vector<ast::SelectItem> items;
  std::vector<std::string> qualifiers;
  for (size_t i = 0; i < plan_->output.size(); ++i) {
    if (static_cast<int>(i) == (*bound)->column_index) continue;
    items.push_back(ColumnItem(plan_->output[i]));
    qualifiers.push_back(plan_->output[i].qualifier);
  }
  return Derive(WithQualifiers(binder.BindSelect(plan_, items, nullptr), qualifiers));
}

GroupedData DataFrame::groupBy(const std::vector<Column>& cols) const { return GroupedData(*this, cols); }

GroupedData DataFrame::groupBy(const std::vector<std::string>& names) const {
  std::vector<Column> cols;
  for (const auto& n : names) cols.push_back(col(n));
  return groupBy(cols);
}

GroupedData DataFrame::groupBy(std::initializer_list<std::string> names) const {
  return groupBy(std::vector<std::string>(names));
}

DataFrame DataFrame::agg(const std::vector<Column>& aggs) const { return groupBy(std::vector<Column>{}).agg(aggs); }

DataFrame GroupedData::agg(const std::vector<Column>& aggs) const {
  if (!df_.status().ok()) return df_;
  // Output: the grouping columns, then the aggregates (as PySpark).
  std::vector<Column> cols = keys_;
  cols.insert(cols.end(), aggs.begin(), aggs.end());
  std::vector<ast::ParsedExprPtr> groups;
  for (const auto& k : keys_) groups.push_back(k.expr());
  Binder binder = df_.session()->NewBinder("");
  auto plan = binder.BindSelect(df_.plan(), Items(cols), &groups);
  if (!plan.ok()) return DataFrame(df_.session(), df_.plan(), plan.status());
  return DataFrame(df_.session(), *plan, Status::OK());
}

DataFrame GroupedData::count() const { return agg({sluice::count(lit(1)).alias("count")}); }

namespace {

Result<JoinType> ParseHow(const std::string& how) {
  std::string h = ToLower(how);
  if (h == "inner") return JoinType::kInner;
  if (h == "left" || h == "left_outer" || h == "leftouter") return JoinType::kLeftOuter;
  if (h == "right" || h == "right_outer" || h == "rightouter") return JoinType::kRightOuter;
  if (h == "full" || h == "outer" || h == "full_outer" || h == "fullouter") return JoinType::kFullOuter;
  if (h == "left_semi" || h == "semi" || h == "leftsemi") return JoinType::kLeftSemi;
  if (h == "left_anti" || h == "anti" || h == "leftanti") return JoinType::kLeftAnti;
  if (h == "cross") return JoinType::kCross;
  return Status::InvalidArgument("unsupported join type '" + how +
                                 "'; use one of inner, left, right, full, left_semi, left_anti, cross");
}

}  // namespace

DataFrame DataFrame::join(const DataFrame& other, const Column& on, const std::string& how) const {
  SLUICE_DF_CHECK();
  if (!other.error_.ok()) return other;
  auto type = ParseHow(how);
  if (!type.ok()) return DataFrame(session_, plan_, type.status());
  BindScope scope{plan_->output};
  for (const auto& c : other.plan_->output) scope.columns.push_back(c);
  Binder binder = session_->NewBinder("");
  auto cond = binder.BindExpression(*on.expr(), scope);
  if (!cond.ok()) return DataFrame(session_, plan_, cond.status());
  JoinType jt = *type == JoinType::kCross ? JoinType::kInner : *type;
  return DataFrame(session_, MakeJoin(plan_, other.plan_, jt, *cond), Status::OK());
}

DataFrame DataFrame::join(const DataFrame& other, const std::vector<std::string>& using_columns,
                          const std::string& how) const {
  SLUICE_DF_CHECK();
  if (!other.error_.ok()) return other;
  // Reuse the SQL binder's USING logic through temporary views.
  auto type = ParseHow(how);
  if (!type.ok()) return DataFrame(session_, plan_, type.status());
  BindScope scope{plan_->output};
  size_t nl = plan_->output.size();
  for (const auto& c : other.plan_->output) scope.columns.push_back(c);
  std::vector<ExprPtr> eqs;
  std::vector<std::pair<size_t, size_t>> pairs;
  for (const auto& name : using_columns) {
    int li = -1, ri = -1;
    for (size_t i = 0; i < nl; ++i) {
      if (EqualsIgnoreCase(plan_->output[i].name, name)) li = static_cast<int>(i);
    }
    for (size_t i = 0; i < other.plan_->output.size(); ++i) {
      if (EqualsIgnoreCase(other.plan_->output[i].name, name)) ri = static_cast<int>(i);
    }
    if (li < 0 || ri < 0) {
      return DataFrame(session_, plan_, Status::AnalysisError("[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `" + name +
                                                              "` cannot be resolved on the " +
                                                              (li < 0 ? "left" : "right") + " side of the join"));
    }
    pairs.push_back({static_cast<size_t>(li), static_cast<size_t>(ri)});
    const auto& lc = scope.columns[static_cast<size_t>(li)];
    const auto& rc = scope.columns[nl + static_cast<size_t>(ri)];
    auto eq = BindScalarFunction("=", {MakeColumnRef(li, lc.type, lc.name), MakeColumnRef(static_cast<int>(nl) + ri, rc.type, rc.name)});
    if (!eq.ok()) return DataFrame(session_, plan_, eq.status());
    eqs.push_back(*eq);
  }
  auto cond = CombineConjuncts(eqs);
  if (!cond.ok()) return DataFrame(session_, plan_, cond.status());
  JoinType jt = *type == JoinType::kCross ? JoinType::kInner : *type;
  auto join = MakeJoin(plan_, other.plan_, jt, *cond);
  if (jt == JoinType::kLeftSemi || jt == JoinType::kLeftAnti) return DataFrame(session_, join, Status::OK());
  // Output: USING columns once, then the remaining left and right columns.
  std::vector<ExprPtr> exprs;
  std::vector<LogicalColumn> out;
  std::vector<bool> lused(nl, false), rused(other.plan_->output.size(), false);
  for (auto [li, ri] : pairs) {
    lused[li] = rused[ri] = true;
    const auto& lc = join->output[li];
    const auto& rc = join->output[nl + ri];
    ExprPtr l = MakeColumnRef(static_cast<int>(li), lc.type, lc.name);
    ExprPtr r = MakeColumnRef(static_cast<int>(nl + ri), rc.type, rc.name);
    ExprPtr e = jt == JoinType::kRightOuter ? r : l;
    if (jt == JoinType::kFullOuter) {
      auto c = BindScalarFunction("coalesce", {l, r});
      if (!c.ok()) return DataFrame(session_, plan_, c.status());
      e = *c;
    }
    exprs.push_back(e);
    out.push_back({lc.name, "", e->type, true});
  }
  for (size_t i = 0; i < join->output.size(); ++i) {
    bool used = i < nl ? lused[i] : rused[i - nl];
    if (used) continue;
    const auto& c = join->output[i];
    exprs.push_back(MakeColumnRef(static_cast<int>(i), c.type, c.name, c.nullable));
    out.push_back(c);
  }
  return DataFrame(session_, MakeProject(join, exprs, out), Status::OK());
}

DataFrame DataFrame::crossJoin(const DataFrame& other) const {
  SLUICE_DF_CHECK();
  if (!other.error_.ok()) return other;
  return DataFrame(session_, MakeJoin(plan_, other.plan_, JoinType::kCross, nullptr), Status::OK());
}

DataFrame DataFrame::orderBy(const std::vector<Column>& cols) const {
  SLUICE_DF_CHECK();
  Binder binder = session_->NewBinder("");
  std::vector<SortItem> items;
  for (const auto& c : cols) {
    auto b = binder.BindExpression(*c.expr(), BindScope{plan_->output});
    if (!b.ok()) return DataFrame(session_, plan_, b.status());
    SortItem item;
    item.expr = *b;
    item.ascending = c.ascending();
    item.nulls_first = c.nulls_first() ? *c.nulls_first() : c.ascending();
    items.push_back(item);
  }
  return DataFrame(session_, MakeSort(plan_, items), Status::OK());
}

DataFrame DataFrame::limit(int64_t n) const {
  SLUICE_DF_CHECK();
  if (n < 0) return DataFrame(session_, plan_, Status::InvalidArgument("limit must not be negative"));
  return DataFrame(session_, MakeLimit(plan_, n, 0), Status::OK());
}

DataFrame DataFrame::distinct() const {
  SLUICE_DF_CHECK();
  // Spark: `def distinct() = dropDuplicates()` (on a stream a deduplication,
  // unlike SQL's SELECT DISTINCT, which is an aggregation).
  std::vector<int> all;
  for (size_t i = 0; i < plan_->output.size(); ++i) all.push_back(static_cast<int>(i));
  return DataFrame(session_, MakeDeduplicate(plan_, std::move(all), false), Status::OK());
}

DataFrame DataFrame::withWatermark(const std::string& eventTime, const std::string& delayThreshold) const {
  SLUICE_DF_CHECK();
  Binder binder = session_->NewBinder("");
  return Derive(binder.BindWatermark(plan_, *col(eventTime).expr(), *lit(delayThreshold).expr()));
}

namespace {

// The output columns named `names` (each name: every column of that name),
// or all of them when `names` is empty; Spark's error for an unknown name.
Result<std::vector<int>> DedupColumns(const LogicalPlan& plan, const std::vector<std::string>& names) {
  std::vector<int> out;
  if (names.empty()) {
    for (size_t i = 0; i < plan.output.size(); ++i) out.push_back(static_cast<int>(i));
    return out;
  }
  for (const auto& n : names) {
    bool found = false;
    for (size_t i = 0; i < plan.output.size(); ++i) {
      if (!EqualsIgnoreCase(plan.output[i].name, n)) continue;
      found = true;
      if (std::find(out.begin(), out.end(), static_cast<int>(i)) == out.end()) out.push_back(static_cast<int>(i));
    }
    if (!found) {
      std::string among;
      for (size_t i = 0; i < plan.output.size(); ++i) among += (i ? ", " : "") + plan.output[i].name;
      return Status::AnalysisError("[UNRESOLVED_COLUMN_AMONG_FIELD_NAMES] Cannot resolve column name \"" + n +
                                   "\" among (" + among + ").");
    }
  }
  return out;
}

}  // namespace

DataFrame DataFrame::dropDuplicates(const std::vector<std::string>& cols) const {
  SLUICE_DF_CHECK();
  auto keys = DedupColumns(*plan_, cols);
  if (!keys.ok()) return DataFrame(session_, plan_, keys.status());
  return DataFrame(session_, MakeDeduplicate(plan_, std::move(*keys), false), Status::OK());
}

DataFrame DataFrame::dropDuplicatesWithinWatermark(const std::vector<std::string>& cols) const {
  SLUICE_DF_CHECK();
  auto keys = DedupColumns(*plan_, cols);
  if (!keys.ok()) return DataFrame(session_, plan_, keys.status());
  return DataFrame(session_, MakeDeduplicate(plan_, std::move(*keys), true), Status::OK());
}

DataFrame DataFrame::unionAll(const DataFrame& other) const {
  SLUICE_DF_CHECK();
  if (!other.error_.ok()) return other;
  if (plan_->output.size() != other.plan_->output.size()) {
    return DataFrame(session_, plan_, Status::AnalysisError("[NUM_COLUMNS_MISMATCH] union needs the same number of columns: " +
                                                            std::to_string(plan_->output.size()) + " vs " +
                                                            std::to_string(other.plan_->output.size())));
  }
  for (size_t i = 0; i < plan_->output.size(); ++i) {
    if (plan_->output[i].type != other.plan_->output[i].type) {
      return DataFrame(session_, plan_, Status::AnalysisError("[INCOMPATIBLE_COLUMN_TYPE] union column " + std::to_string(i + 1) +
                                                              " has types " + plan_->output[i].type.ToString() + " and " +
                                                              other.plan_->output[i].type.ToString() +
                                                              "; cast one side first"));
    }
  }
  return DataFrame(session_, MakeUnion({plan_, other.plan_}), Status::OK());
}

DataFrame DataFrame::alias(const std::string& name) const {
  SLUICE_DF_CHECK();
  std::vector<ExprPtr> exprs;
  std::vector<LogicalColumn> out;
  for (size_t i = 0; i < plan_->output.size(); ++i) {
    LogicalColumn c = plan_->output[i];
    exprs.push_back(MakeColumnRef(static_cast<int>(i), c.type, c.name, c.nullable));
    c.qualifier = name;
    out.push_back(c);
  }
  return DataFrame(session_, MakeProject(plan_, exprs, out), Status::OK());
}

Status DataFrame::createOrReplaceTempView(const std::string& name) const {
  SLUICE_RETURN_NOT_OK(error_);
  return session_->catalog().CreateView(name, plan_, true, false);
}

Result<QueryResult> DataFrame::collect() const {
  SLUICE_RETURN_NOT_OK(error_);
  return session_->Execute(plan_);
}

Result<int64_t> DataFrame::count() const {
  SLUICE_ASSIGN_OR_RETURN(auto r, agg({sluice::count(lit(1))}).collect());
  return r.Rows()[0][0].bigint_value();
}

Result<std::string> DataFrame::explain(bool extended) const {
  SLUICE_RETURN_NOT_OK(error_);
  return session_->Explain(plan_, extended);
}

Status DataFrame::show(size_t n, size_t truncate) const {
  SLUICE_ASSIGN_OR_RETURN(auto r, limit(static_cast<int64_t>(n)).collect());
  std::fputs(r.ToTable(n, truncate).c_str(), stdout);
  return Status::OK();
}

Result<Schema> DataFrame::schema() const {
  SLUICE_RETURN_NOT_OK(error_);
  return OutputSchema(*plan_);
}

// ---------------------------------------------------------------------------
// Reader and session entry points

DataFrameReader& DataFrameReader::format(const std::string& f) {
  format_ = f;
  return *this;
}
DataFrameReader& DataFrameReader::option(const std::string& key, const std::string& value) {
  options_[ToLower(key)] = value;
  return *this;
}
DataFrameReader& DataFrameReader::options(const std::map<std::string, std::string>& opts) {
  for (const auto& [k, v] : opts) option(k, v);
  return *this;
}
DataFrameReader& DataFrameReader::schema(const std::string& ddl) {
  schema_ = ddl;
  return *this;
}

DataFrame DataFrameReader::load(const std::string& path) const {
  DataFrameReader copy = *this;
  copy.options_["path"] = path;
  return copy.load();
}

DataFrame DataFrameReader::load() const {
  auto fail = [&](const Status& st) { return DataFrame(session_, MakeValues({}, {}), st); };
  auto spec = BuiltinConnectors().Get(ConnectorKind::kTable, format_);
  if (!spec.ok()) return fail(spec.status());
  auto it = options_.find("path");
  // Formats that read something other than files (kafka) take no path.
  if (it == options_.end() && (*spec)->takes_path) return fail(Status::InvalidArgument("load() needs a path"));
  std::optional<Schema> schema;
  if (schema_) {
    auto s = ParseSchema(*schema_);
    if (!s.ok()) return fail(s.status().WithContext("schema '" + *schema_ + "'"));
    schema = *s;
  }
  std::map<std::string, std::string> opts = options_;
  opts.erase("path");
  std::vector<std::string> paths;
  if (it != options_.end()) paths.push_back(it->second);
  auto table = BuiltinConnectors().MakeTable(format_, opts, paths, schema);
  if (!table.ok()) return fail(table.status());
  return DataFrame(session_, MakeScan(*table, paths.empty() ? (*spec)->name : paths[0], ""), Status::OK());
}

DataFrame DataFrameReader::table(const std::string& name) const {
  auto entry = session_->catalog().Find(name);
  if (!entry) {
    return DataFrame(session_, MakeValues({}, {}),
                     Status::AnalysisError("[TABLE_OR_VIEW_NOT_FOUND] table or view `" + name + "` cannot be found"));
  }
  // A view's columns are qualified by its name, as a table's are.
  if (entry->view) return DataFrame(session_, entry->view, Status::OK()).alias(name);
  return DataFrame(session_, MakeScan(entry->table, name, name), Status::OK());
}

DataFrameReader Session::read() {
  return DataFrameReader(std::static_pointer_cast<SessionImpl>(static_cast<SessionImpl*>(this)->shared_from_this()));
}

DataFrame Session::table(const std::string& name) { return read().table(name); }

DataFrame Session::sql(const std::string& query) {
  auto self = std::static_pointer_cast<SessionImpl>(static_cast<SessionImpl*>(this)->shared_from_this());
  auto statements = ParseStatements(query);
  if (!statements.ok()) return DataFrame(self, MakeValues({}, {}), statements.status());
  if (statements->size() != 1 || (*statements)[0]->kind != ast::StatementKind::kSelect) {
    return DataFrame(self, MakeValues({}, {}), Status::InvalidArgument("sql() takes exactly one query"));
  }
  auto plan = self->BindQueryText(*(*statements)[0]->As<ast::SelectStatement>().query, query);
  if (!plan.ok()) return DataFrame(self, MakeValues({}, {}), plan.status());
  return DataFrame(self, *plan, Status::OK());
}

DataFrame Session::createDataFrame(const QueryResult& data) {
  auto self = std::static_pointer_cast<SessionImpl>(static_cast<SessionImpl*>(this)->shared_from_this());
  auto table = std::make_shared<MemoryTable>(data.schema(), QueryResultBatches(data), "LocalRelation");
  return DataFrame(self, MakeScan(table, "LocalRelation", ""), Status::OK());
}

}  // namespace sluice
