#include "plan/optimizer.h"

#include <algorithm>
#include <set>

#include "exec/expression_evaluator.h"
#include "exec/function_registry.h"
#include "plan/json_pushdown.h"

namespace sluice {

namespace {

bool IsLiteralBool(const ExprPtr& e, bool value) {
  return e->kind == ExprKind::kLiteral && e->type.id() == TypeId::kBoolean && !e->literal.is_null() &&
         e->literal.bool_value() == value;
}

bool IsNullLiteral(const ExprPtr& e) { return e->kind == ExprKind::kLiteral && e->literal.is_null(); }

// Spark's NullIntolerant expressions (null in any argument, null out) among
// Sluice's functions, by their registered names: comparisons, arithmetic,
// casts, and the scalar functions Spark marks so (Spark 4.3; round, concat,
// coalesce, trim, locate, hash, the try_ functions, size, ... are not).
// to_timestamp and to_date count only without a format (they are casts).
bool IsNullIntolerant(const Expr& call) {
  static const std::set<std::string, std::less<>> kNames = {
      // comparisons, logic, arithmetic, casts
      "=", "<>", "<", "<=", ">", ">=", "not", "like", "rlike", "+", "-", "*", "/", "%", "mod", "div", "pmod",
      "negate", "cast", "try_cast",
      // date and time
      "from_unixtime", "date_format", "year", "quarter", "month", "day", "dayofyear", "dayofweek", "weekday",
      "hour", "minute", "second", "date_add", "date_sub", "datediff", "last_day", "unix_date", "weekofyear",
      "add_months", "months_between", "next_day", "make_date", "make_timestamp", "date_from_unix_date",
      "timestamp_seconds", "timestamp_millis", "timestamp_micros", "unix_seconds", "unix_millis", "unix_micros",
      // hashing, math
      "md5", "sha1", "sha2", "crc32", "abs", "floor", "ceil", "sqrt", "cbrt", "exp", "ln", "log", "log10", "log2",
      "pow", "sign", "signum", "atan2", "factorial", "hex", "bin",
      // nested
      "get_field", "get_array_item", "element_at", "array_contains", "sort_array", "array_distinct",
      // strings, JSON
      "substring", "left", "upper", "lower", "initcap", "length", "octet_length", "split", "regexp_extract",
      "regexp_replace", "replace", "instr", "lpad", "rpad", "starts_with", "ends_with", "contains", "reverse",
      "repeat", "ascii", "chr", "translate", "substring_index", "unbase64", "from_json"};
  if (call.function == nullptr) return false;
  const std::string& name = call.function->name;
  if ((name == "to_timestamp" || name == "to_date") && call.args.size() == 1) return true;
  return kNames.count(name) > 0;
}

ExprPtr WithArgs(const ExprPtr& e, std::vector<ExprPtr> args) {
  auto copy = std::make_shared<Expr>(*e);
  copy->args = std::move(args);
  return copy;
}

}  // namespace

namespace {

// The conditionals whose branches Spark's ConstantFolding folds without
// failing (ConditionalExpression: a branch may never be taken).
bool IsConditional(const Expr& e) {
  if (e.function == nullptr) return false;
  const std::string& n = e.function->name;
  return n == "case" || n == "if" || n == "coalesce" || n == "nvl";
}

// Folds e bottom-up. A constant subexpression whose evaluation fails is left
// as it is and its error handed up in *pending: a constant parent is then
// evaluated whole (which may succeed: NULL + 1/0 is NULL), and the first
// parent that is not constant fails with it, unless the failure sits in a
// branch of a conditional (in_branch), where it is left for run time.
Result<ExprPtr> Fold(const ExprPtr& e, bool in_branch, Status* pending) {
  if (e->kind != ExprKind::kCall) return e;
  const bool branch = in_branch || IsConditional(*e);
  std::vector<ExprPtr> args;
  bool changed = false;
  Status child_failure;
  for (const auto& a : e->args) {
    Status p;
    SLUICE_ASSIGN_OR_RETURN(auto f, Fold(a, branch, &p));
    if (!p.ok() && child_failure.ok()) child_failure = p;
    changed |= f != a;
    args.push_back(std::move(f));
  }
  ExprPtr cur = changed ? WithArgs(e, std::move(args)) : e;
  // Boolean simplification.
  if (cur->name == "and" && cur->args.size() == 2) {
    const auto &l = cur->args[0], &r = cur->args[1];
    if (IsLiteralBool(l, true)) return r;
    if (IsLiteralBool(r, true)) return l;
    if (IsLiteralBool(l, false) || IsLiteralBool(r, false)) return MakeLiteral(Value::Boolean(false));
  } else if (cur->name == "or" && cur->args.size() == 2) {
    const auto &l = cur->args[0], &r = cur->args[1];
    if (IsLiteralBool(l, false)) return r;
    if (IsLiteralBool(r, false)) return l;
    if (IsLiteralBool(l, true) || IsLiteralBool(r, true)) return MakeLiteral(Value::Boolean(true));
  } else if (cur->name == "not" && cur->args.size() == 1) {
    const auto& a = cur->args[0];
    if (a->kind == ExprKind::kCall && a->name == "not") return a->args[0];
  }
  // Spark's NullPropagation: a NULL literal argument makes a null-intolerant
  // call NULL, and so does a NULL literal value tested by IN; the other
  // arguments are not evaluated (a cast of them that would fail does not).
  if (cur->kind == ExprKind::kCall && !cur->args.empty() &&
      ((IsNullIntolerant(*cur) && std::any_of(cur->args.begin(), cur->args.end(), IsNullLiteral)) ||
       (cur->function != nullptr && cur->function->name == "in" && IsNullLiteral(cur->args[0])))) {
    return MakeLiteral(Value::Null(cur->type));
  }
  if (cur->IsConstant()) {
    // Evaluate over a one-row batch with no columns.
    Batch one;
    one.num_rows = 1;
    EvalContext ctx;
    ctx.now_known = false;
    auto v = ExpressionEvaluator::Evaluate(*cur, one, nullptr, ctx);
    if (v.ok() && v->size() == 1) {
      Value val = v->GetValue(0);
      if (val.is_null()) val = Value::Null(cur->type);
      return MakeLiteral(std::move(val));
    }
    // A data error (1/0, a bad cast) is Spark's; anything else, or a value
    // that needs the query's clock, is left for run time.
    if (!v.ok() && v.status().code() == StatusCode::kExecutionError && !ctx.needed_now) *pending = v.status();
    return cur;
  }
  if (!child_failure.ok() && !branch) return child_failure;
  return cur;
}

}  // namespace

Result<ExprPtr> FoldExpression(const ExprPtr& e) {
  Status pending;
  SLUICE_ASSIGN_OR_RETURN(ExprPtr folded, Fold(e, false, &pending));
  SLUICE_RETURN_NOT_OK(pending);
  return folded;
}

namespace {

Result<std::vector<ExprPtr>> FoldAll(const std::vector<ExprPtr>& exprs) {
  std::vector<ExprPtr> out;
  for (const auto& e : exprs) {
    SLUICE_ASSIGN_OR_RETURN(auto f, FoldExpression(e));
    out.push_back(std::move(f));
  }
  return out;
}

LogicalPlanPtr EmptyRelation(const LogicalPlan& like) { return MakeValues(like.output, {}); }

}  // namespace

Result<LogicalPlanPtr> FoldConstants(const LogicalPlanPtr& plan) {
  std::vector<LogicalPlanPtr> children;
  for (const auto& c : plan->children) {
    SLUICE_ASSIGN_OR_RETURN(auto f, FoldConstants(c));
    children.push_back(std::move(f));
  }
  auto p = std::const_pointer_cast<LogicalPlan>(WithChildren(*plan, std::move(children)));
  if (p->condition) {
    SLUICE_ASSIGN_OR_RETURN(p->condition, FoldExpression(p->condition));
  }
  if (p->pushed_filter) {
    SLUICE_ASSIGN_OR_RETURN(p->pushed_filter, FoldExpression(p->pushed_filter));
  }
  SLUICE_ASSIGN_OR_RETURN(p->exprs, FoldAll(p->exprs));
  SLUICE_ASSIGN_OR_RETURN(p->groups, FoldAll(p->groups));
  for (auto& a : p->aggregates) {
    if (a.arg) {
      SLUICE_ASSIGN_OR_RETURN(a.arg, FoldExpression(a.arg));
    }
  }
  for (auto& s : p->sort_items) {
    SLUICE_ASSIGN_OR_RETURN(s.expr, FoldExpression(s.expr));
  }
  if (p->kind == LogicalKind::kFilter) {
    if (IsLiteralBool(p->condition, true)) return p->children[0];
    if (IsLiteralBool(p->condition, false) || IsNullLiteral(p->condition)) return EmptyRelation(*p);
  }
  if (p->kind == LogicalKind::kJoin && p->condition && IsLiteralBool(p->condition, true)) {
    p->condition = nullptr;
    if (p->join_type == JoinType::kInner) p->join_type = JoinType::kCross;
  }
  return LogicalPlanPtr(p);
}

// ---------------------------------------------------------------------------
// Predicate pushdown.

namespace {

// Which sides of a join (left has `nl` columns) an expression reads.
void Sides(const Expr& e, int nl, bool* left, bool* right) {
  std::vector<int> cols;
  CollectColumns(e, &cols);
  *left = *right = false;
  for (int c : cols) (c < nl ? *left : *right) = true;
}

Result<LogicalPlanPtr> WrapFilter(LogicalPlanPtr plan, const std::vector<ExprPtr>& conjuncts) {
  if (conjuncts.empty()) return plan;
  SLUICE_ASSIGN_OR_RETURN(auto cond, CombineConjuncts(conjuncts));
  return MakeFilter(std::move(plan), std::move(cond));
}

Result<LogicalPlanPtr> Push(const LogicalPlanPtr& plan, std::vector<ExprPtr> pending);

Result<LogicalPlanPtr> PushChildren(const LogicalPlanPtr& plan) {
  std::vector<LogicalPlanPtr> children;
  for (const auto& c : plan->children) {
    SLUICE_ASSIGN_OR_RETURN(auto p, Push(c, {}));
    children.push_back(std::move(p));
  }
  return WithChildren(*plan, std::move(children));
}

Result<LogicalPlanPtr> Push(const LogicalPlanPtr& plan, std::vector<ExprPtr> pending) {
  switch (plan->kind) {
    case LogicalKind::kFilter: {
      SplitConjuncts(plan->condition, &pending);
      return Push(plan->children[0], std::move(pending));
    }
    case LogicalKind::kProject: {
      bool project_deterministic = true;
      for (const auto& e : plan->exprs) project_deterministic &= IsDeterministic(*e);
      std::vector<ExprPtr> down, keep;
      for (auto& c : pending) {
        if (project_deterministic && IsDeterministic(*c)) {
          down.push_back(SubstituteColumns(c, plan->exprs));
        } else {
          keep.push_back(c);
        }
      }
      SLUICE_ASSIGN_OR_RETURN(auto child, Push(plan->children[0], std::move(down)));
      return WrapFilter(WithChildren(*plan, {child}), keep);
    }
    case LogicalKind::kSort:
    case LogicalKind::kDistinct: {
      SLUICE_ASSIGN_OR_RETURN(auto child, Push(plan->children[0], std::move(pending)));
      return WithChildren(*plan, {child});
    }
    case LogicalKind::kExpand: {
      // Conditions stay above: they may read the expanded columns.
      SLUICE_ASSIGN_OR_RETURN(auto child, Push(plan->children[0], {}));
      return WrapFilter(WithChildren(*plan, {child}), pending);
    }
    case LogicalKind::kUnion: {
      std::vector<LogicalPlanPtr> children;
      for (const auto& c : plan->children) {
        SLUICE_ASSIGN_OR_RETURN(auto p, Push(c, pending));
        children.push_back(std::move(p));
      }
      return WithChildren(*plan, std::move(children));
    }
    case LogicalKind::kAggregate: {
      std::vector<ExprPtr> down, keep;
      int ngroups = static_cast<int>(plan->groups.size());
      for (auto& c : pending) {
        std::vector<int> cols;
        CollectColumns(*c, &cols);
        bool on_groups = IsDeterministic(*c) &&
                         std::all_of(cols.begin(), cols.end(), [&](int i) { return i < ngroups; });
        // A session window is only known once sessions are merged: a
        // condition on it cannot filter the rows that form it.
        for (int i : cols) on_groups &= i != plan->session_window_group;
        if (on_groups && !cols.empty()) {
          std::vector<ExprPtr> repl(plan->output.size());
          for (int i = 0; i < ngroups; ++i) repl[static_cast<size_t>(i)] = plan->groups[static_cast<size_t>(i)];
          down.push_back(SubstituteColumns(c, repl));
        } else {
          keep.push_back(c);
        }
      }
      SLUICE_ASSIGN_OR_RETURN(auto child, Push(plan->children[0], std::move(down)));
      return WrapFilter(WithChildren(*plan, {child}), keep);
    }
    case LogicalKind::kJoin: {
      int nl = static_cast<int>(plan->children[0]->output.size());
      JoinType jt = plan->join_type;
      std::vector<ExprPtr> on;
      SplitConjuncts(plan->condition, &on);
      std::vector<ExprPtr> to_left, to_right, new_on, keep;
      bool inner_like = jt == JoinType::kInner || jt == JoinType::kCross;
      // WHERE conjuncts above the join.
      for (auto& c : pending) {
        bool l, r;
        Sides(*c, nl, &l, &r);
        bool det = IsDeterministic(*c);
        if (det && l && !r && jt != JoinType::kRightOuter && jt != JoinType::kFullOuter) {
          to_left.push_back(c);
        } else if (det && r && !l && (inner_like || jt == JoinType::kRightOuter)) {
          to_right.push_back(ShiftColumns(c, -nl));
        } else if (det && inner_like && l && r) {
          new_on.push_back(c);
        } else {
          keep.push_back(c);
        }
      }
      // ON conjuncts.
      for (auto& c : on) {
        bool l, r;
        Sides(*c, nl, &l, &r);
        bool det = IsDeterministic(*c);
        bool left_ok = inner_like || jt == JoinType::kRightOuter || jt == JoinType::kLeftSemi;
        bool right_ok = inner_like || jt == JoinType::kLeftOuter || jt == JoinType::kLeftSemi ||
                        jt == JoinType::kLeftAnti;
        if (det && l && !r && left_ok) {
          to_left.push_back(c);
        } else if (det && r && !l && right_ok) {
          to_right.push_back(ShiftColumns(c, -nl));
        } else {
          new_on.push_back(c);
        }
      }
      SLUICE_ASSIGN_OR_RETURN(auto left, Push(plan->children[0], std::move(to_left)));
      SLUICE_ASSIGN_OR_RETURN(auto right, Push(plan->children[1], std::move(to_right)));
      SLUICE_ASSIGN_OR_RETURN(auto cond, CombineConjuncts(new_on));
      if (jt == JoinType::kCross && cond) jt = JoinType::kInner;
      if (jt == JoinType::kInner && !cond) jt = JoinType::kCross;
      return WrapFilter(MakeJoin(left, right, jt, cond, plan->state_operator_id), keep);
    }
    case LogicalKind::kScan: {
      std::vector<ExprPtr> into, keep;
      for (auto& c : pending) (IsDeterministic(*c) ? into : keep).push_back(c);
      if (into.empty()) return WrapFilter(plan, keep);
      auto p = std::make_shared<LogicalPlan>(*plan);
      if (p->pushed_filter) into.insert(into.begin(), p->pushed_filter);
      SLUICE_ASSIGN_OR_RETURN(p->pushed_filter, CombineConjuncts(into));
      return WrapFilter(p, keep);
    }
    case LogicalKind::kWatermark: {
      // As Spark: conjuncts that do not read the event-time column go below
      // it (the watermark's max event time must see every row).
      std::vector<ExprPtr> down, keep;
      for (auto& c : pending) {
        std::vector<int> cols;
        CollectColumns(*c, &cols);
        bool reads_time = std::find(cols.begin(), cols.end(), plan->watermark_column) != cols.end();
        (IsDeterministic(*c) && !reads_time ? down : keep).push_back(c);
      }
      SLUICE_ASSIGN_OR_RETURN(auto child, Push(plan->children[0], std::move(down)));
      return WrapFilter(WithChildren(*plan, {child}), keep);
    }
    case LogicalKind::kLimit:
    case LogicalKind::kValues:
    case LogicalKind::kDeduplicate: {
      SLUICE_ASSIGN_OR_RETURN(auto p, PushChildren(plan));
      return WrapFilter(p, pending);
    }
  }
  return plan;
}

}  // namespace

Result<LogicalPlanPtr> PushDownFilters(const LogicalPlanPtr& plan) { return Push(plan, {}); }

// ---------------------------------------------------------------------------
// Projection pruning.

namespace {

struct Pruned {
  LogicalPlanPtr plan;
  // Old output index -> new output index (-1 if dropped).
  std::vector<int> mapping;
};

std::vector<int> Identity(size_t n) {
  std::vector<int> m(n);
  for (size_t i = 0; i < n; ++i) m[i] = static_cast<int>(i);
  return m;
}

Result<Pruned> Prune(const LogicalPlanPtr& plan, std::set<int> required);

// Prunes and then guarantees the output is exactly `required` in order.
Result<LogicalPlanPtr> PruneExact(const LogicalPlanPtr& plan, const std::vector<int>& required) {
  SLUICE_ASSIGN_OR_RETURN(auto pr, Prune(plan, std::set<int>(required.begin(), required.end())));
  bool exact = pr.plan->output.size() == required.size();
  for (size_t i = 0; exact && i < required.size(); ++i) {
    exact = pr.mapping[static_cast<size_t>(required[i])] == static_cast<int>(i);
  }
  if (exact) return pr.plan;
  std::vector<ExprPtr> exprs;
  std::vector<LogicalColumn> out;
  for (int r : required) {
    int idx = pr.mapping[static_cast<size_t>(r)];
    const auto& col = pr.plan->output[static_cast<size_t>(idx)];
    exprs.push_back(MakeColumnRef(idx, col.type, col.name, col.nullable));
    out.push_back(col);
  }
  return MakeProject(pr.plan, std::move(exprs), std::move(out));
}

void AddColumns(const ExprPtr& e, std::set<int>* s) {
  if (!e) return;
  std::vector<int> cols;
  CollectColumns(*e, &cols);
  s->insert(cols.begin(), cols.end());
}

Result<Pruned> Prune(const LogicalPlanPtr& plan, std::set<int> required) {
  size_t n = plan->output.size();
  switch (plan->kind) {
    case LogicalKind::kScan: {
      AddColumns(plan->pushed_filter, &required);
      auto p = std::make_shared<LogicalPlan>(*plan);
      p->scan_columns.clear();
      p->output.clear();
      std::vector<int> mapping(n, -1);
      for (int r : required) {
        mapping[static_cast<size_t>(r)] = static_cast<int>(p->scan_columns.size());
        p->scan_columns.push_back(plan->scan_columns[static_cast<size_t>(r)]);
        p->output.push_back(plan->output[static_cast<size_t>(r)]);
      }
      if (p->pushed_filter) p->pushed_filter = RemapColumns(p->pushed_filter, mapping);
      return Pruned{p, mapping};
    }
    case LogicalKind::kValues: {
      auto p = std::make_shared<LogicalPlan>(*plan);
      p->output.clear();
      std::vector<int> mapping(n, -1);
      std::vector<int> keep(required.begin(), required.end());
      for (size_t k = 0; k < keep.size(); ++k) {
        mapping[static_cast<size_t>(keep[k])] = static_cast<int>(k);
        p->output.push_back(plan->output[static_cast<size_t>(keep[k])]);
      }
      p->values.clear();
      for (const auto& b : plan->values) {
        Batch nb;
        nb.num_rows = b.num_rows;
        for (int k : keep) nb.columns.push_back(b.columns[static_cast<size_t>(k)]);
        p->values.push_back(std::move(nb));
      }
      return Pruned{p, mapping};
    }
    case LogicalKind::kProject: {
      std::set<int> child_req;
      for (int r : required) AddColumns(plan->exprs[static_cast<size_t>(r)], &child_req);
      SLUICE_ASSIGN_OR_RETURN(auto child, Prune(plan->children[0], child_req));
      std::vector<ExprPtr> exprs;
      std::vector<LogicalColumn> out;
      std::vector<int> mapping(n, -1);
      for (int r : required) {
        mapping[static_cast<size_t>(r)] = static_cast<int>(exprs.size());
        exprs.push_back(RemapColumns(plan->exprs[static_cast<size_t>(r)], child.mapping));
        out.push_back(plan->output[static_cast<size_t>(r)]);
      }
      // Drop the projection when it is the identity over its child.
      bool identity = exprs.size() == child.plan->output.size();
      for (size_t i = 0; identity && i < exprs.size(); ++i) {
        identity = exprs[i]->kind == ExprKind::kColumnRef && exprs[i]->column_index == static_cast<int>(i) &&
                   out[i].name == child.plan->output[i].name;
      }
      if (identity) return Pruned{child.plan, mapping};
      return Pruned{MakeProject(child.plan, std::move(exprs), std::move(out)), mapping};
    }
    case LogicalKind::kFilter:
    case LogicalKind::kSort:
    case LogicalKind::kLimit: {
      std::set<int> child_req = required;
      AddColumns(plan->condition, &child_req);
      for (const auto& s : plan->sort_items) AddColumns(s.expr, &child_req);
      SLUICE_ASSIGN_OR_RETURN(auto child, Prune(plan->children[0], child_req));
      auto p = std::const_pointer_cast<LogicalPlan>(WithChildren(*plan, {child.plan}));
      if (p->condition) p->condition = RemapColumns(p->condition, child.mapping);
      for (auto& s : p->sort_items) s.expr = RemapColumns(s.expr, child.mapping);
      return Pruned{LogicalPlanPtr(p), child.mapping};
    }
    case LogicalKind::kDistinct:
    case LogicalKind::kDeduplicate: {
      SLUICE_ASSIGN_OR_RETURN(auto child, PruneExact(plan->children[0], Identity(n)));
      return Pruned{WithChildren(*plan, {child}), Identity(n)};
    }
    case LogicalKind::kWatermark: {
      std::set<int> child_req = required;
      child_req.insert(plan->watermark_column);
      SLUICE_ASSIGN_OR_RETURN(auto child, Prune(plan->children[0], child_req));
      int column = child.mapping[static_cast<size_t>(plan->watermark_column)];
      return Pruned{MakeWatermark(child.plan, column, plan->watermark_delay_ms), child.mapping};
    }
    case LogicalKind::kExpand: {
      // Every output column is kept; the child keeps what the sets read.
      std::set<int> child_req;
      for (const auto& set : plan->expand_sets) {
        for (const auto& e : set) AddColumns(e, &child_req);
      }
      SLUICE_ASSIGN_OR_RETURN(auto child, Prune(plan->children[0], child_req));
      auto p = std::make_shared<LogicalPlan>(*plan);
      p->children = {child.plan};
      for (auto& set : p->expand_sets) {
        for (auto& e : set) e = RemapColumns(e, child.mapping);
      }
      return Pruned{LogicalPlanPtr(p), Identity(n)};
    }
    case LogicalKind::kUnion: {
      std::vector<int> keep(required.begin(), required.end());
      std::vector<LogicalPlanPtr> children;
      for (const auto& c : plan->children) {
        SLUICE_ASSIGN_OR_RETURN(auto pc, PruneExact(c, keep));
        children.push_back(std::move(pc));
      }
      std::vector<int> mapping(n, -1);
      for (size_t k = 0; k < keep.size(); ++k) mapping[static_cast<size_t>(keep[k])] = static_cast<int>(k);
      auto u = std::make_shared<LogicalPlan>(*MakeUnion(std::move(children)));
      for (size_t k = 0; k < keep.size(); ++k) u->output[k].name = plan->output[static_cast<size_t>(keep[k])].name;
      return Pruned{LogicalPlanPtr(u), mapping};
    }
    case LogicalKind::kAggregate: {
      size_t ng = plan->groups.size();
      std::set<int> child_req;
      for (const auto& g : plan->groups) AddColumns(g, &child_req);
      std::vector<size_t> kept_aggs;
      for (size_t a = 0; a < plan->aggregates.size(); ++a) {
        if (required.count(static_cast<int>(ng + a)) || (ng == 0 && plan->aggregates.size() == 1)) {
          kept_aggs.push_back(a);
          AddColumns(plan->aggregates[a].arg, &child_req);
        }
      }
      // A global aggregate must keep one aggregate to produce its single row.
      if (ng == 0 && kept_aggs.empty() && !plan->aggregates.empty()) {
        kept_aggs.push_back(0);
        AddColumns(plan->aggregates[0].arg, &child_req);
      }
      SLUICE_ASSIGN_OR_RETURN(auto child, Prune(plan->children[0], child_req));
      std::vector<ExprPtr> groups;
      for (const auto& g : plan->groups) groups.push_back(RemapColumns(g, child.mapping));
      std::vector<LogicalAggregate> aggs;
      std::vector<LogicalColumn> out(plan->output.begin(), plan->output.begin() + static_cast<long>(ng));
      std::vector<int> mapping(n, -1);
      for (size_t g = 0; g < ng; ++g) mapping[g] = static_cast<int>(g);
      for (size_t a : kept_aggs) {
        LogicalAggregate la = plan->aggregates[a];
        if (la.arg) la.arg = RemapColumns(la.arg, child.mapping);
        mapping[ng + a] = static_cast<int>(out.size());
        out.push_back(plan->output[ng + a]);
        aggs.push_back(std::move(la));
      }
      auto pruned = std::const_pointer_cast<LogicalPlan>(
          MakeAggregate(child.plan, std::move(groups), std::move(aggs), std::move(out), plan->state_operator_id));
      pruned->session_window_group = plan->session_window_group;
      return Pruned{LogicalPlanPtr(pruned), mapping};
    }
    case LogicalKind::kJoin: {
      int nl = static_cast<int>(plan->children[0]->output.size());
      int nr = static_cast<int>(plan->children[1]->output.size());
      std::set<int> lreq, rreq;
      std::set<int> all = required;
      AddColumns(plan->condition, &all);
      for (int c : all) (c < nl ? lreq.insert(c) : rreq.insert(c - nl));
      SLUICE_ASSIGN_OR_RETURN(auto left, Prune(plan->children[0], lreq));
      SLUICE_ASSIGN_OR_RETURN(auto right, Prune(plan->children[1], rreq));
      int new_nl = static_cast<int>(left.plan->output.size());
      std::vector<int> cond_map(static_cast<size_t>(nl + nr), -1);
      for (int i = 0; i < nl; ++i) cond_map[static_cast<size_t>(i)] = left.mapping[static_cast<size_t>(i)];
      for (int i = 0; i < nr; ++i) {
        int m = right.mapping[static_cast<size_t>(i)];
        cond_map[static_cast<size_t>(nl + i)] = m < 0 ? -1 : m + new_nl;
      }
      ExprPtr cond = plan->condition ? RemapColumns(plan->condition, cond_map) : nullptr;
      auto j = MakeJoin(left.plan, right.plan, plan->join_type, cond, plan->state_operator_id);
      std::vector<int> mapping(n);
      for (size_t i = 0; i < n; ++i) mapping[i] = cond_map[i];
      return Pruned{j, mapping};
    }
  }
  return Pruned{plan, Identity(n)};
}

}  // namespace

Result<LogicalPlanPtr> PruneColumns(const LogicalPlanPtr& plan) {
  return PruneExact(plan, Identity(plan->output.size()));
}

Result<LogicalPlanPtr> Optimize(const LogicalPlanPtr& plan) {
  SLUICE_ASSIGN_OR_RETURN(auto p, FoldConstants(plan));
  SLUICE_ASSIGN_OR_RETURN(p, PushDownFilters(p));
  // Pushdown may have combined conjuncts that now fold further.
  SLUICE_ASSIGN_OR_RETURN(p, FoldConstants(p));
  SLUICE_ASSIGN_OR_RETURN(p, PruneColumns(p));
  // from_json over a source that parses JSON itself becomes a scan column;
  // pruning again drops the text column when nothing else reads it.
  SLUICE_ASSIGN_OR_RETURN(auto with_json, PushJsonParseIntoScans(p));
  if (with_json != p) {
    SLUICE_ASSIGN_OR_RETURN(p, PruneColumns(with_json));
  }
  return p;
}

}  // namespace sluice
