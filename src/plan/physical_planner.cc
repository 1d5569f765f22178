#include "plan/physical_planner.h"

#include <limits>
#include <map>
#include <set>

#include "exec/operators/expand_operator.h"
#include "exec/operators/filter_project_operator.h"
#include "exec/operators/hash_aggregate_operator.h"
#include "exec/operators/hash_join_operator.h"
#include "exec/operators/limit_operator.h"
#include "exec/operators/session_window_merge_operator.h"
#include "exec/operators/sort_operator.h"
#include "exec/operators/union_all_operator.h"
#include "exec/operators/values_operator.h"
#include "exec/operators/event_time_watermark_operator.h"
#include "exec/stateful/deduplicate_operator.h"
#include "exec/stateful/session_window_aggregate_operator.h"
#include "exec/stateful/stateful_aggregate_operator.h"
#include "exec/stateful/stream_stream_join_operator.h"
#include "plan/streaming_join_helper.h"

namespace sluice {

namespace {

std::vector<ExprPtr> IdentityExprs(const Schema& s) {
  std::vector<ExprPtr> out;
  for (size_t i = 0; i < s.size(); ++i) {
    out.push_back(MakeColumnRef(static_cast<int>(i), s.field(i).type, s.field(i).name, s.field(i).nullable));
  }
  return out;
}

// A projection that appends `extra` computed columns to child's columns.
PhysicalOperatorPtr AppendColumns(const PhysicalOperatorPtr& child, const std::vector<ExprPtr>& extra) {
  if (extra.empty()) return child;
  const Schema& in = child->output_schema();
  std::vector<ExprPtr> exprs = IdentityExprs(in);
  Schema out = in;
  for (size_t i = 0; i < extra.size(); ++i) {
    exprs.push_back(extra[i]);
    out.Add({"_key" + std::to_string(i), extra[i]->type, extra[i]->nullable});
  }
  return std::make_shared<FilterProjectOperator>(child, nullptr, std::move(exprs), std::move(out));
}

// Keeps the first n columns.
PhysicalOperatorPtr KeepPrefix(const PhysicalOperatorPtr& child, const Schema& want) {
  if (child->output_schema().size() == want.size()) return child;
  std::vector<ExprPtr> exprs;
  for (size_t i = 0; i < want.size(); ++i) {
    exprs.push_back(MakeColumnRef(static_cast<int>(i), want.field(i).type, want.field(i).name));
  }
  return std::make_shared<FilterProjectOperator>(child, nullptr, std::move(exprs), want);
}

// Returns the column index e refers to, or -1 when e is not a plain column.
int ColumnOf(const ExprPtr& e) { return e->kind == ExprKind::kColumnRef ? e->column_index : -1; }

// An Aggregate's input as its operators take it: the pre-projection
// computing the keys first, then each aggregate's argument.
struct AggregateInput {
  std::vector<ExprPtr> exprs;
  Schema schema;
  std::vector<int> keys;
  std::vector<AggregateCall> calls;  // input_column set
};

AggregateInput LayOutAggregateInput(const LogicalPlan& p) {
  AggregateInput in;
  for (size_t g = 0; g < p.groups.size(); ++g) {
    in.keys.push_back(static_cast<int>(in.exprs.size()));
    in.exprs.push_back(p.groups[g]);
    in.schema.Add({p.output[g].name, p.groups[g]->type, p.groups[g]->nullable});
  }
  for (const auto& a : p.aggregates) {
    AggregateCall call = a.call;
    if (a.arg) {
      call.input_column = static_cast<int>(in.exprs.size());
      in.exprs.push_back(a.arg);
      in.schema.Add({"_arg" + std::to_string(in.calls.size()), a.arg->type, a.arg->nullable});
    }
    in.calls.push_back(std::move(call));
  }
  return in;
}

// The planner's options plus what it learnt of the whole plan: for each
// stateful Aggregate, the names a Project above gives its aggregates (so a
// state schema shows `count(1) AS n`, not only `count(1)`).
struct PlanContext : PhysicalPlannerOptions {
  std::map<const LogicalPlan*, std::vector<std::string>> aggregate_aliases;
  // Stateful Aggregates with another stateful operator above them: they run
  // in append mode whatever the query's output mode (Spark 3.4+: every
  // stateful operator but the last emits final rows only).
  std::set<const LogicalPlan*> append_aggregates;
};

void FindAppendAggregates(const LogicalPlan& p, bool stateful_above, PlanContext* ctx) {
  if (stateful_above && p.kind == LogicalKind::kAggregate && p.stateful()) ctx->append_aggregates.insert(&p);
  for (const auto& c : p.children) FindAppendAggregates(*c, stateful_above || p.stateful(), ctx);
}

// Fills ctx->aggregate_aliases for the stateful Aggregates of `p`.
void FindAggregateAliases(const LogicalPlan& p, PlanContext* ctx) {
  if (p.kind == LogicalKind::kProject) {
    const LogicalPlan* below = p.children[0].get();
    while (below->kind == LogicalKind::kFilter) below = below->children[0].get();
    if (below->kind == LogicalKind::kAggregate && below->stateful()) {
      size_t ng = below->groups.size();
      std::vector<std::string> names;
      for (size_t a = 0; a < below->aggregates.size(); ++a) names.push_back(below->output[ng + a].name);
      std::vector<bool> named(names.size(), false);
      for (size_t i = 0; i < p.exprs.size(); ++i) {
        const ExprPtr& e = p.exprs[i];
        if (e->kind != ExprKind::kColumnRef || e->column_index < static_cast<int>(ng)) continue;
        auto a = static_cast<size_t>(e->column_index) - ng;
        if (a < names.size() && !named[a]) {
          names[a] = p.output[i].name;
          named[a] = true;
        }
      }
      ctx->aggregate_aliases[below] = std::move(names);
    }
  }
  for (const auto& c : p.children) FindAggregateAliases(*c, ctx);
}

// The state schema of a stateful Aggregate. A value column is identified by
// the aggregate's own output name, which the binder derives from its SQL
// text ("count(1)", "sum(x)") and rewrites keep; its display name is the
// alias a Project above gives it, if any.
StateSchema AggregateStateSchema(const LogicalPlan& p, const AggregateInput& in, const PlanContext& ctx) {
  std::vector<StructField> keys(in.schema.fields().begin(), in.schema.fields().begin() + static_cast<long>(in.keys.size()));
  std::vector<std::string> names, sql;
  auto aliases = ctx.aggregate_aliases.find(&p);
  for (size_t a = 0; a < p.aggregates.size(); ++a) {
    sql.push_back(p.output[p.groups.size() + a].name);
    names.push_back(aliases != ctx.aggregate_aliases.end() ? aliases->second[a] : sql.back());
  }
  if (p.session_window_group >= 0) return SessionWindowAggregateOperator::MakeStateSchema(keys, in.calls, names, sql);
  return StatefulAggregateOperator::MakeStateSchema(keys, in.calls, names, sql);
}

Result<PhysicalOperatorPtr> Plan(const LogicalPlanPtr& plan, const PlanContext& options);

Result<PhysicalOperatorPtr> PlanAggregate(const LogicalPlan& p, const PlanContext& options) {
  SLUICE_ASSIGN_OR_RETURN(auto child, Plan(p.children[0], options));
  AggregateInput in = LayOutAggregateInput(p);
  auto proj = std::make_shared<FilterProjectOperator>(child, nullptr, in.exprs, in.schema);
  if (!p.stateful()) {
    if (p.session_window_group >= 0) {
      std::vector<int> others;
      for (int k : in.keys) {
        if (k != p.session_window_group) others.push_back(k);
      }
      auto merged = std::make_shared<SessionWindowMergeOperator>(proj, std::move(others), p.session_window_group);
      return PhysicalOperatorPtr(std::make_shared<HashAggregateOperator>(merged, std::move(in.keys),
                                                                         std::move(in.calls), OutputSchema(p)));
    }
    return PhysicalOperatorPtr(
        std::make_shared<HashAggregateOperator>(proj, std::move(in.keys), std::move(in.calls), OutputSchema(p)));
  }
  if (!options.stateful) {
    return Status::Internal("stateful operator " + std::to_string(p.state_operator_id) +
                            " planned without the state of a micro-batch");
  }
  std::vector<DataType> key_types;
  for (size_t k = 0; k < in.keys.size(); ++k) key_types.push_back(in.schema.field(k).type);
  SLUICE_RETURN_NOT_OK(StatefulAggregateOperator::Validate(key_types, in.calls));
  bool distinct = false;
  for (const auto& c : in.calls) distinct |= c.distinct;
  if (distinct && p.session_window_group >= 0) {
    return Status::AnalysisError(
        "Distinct aggregations are not supported with session windows on streaming DataFrames/Datasets");
  }
  StatefulOperatorStateInfo info{PropagateWatermarks(*options.stateful, {proj}), p.state_operator_id};
  if (options.append_aggregates.count(&p) > 0) info.batch.output_mode = StatefulOutputMode::kAppend;
  StateSchema schema = AggregateStateSchema(p, in, options);
  // The event-time key: the grouping column carrying a watermark.
  int event_time_key = -1;
  for (size_t g = 0; g < p.groups.size() && event_time_key < 0; ++g) {
    if (p.output[g].watermark_delay_ms) event_time_key = static_cast<int>(g);
  }
  if (p.session_window_group >= 0) {
    return PhysicalOperatorPtr(std::make_shared<SessionWindowAggregateOperator>(
        proj, in.keys.size(), static_cast<size_t>(p.session_window_group), std::move(in.calls), OutputSchema(p),
        info, std::move(schema)));
  }
  return PhysicalOperatorPtr(std::make_shared<StatefulAggregateOperator>(
      proj, in.keys.size(), std::move(in.calls), OutputSchema(p), info, std::move(schema), event_time_key));
}

// A Deduplicate: its keys and event-time columns. (A streaming Distinct is
// an Aggregate by now: stream/ rewrites it as Spark does.)
DeduplicateSpec DeduplicateSpecOf(const LogicalPlan& p) {
  DeduplicateSpec spec;
  spec.key_columns = p.dedup_columns;
  spec.within_watermark = p.dedup_within_watermark;
  for (size_t i = 0; i < p.output.size() && spec.event_time_column < 0; ++i) {
    if (p.output[i].watermark_delay_ms) {
      spec.event_time_column = static_cast<int>(i);
      spec.delay_ms = *p.output[i].watermark_delay_ms;
    }
  }
  for (size_t k = 0; k < spec.key_columns.size() && spec.key_event_time < 0; ++k) {
    if (p.output[static_cast<size_t>(spec.key_columns[k])].watermark_delay_ms) spec.key_event_time = static_cast<int>(k);
  }
  return spec;
}

StateSchema DeduplicateStateSchema(const LogicalPlan& p, const DeduplicateSpec& spec) {
  std::vector<StructField> keys;
  for (int c : spec.key_columns) {
    const LogicalColumn& col = p.output[static_cast<size_t>(c)];
    keys.push_back({col.name, col.type, col.nullable});
  }
  return DeduplicateOperator::MakeStateSchema(keys, spec.within_watermark);
}

Result<PhysicalOperatorPtr> PlanDeduplicate(const LogicalPlan& p, const PlanContext& options) {
  SLUICE_ASSIGN_OR_RETURN(auto child, Plan(p.children[0], options));
  DeduplicateSpec spec = DeduplicateSpecOf(p);
  const Schema out = OutputSchema(p);
  if (!p.stateful()) {
    // Batch: the first row of each key (HashAggregate on the keys taking
    // first() of the other columns), columns back in their order.
    std::vector<bool> is_key(out.size(), false);
    for (int k : spec.key_columns) is_key[static_cast<size_t>(k)] = true;
    std::vector<AggregateCall> calls;
    Schema agg_out;
    std::vector<int> position(out.size());
    for (size_t k = 0; k < spec.key_columns.size(); ++k) {
      position[static_cast<size_t>(spec.key_columns[k])] = static_cast<int>(k);
      agg_out.Add(out.field(static_cast<size_t>(spec.key_columns[k])));
    }
    for (size_t i = 0; i < out.size(); ++i) {
      if (is_key[i]) continue;
      SLUICE_ASSIGN_OR_RETURN(AggregateCall call, BindAggregate("first", {out.field(i).type}, false));
      call.input_column = static_cast<int>(i);
      position[i] = static_cast<int>(agg_out.size());
      agg_out.Add(out.field(i));
      calls.push_back(std::move(call));
    }
    auto agg = std::make_shared<HashAggregateOperator>(child, spec.key_columns, std::move(calls), agg_out);
    std::vector<ExprPtr> exprs;
    for (size_t i = 0; i < out.size(); ++i) {
      exprs.push_back(MakeColumnRef(position[i], out.field(i).type, out.field(i).name, out.field(i).nullable));
    }
    return PhysicalOperatorPtr(std::make_shared<FilterProjectOperator>(agg, nullptr, std::move(exprs), out));
  }
  if (!options.stateful) {
    return Status::Internal("stateful operator " + std::to_string(p.state_operator_id) +
                            " planned without the state of a micro-batch");
  }
  std::vector<DataType> key_types;
  for (int k : spec.key_columns) key_types.push_back(out.field(static_cast<size_t>(k)).type);
  SLUICE_RETURN_NOT_OK(DeduplicateOperator::Validate(key_types, spec));
  StatefulOperatorStateInfo info{PropagateWatermarks(*options.stateful, {child}), p.state_operator_id};
  StateSchema schema = DeduplicateStateSchema(p, spec);
  return PhysicalOperatorPtr(std::make_shared<DeduplicateOperator>(child, std::move(spec), info, std::move(schema)));
}

// A join side's columns as the join operator sees them: the child's, then
// the join key expressions that are not plain columns (`_key<i>`).
Schema JoinSideSchema(const LogicalPlan& child, const std::vector<ExprPtr>& keys) {
  Schema s = OutputSchema(child);
  size_t extra = 0;
  for (const auto& k : keys) {
    if (ColumnOf(k) < 0) {
      s.Add({"_key" + std::to_string(extra), k->type, k->nullable});
      ++extra;
    }
  }
  return s;
}

std::vector<int> JoinKeyColumns(const LogicalPlan& child, const std::vector<ExprPtr>& keys) {
  std::vector<int> cols;
  int next = static_cast<int>(child.output.size());
  for (const auto& k : keys) cols.push_back(ColumnOf(k) >= 0 ? ColumnOf(k) : next++);
  return cols;
}

// The state schema of a stream-stream join: the key columns are named after
// the left side's key expressions.
StateSchema JoinStateSchema(const LogicalPlan& p, const EquiJoinCondition& split) {
  std::vector<std::string> names;
  for (const auto& k : split.left_keys) names.push_back(k->ToString());
  return StreamStreamJoinOperator::MakeStateSchema(JoinSideSchema(*p.children[0], split.left_keys),
                                                   JoinSideSchema(*p.children[1], split.right_keys),
                                                   JoinKeyColumns(*p.children[0], split.left_keys), names);
}

// A Join of two streams (a stateful Join): StreamStreamJoin over the sides
// (with their computed key columns) and the residual condition.
Result<PhysicalOperatorPtr> PlanStreamStreamJoin(const LogicalPlan& plan, const PlanContext& options,
                                                 const PhysicalOperatorPtr& l2, const PhysicalOperatorPtr& r2,
                                                 const EquiJoinCondition& split, const std::vector<int>& lcols,
                                                 const std::vector<int>& rcols) {
  if (!options.stateful) {
    return Status::Internal("stateful operator " + std::to_string(plan.state_operator_id) +
                            " planned without the state of a micro-batch");
  }
  if (split.left_keys.empty()) return Status::AnalysisError("Stream-stream join without equality predicate is not supported");
  for (size_t k = 0; k < split.left_keys.size(); ++k) {
    if (!(split.left_keys[k]->type == split.right_keys[k]->type)) {
      return Status::AnalysisError("stream-stream join keys " + split.left_keys[k]->ToString() + " (" +
                                   split.left_keys[k]->type.ToString() + ") and " + split.right_keys[k]->ToString() +
                                   " (" + split.right_keys[k]->type.ToString() +
                                   ") have different types; cast one to the other's type");
    }
  }
  SLUICE_RETURN_NOT_OK(
      StreamStreamJoinOperator::Validate(plan.join_type, l2->output_schema(), r2->output_schema()));
  StreamJoinSide sides[2];
  sides[0].keys = lcols;
  sides[1].keys = rcols;
  for (int s = 0; s < 2; ++s) sides[s].watermark_column = WatermarkColumn(plan.children[static_cast<size_t>(s)]->output);
  // Spark: a watermark on a join key evicts both sides by that key; else
  // each side by the range conditions against the other side's watermark.
  int key = WatermarkedJoinKey(plan, split);
  if (key >= 0) {
    sides[0].bounds = {{lcols[static_cast<size_t>(key)], 0, false}};
    sides[1].bounds = {{rcols[static_cast<size_t>(key)], 0, false}};
  } else {
    for (int s = 0; s < 2; ++s) sides[s].bounds = StateValueWatermarkBounds(plan, s);
  }
  // The non-equi conjuncts: over one side only (Spark's pre-join filters),
  // or over both (checked on each pair; right columns after the left
  // side's computed keys).
  const int nl = static_cast<int>(plan.children[0]->output.size());
  const int nr = static_cast<int>(plan.children[1]->output.size());
  const int nl2 = static_cast<int>(l2->output_schema().size());
  std::vector<ExprPtr> filters[2], both;
  for (const auto& c : split.residual) {
    std::vector<int> cols;
    CollectColumns(*c, &cols);
    bool left_only = !cols.empty(), right_only = !cols.empty();
    for (int x : cols) (x < nl ? right_only : left_only) = false;
    if (left_only) {
      filters[0].push_back(c);
    } else if (right_only) {
      filters[1].push_back(ShiftColumns(c, -nl));
    } else {
      both.push_back(c);
    }
  }
  SLUICE_ASSIGN_OR_RETURN(ExprPtr left_filter, CombineConjuncts(filters[0]));
  SLUICE_ASSIGN_OR_RETURN(ExprPtr right_filter, CombineConjuncts(filters[1]));
  SLUICE_ASSIGN_OR_RETURN(ExprPtr residual, CombineConjuncts(both));
  if (residual && nl2 != nl) {
    std::vector<int> mapping(static_cast<size_t>(nl + nr));
    for (int i = 0; i < nl; ++i) mapping[static_cast<size_t>(i)] = i;
    for (int i = 0; i < nr; ++i) mapping[static_cast<size_t>(nl + i)] = nl2 + i;
    residual = RemapColumns(residual, mapping);
  }
  bool lnull = plan.join_type == JoinType::kRightOuter || plan.join_type == JoinType::kFullOuter;
  bool rnull = plan.join_type == JoinType::kLeftOuter || plan.join_type == JoinType::kFullOuter;
  Schema out;
  for (const auto& f : l2->output_schema().fields()) out.Add({f.name, f.type, f.nullable || lnull});
  if (plan.join_type != JoinType::kLeftSemi) {
    for (const auto& f : r2->output_schema().fields()) out.Add({f.name, f.type, f.nullable || rnull});
  }
  StatefulOperatorStateInfo info{PropagateWatermarks(*options.stateful, {l2, r2}), plan.state_operator_id};
  return PhysicalOperatorPtr(std::make_shared<StreamStreamJoinOperator>(l2, r2, plan.join_type, std::move(sides[0]),
                                                                        std::move(sides[1]), residual, std::move(out),
                                                                        info, JoinStateSchema(plan, split),
                                                                        left_filter, right_filter));
}

Result<PhysicalOperatorPtr> PlanJoin(const LogicalPlan& plan, const PlanContext& options) {
  SLUICE_ASSIGN_OR_RETURN(auto left, Plan(plan.children[0], options));
  SLUICE_ASSIGN_OR_RETURN(auto right, Plan(plan.children[1], options));
  int nl = static_cast<int>(plan.children[0]->output.size());
  int nr = static_cast<int>(plan.children[1]->output.size());
  EquiJoinCondition split = SplitEquiJoinCondition(plan);
  std::vector<ExprPtr>& lkeys = split.left_keys;
  std::vector<ExprPtr>& rkeys = split.right_keys;
  std::vector<ExprPtr>& residual = split.residual;
  // Key columns: plain columns are used directly; expressions are appended
  // by a projection below the join.
  std::vector<int> lcols, rcols;
  std::vector<ExprPtr> lextra, rextra;
  for (size_t k = 0; k < lkeys.size(); ++k) {
    int lc = ColumnOf(lkeys[k]);
    if (lc < 0) {
      lc = nl + static_cast<int>(lextra.size());
      lextra.push_back(lkeys[k]);
    }
    lcols.push_back(lc);
    int rc = ColumnOf(rkeys[k]);
    if (rc < 0) {
      rc = nr + static_cast<int>(rextra.size());
      rextra.push_back(rkeys[k]);
    }
    rcols.push_back(rc);
  }
  PhysicalOperatorPtr l2 = AppendColumns(left, lextra);
  PhysicalOperatorPtr r2 = AppendColumns(right, rextra);
  int nl2 = nl + static_cast<int>(lextra.size());
  SLUICE_ASSIGN_OR_RETURN(ExprPtr res, CombineConjuncts(residual));
  if (res && nl2 != nl) {
    std::vector<int> mapping(static_cast<size_t>(nl + nr));
    for (int i = 0; i < nl; ++i) mapping[static_cast<size_t>(i)] = i;
    for (int i = 0; i < nr; ++i) mapping[static_cast<size_t>(nl + i)] = nl2 + i;
    res = RemapColumns(res, mapping);
  }
  Schema joined = l2->output_schema();
  bool semi = plan.join_type == JoinType::kLeftSemi || plan.join_type == JoinType::kLeftAnti;
  if (!semi) {
    for (const auto& f : r2->output_schema().fields()) joined.Add(f);
  }
  // Outer sides become nullable.
  PhysicalOperatorPtr join;
  if (plan.stateful()) {
    SLUICE_ASSIGN_OR_RETURN(join, PlanStreamStreamJoin(plan, options, l2, r2, split, lcols, rcols));
  } else {
    join = std::make_shared<HashJoinOperator>(l2, r2, plan.join_type, lcols, rcols, res, joined);
  }
  if (lextra.empty() && rextra.empty()) return join;
  // Drop the appended key columns.
  Schema want = OutputSchema(plan);
  std::vector<ExprPtr> exprs;
  for (int i = 0; i < nl; ++i) {
    exprs.push_back(MakeColumnRef(i, want.field(static_cast<size_t>(i)).type, want.field(static_cast<size_t>(i)).name));
  }
  if (!semi) {
    for (int i = 0; i < nr; ++i) {
      const auto& f = want.field(static_cast<size_t>(nl + i));
      exprs.push_back(MakeColumnRef(nl2 + i, f.type, f.name));
    }
  }
  return PhysicalOperatorPtr(std::make_shared<FilterProjectOperator>(join, nullptr, std::move(exprs), want));
}

Result<PhysicalOperatorPtr> PlanSort(const LogicalPlan& plan, std::optional<int64_t> limit,
                                     const PlanContext& options) {
  SLUICE_ASSIGN_OR_RETURN(auto child, Plan(plan.children[0], options));
  int n = static_cast<int>(plan.output.size());
  std::vector<ExprPtr> extra;
  std::vector<SortKey> keys;
  for (const auto& item : plan.sort_items) {
    int c = ColumnOf(item.expr);
    if (c < 0) {
      c = n + static_cast<int>(extra.size());
      extra.push_back(item.expr);
    }
    keys.push_back(SortKey{c, item.ascending, item.nulls_first});
  }
  PhysicalOperatorPtr in = AppendColumns(child, extra);
  PhysicalOperatorPtr sort = std::make_shared<SortOperator>(in, std::move(keys), limit);
  return KeepPrefix(sort, OutputSchema(plan));
}

Result<PhysicalOperatorPtr> Plan(const LogicalPlanPtr& plan, const PlanContext& options) {
  const LogicalPlan& p = *plan;
  switch (p.kind) {
    case LogicalKind::kScan: return p.table->CreateScan(p.scan_columns, p.pushed_filter);
    case LogicalKind::kValues:
      return PhysicalOperatorPtr(std::make_shared<ValuesOperator>(OutputSchema(p), p.values));
    case LogicalKind::kFilter: {
      SLUICE_ASSIGN_OR_RETURN(auto child, Plan(p.children[0], options));
      Schema out = OutputSchema(p);
      return PhysicalOperatorPtr(
          std::make_shared<FilterProjectOperator>(child, p.condition, IdentityExprs(out), out));
    }
    case LogicalKind::kProject: {
      const LogicalPlan& c = *p.children[0];
      if (c.kind == LogicalKind::kFilter) {
        SLUICE_ASSIGN_OR_RETURN(auto grandchild, Plan(c.children[0], options));
        return PhysicalOperatorPtr(
            std::make_shared<FilterProjectOperator>(grandchild, c.condition, p.exprs, OutputSchema(p)));
      }
      SLUICE_ASSIGN_OR_RETURN(auto child, Plan(p.children[0], options));
      return PhysicalOperatorPtr(
          std::make_shared<FilterProjectOperator>(child, nullptr, p.exprs, OutputSchema(p)));
    }
    case LogicalKind::kAggregate: return PlanAggregate(p, options);
    case LogicalKind::kDeduplicate: return PlanDeduplicate(p, options);
    case LogicalKind::kWatermark: {
      SLUICE_ASSIGN_OR_RETURN(auto child, Plan(p.children[0], options));
      return PhysicalOperatorPtr(
          std::make_shared<EventTimeWatermarkOperator>(child, p.watermark_column, p.watermark_delay_ms));
    }
    case LogicalKind::kDistinct: {
      SLUICE_ASSIGN_OR_RETURN(auto child, Plan(p.children[0], options));
      std::vector<int> keys;
      for (size_t i = 0; i < p.output.size(); ++i) keys.push_back(static_cast<int>(i));
      return PhysicalOperatorPtr(
          std::make_shared<HashAggregateOperator>(child, std::move(keys), std::vector<AggregateCall>{}, OutputSchema(p)));
    }
    case LogicalKind::kExpand: {
      SLUICE_ASSIGN_OR_RETURN(auto child, Plan(p.children[0], options));
      return PhysicalOperatorPtr(std::make_shared<ExpandOperator>(child, p.expand_sets, OutputSchema(p)));
    }
    case LogicalKind::kJoin: return PlanJoin(p, options);
    case LogicalKind::kSort: return PlanSort(p, std::nullopt, options);
    case LogicalKind::kLimit: {
      const LogicalPlan& c = *p.children[0];
      if (c.kind == LogicalKind::kSort && p.limit >= 0) {
        SLUICE_ASSIGN_OR_RETURN(auto sorted, PlanSort(c, p.limit + p.offset, options));
        if (p.offset == 0) return sorted;
        return PhysicalOperatorPtr(std::make_shared<LimitOperator>(sorted, p.limit, p.offset));
      }
      SLUICE_ASSIGN_OR_RETURN(auto child, Plan(p.children[0], options));
      // OFFSET without LIMIT: no upper bound.
      int64_t limit = p.limit < 0 ? std::numeric_limits<int64_t>::max() : p.limit;
      return PhysicalOperatorPtr(std::make_shared<LimitOperator>(child, limit, p.offset));
    }
    case LogicalKind::kUnion: {
      std::vector<PhysicalOperatorPtr> children;
      for (const auto& c : p.children) {
        SLUICE_ASSIGN_OR_RETURN(auto pc, Plan(c, options));
        children.push_back(std::move(pc));
      }
      return PhysicalOperatorPtr(std::make_shared<UnionAllOperator>(std::move(children)));
    }
  }
  return Status::Internal("unknown logical node");
}

}  // namespace

Result<PhysicalOperatorPtr> PlanPhysical(const LogicalPlanPtr& plan, const PhysicalPlannerOptions& options) {
  PlanContext ctx;
  static_cast<PhysicalPlannerOptions&>(ctx) = options;
  if (ctx.stateful) {
    FindAggregateAliases(*plan, &ctx);
    FindAppendAggregates(*plan, false, &ctx);
  }
  return Plan(plan, ctx);
}

std::map<int, StateSchema> PlanStateSchemas(const LogicalPlanPtr& plan) {
  PlanContext ctx;
  FindAggregateAliases(*plan, &ctx);
  std::map<int, StateSchema> out;
  std::vector<const LogicalPlan*> stack{plan.get()};
  while (!stack.empty()) {
    const LogicalPlan* p = stack.back();
    stack.pop_back();
    if (p->kind == LogicalKind::kAggregate && p->stateful()) {
      out.emplace(p->state_operator_id, AggregateStateSchema(*p, LayOutAggregateInput(*p), ctx));
    } else if (p->kind == LogicalKind::kDeduplicate && p->stateful()) {
      out.emplace(p->state_operator_id, DeduplicateStateSchema(*p, DeduplicateSpecOf(*p)));
    }
    if (p->kind == LogicalKind::kJoin && p->stateful()) {
      out.emplace(p->state_operator_id, JoinStateSchema(*p, SplitEquiJoinCondition(*p)));
    }
    for (const auto& c : p->children) stack.push_back(c.get());
  }
  return out;
}

}  // namespace sluice
