#include "plan/logical_plan.h"

#include <algorithm>

#include "exec/function_registry.h"
#include "exec/operators/filter_project_operator.h"
#include "exec/operators/values_operator.h"

namespace sluice {

std::string LogicalAggregate::ToString() const {
  std::string s = call.name + "(";
  if (call.distinct) s += "DISTINCT ";
  s += arg ? arg->ToString() : "*";
  return s + ")";
}

namespace {

std::string ExprList(const std::vector<ExprPtr>& exprs) {
  std::string s;
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i) s += ", ";
    s += exprs[i]->ToString();
  }
  return s;
}

std::string ColumnList(const std::vector<LogicalColumn>& cols) {
  std::string s;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) s += ", ";
    s += cols[i].name + "#" + std::to_string(i);
  }
  return s;
}

}  // namespace

std::string LogicalPlan::NodeString() const {
  switch (kind) {
    case LogicalKind::kScan: {
      std::string s = "Relation " + table_name + " [" + ColumnList(output) + "] " + table->description();
      s += " PushedFilters: [" + (pushed_filter ? pushed_filter->ToString() : "") + "], ReadSchema: struct<";
      for (size_t i = 0; i < output.size(); ++i) {
        s += (i ? "," : "") + output[i].name + ":" + output[i].type.SimpleString();
      }
      return s + ">";
    }
    case LogicalKind::kValues:
      return "LocalRelation [" + ColumnList(output) + "]";
    case LogicalKind::kFilter: return "Filter " + condition->ToString();
    case LogicalKind::kProject: {
      std::string s = "Project [";
      for (size_t i = 0; i < exprs.size(); ++i) {
        if (i) s += ", ";
        s += exprs[i]->ToString() + " AS " + output[i].name;
      }
      return s + "]";
    }
    case LogicalKind::kAggregate: {
      std::string s = "Aggregate [" + ExprList(groups) + "], [";
      for (size_t i = 0; i < aggregates.size(); ++i) {
        if (i) s += ", ";
        s += aggregates[i].ToString();
      }
      s += "]";
      if (session_window_group >= 0) s += ", merging sessions of key " + std::to_string(session_window_group);
      if (stateful()) s += ", stateful operator " + std::to_string(state_operator_id);
      return s;
    }
    case LogicalKind::kJoin:
      return std::string("Join ") + JoinTypeName(join_type) + (condition ? ", " + condition->ToString() : "") +
             (stateful() ? ", stateful operator " + std::to_string(state_operator_id) : "");
    case LogicalKind::kSort: {
      std::string s = "Sort [";
      for (size_t i = 0; i < sort_items.size(); ++i) {
        if (i) s += ", ";
        s += sort_items[i].expr->ToString() + (sort_items[i].ascending ? " ASC" : " DESC") +
             (sort_items[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
      }
      return s + "]";
    }
    case LogicalKind::kLimit:
      return "Limit " + std::to_string(limit) + (offset ? " Offset " + std::to_string(offset) : "");
    case LogicalKind::kUnion: return "Union";
    case LogicalKind::kDistinct: return "Distinct";
    case LogicalKind::kWatermark:
      return "EventTimeWatermark " + output[static_cast<size_t>(watermark_column)].name + "#" +
             std::to_string(watermark_column) + ", " + std::to_string(watermark_delay_ms) + " ms";
    case LogicalKind::kDeduplicate: {
      std::string s = dedup_within_watermark ? "DeduplicateWithinWatermark [" : "Deduplicate [";
      for (size_t i = 0; i < dedup_columns.size(); ++i) {
        if (i) s += ", ";
        s += output[static_cast<size_t>(dedup_columns[i])].name + "#" + std::to_string(dedup_columns[i]);
      }
      s += "]";
      if (stateful()) s += ", stateful operator " + std::to_string(state_operator_id);
      return s;
    }
    case LogicalKind::kExpand: {
      std::string s = "Expand [";
      for (size_t i = 0; i < expand_sets.size(); ++i) s += (i ? "], [" : "[") + ExprList(expand_sets[i]);
      return s + "]]";
    }
  }
  return "?";
}

std::string LogicalPlan::ToTreeString(int indent) const {
  std::string s(static_cast<size_t>(indent) * 3, ' ');
  if (indent > 0) s += "+- ";
  s += NodeString() + "\n";
  for (const auto& c : children) s += c->ToTreeString(indent + 1);
  return s;
}

LogicalPlanPtr MakeScan(TableSourcePtr table, std::string name, std::string qualifier) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kScan;
  const Schema& schema = table->schema();
  for (size_t i = 0; i < schema.size(); ++i) {
    p->output.push_back({schema.field(i).name, qualifier, schema.field(i).type, schema.field(i).nullable});
    p->scan_columns.push_back(static_cast<int>(i));
  }
  p->table = std::move(table);
  p->table_name = std::move(name);
  return p;
}

LogicalPlanPtr MakeValues(std::vector<LogicalColumn> output, std::vector<Batch> values) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kValues;
  p->output = std::move(output);
  p->values = std::move(values);
  return p;
}

LogicalPlanPtr MakeFilter(LogicalPlanPtr child, ExprPtr condition) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kFilter;
  p->output = child->output;
  p->children = {std::move(child)};
  p->condition = std::move(condition);
  return p;
}

LogicalPlanPtr MakeProject(LogicalPlanPtr child, std::vector<ExprPtr> exprs,
                           std::vector<LogicalColumn> output) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kProject;
  p->children = {std::move(child)};
  p->exprs = std::move(exprs);
  p->output = std::move(output);
  PropagateWatermarkDelay(p->children[0]->output, p->exprs, &p->output);
  return p;
}

LogicalPlanPtr MakeAggregate(LogicalPlanPtr child, std::vector<ExprPtr> groups,
                             std::vector<LogicalAggregate> aggregates,
                             std::vector<LogicalColumn> output, int state_operator_id) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kAggregate;
  p->state_operator_id = state_operator_id;
  p->children = {std::move(child)};
  p->groups = std::move(groups);
  p->aggregates = std::move(aggregates);
  p->output = std::move(output);
  PropagateWatermarkDelay(p->children[0]->output, p->groups, &p->output);
  return p;
}

LogicalPlanPtr MakeJoin(LogicalPlanPtr left, LogicalPlanPtr right, JoinType type, ExprPtr condition,
                        int state_operator_id) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kJoin;
  p->state_operator_id = state_operator_id;
  p->join_type = type;
  p->condition = std::move(condition);
  p->output = left->output;
  if (type != JoinType::kLeftSemi && type != JoinType::kLeftAnti) {
    for (const auto& c : right->output) p->output.push_back(c);
  }
  // Outer joins make the other side's columns nullable.
  size_t nl = left->output.size();
  if (type == JoinType::kRightOuter || type == JoinType::kFullOuter) {
    for (size_t i = 0; i < nl; ++i) p->output[i].nullable = true;
  }
  if (type == JoinType::kLeftOuter || type == JoinType::kFullOuter) {
    for (size_t i = nl; i < p->output.size(); ++i) p->output[i].nullable = true;
  }
  p->children = {std::move(left), std::move(right)};
  return p;
}

LogicalPlanPtr MakeSort(LogicalPlanPtr child, std::vector<SortItem> items) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kSort;
  p->output = child->output;
  p->children = {std::move(child)};
  p->sort_items = std::move(items);
  return p;
}

LogicalPlanPtr MakeLimit(LogicalPlanPtr child, int64_t limit, int64_t offset) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kLimit;
  p->output = child->output;
  p->children = {std::move(child)};
  p->limit = limit;
  p->offset = offset;
  return p;
}

LogicalPlanPtr MakeUnion(std::vector<LogicalPlanPtr> children) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kUnion;
  p->output = children[0]->output;
  for (auto& c : p->output) c.qualifier.clear();
  for (size_t i = 1; i < children.size(); ++i) {
    for (size_t k = 0; k < p->output.size(); ++k) {
      p->output[k].nullable = p->output[k].nullable || children[i]->output[k].nullable;
      // Nested fields too: the types are equal but for nullability (the
      // binder cast the inputs to their common type), and a field may be
      // NULL in any input.
      if (p->output[k].type.is_nested()) {
        auto common = CommonType(p->output[k].type, children[i]->output[k].type);
        if (common.ok()) p->output[k].type = *common;
      }
    }
  }
  p->children = std::move(children);
  return p;
}

LogicalPlanPtr MakeDistinct(LogicalPlanPtr child) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kDistinct;
  p->output = child->output;
  p->children = {std::move(child)};
  return p;
}

LogicalPlanPtr MakeWatermark(LogicalPlanPtr child, int column, int64_t delay_ms) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kWatermark;
  p->output = child->output;
  p->output[static_cast<size_t>(column)].watermark_delay_ms = delay_ms;
  p->children = {std::move(child)};
  p->watermark_column = column;
  p->watermark_delay_ms = delay_ms;
  return p;
}

LogicalPlanPtr MakeDeduplicate(LogicalPlanPtr child, std::vector<int> columns, bool within_watermark,
                               int state_operator_id) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kDeduplicate;
  p->state_operator_id = state_operator_id;
  p->output = child->output;
  p->children = {std::move(child)};
  p->dedup_columns = std::move(columns);
  p->dedup_within_watermark = within_watermark;
  return p;
}

void PropagateWatermarkDelay(const std::vector<LogicalColumn>& input, const std::vector<ExprPtr>& exprs,
                             std::vector<LogicalColumn>* output) {
  for (size_t i = 0; i < exprs.size() && i < output->size(); ++i) {
    ExprPtr e = exprs[i];
    if (e && e->kind == ExprKind::kCall && e->name == "window_time" && e->args.size() == 1) e = e->args[0];
    if (!e || e->kind != ExprKind::kColumnRef || (*output)[i].watermark_delay_ms) continue;
    if (e->column_index < 0 || static_cast<size_t>(e->column_index) >= input.size()) continue;
    (*output)[i].watermark_delay_ms = input[static_cast<size_t>(e->column_index)].watermark_delay_ms;
  }
}

LogicalPlanPtr MakeExpand(LogicalPlanPtr child, std::vector<std::vector<ExprPtr>> sets,
                          std::vector<LogicalColumn> output) {
  auto p = std::make_shared<LogicalPlan>();
  p->kind = LogicalKind::kExpand;
  p->expand_sets = std::move(sets);
  p->output = std::move(output);
  p->children = {std::move(child)};
  return p;
}

LogicalPlanPtr WithChildren(const LogicalPlan& node, std::vector<LogicalPlanPtr> children) {
  auto p = std::make_shared<LogicalPlan>(node);
  p->children = std::move(children);
  switch (node.kind) {
    case LogicalKind::kFilter:
    case LogicalKind::kSort:
    case LogicalKind::kLimit:
    case LogicalKind::kDistinct:
    case LogicalKind::kDeduplicate: p->output = p->children[0]->output; break;
    case LogicalKind::kWatermark:
      p->output = p->children[0]->output;
      p->output[static_cast<size_t>(node.watermark_column)].watermark_delay_ms = node.watermark_delay_ms;
      break;
    case LogicalKind::kJoin:
      return MakeJoin(p->children[0], p->children[1], node.join_type, node.condition, node.state_operator_id);
    default: break;
  }
  return p;
}

Schema OutputSchema(const LogicalPlan& plan) {
  Schema s;
  for (const auto& c : plan.output) s.Add({c.name, c.type, c.nullable});
  return s;
}

void CollectColumns(const Expr& e, std::vector<int>* out) {
  if (e.kind == ExprKind::kColumnRef) {
    out->push_back(e.column_index);
    return;
  }
  for (const auto& a : e.args) CollectColumns(*a, out);
}

ExprPtr RewriteExpr(const ExprPtr& e, const std::function<ExprPtr(const Expr&)>& rewrite) {
  if (ExprPtr r = rewrite(*e)) return r;
  if (e->kind != ExprKind::kCall) return e;
  bool changed = false;
  std::vector<ExprPtr> args;
  args.reserve(e->args.size());
  for (const auto& a : e->args) {
    args.push_back(RewriteExpr(a, rewrite));
    changed |= args.back() != a;
  }
  if (!changed) return e;
  auto copy = std::make_shared<Expr>(*e);
  copy->args = std::move(args);
  return copy;
}

namespace {

// Rewrites the column refs of e with on_column.
template <typename F>
ExprPtr Transform(const ExprPtr& e, const F& on_column) {
  return RewriteExpr(e, [&](const Expr& c) -> ExprPtr {
    return c.kind == ExprKind::kColumnRef ? on_column(c) : nullptr;
  });
}

}  // namespace

ExprPtr RemapColumns(const ExprPtr& e, const std::vector<int>& mapping) {
  return Transform(e, [&](const Expr& c) -> ExprPtr {
    int to = mapping[static_cast<size_t>(c.column_index)];
    if (to == c.column_index) return std::make_shared<Expr>(c);
    auto copy = std::make_shared<Expr>(c);
    copy->column_index = to;
    return copy;
  });
}

ExprPtr SubstituteColumns(const ExprPtr& e, const std::vector<ExprPtr>& replacements) {
  return Transform(e, [&](const Expr& c) -> ExprPtr {
    return replacements[static_cast<size_t>(c.column_index)];
  });
}

ExprPtr ShiftColumns(const ExprPtr& e, int delta) {
  if (delta == 0) return e;
  return Transform(e, [&](const Expr& c) -> ExprPtr {
    auto copy = std::make_shared<Expr>(c);
    copy->column_index += delta;
    return copy;
  });
}

Result<ExprPtr> CombineConjuncts(const std::vector<ExprPtr>& conjuncts) {
  if (conjuncts.empty()) return ExprPtr();
  ExprPtr acc = conjuncts[0];
  for (size_t i = 1; i < conjuncts.size(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(acc, BindScalarFunction("and", {acc, conjuncts[i]}));
  }
  return acc;
}

bool IsDeterministic(const Expr& e) {
  if (e.kind == ExprKind::kCall && e.function && !e.function->deterministic) return false;
  for (const auto& a : e.args) {
    if (!IsDeterministic(*a)) return false;
  }
  return true;
}

}  // namespace sluice
