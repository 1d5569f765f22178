#include "stream/streaming_relation.h"

#include <algorithm>

#include "connectors/builtin/builtin_connectors.h"

namespace sluice {

namespace {
void Collect(const LogicalPlan& p, std::vector<const StreamingRelation*>* out) {
  if (p.kind == LogicalKind::kScan) {
    auto* r = dynamic_cast<const StreamingRelation*>(p.table.get());
    if (r != nullptr && std::find(out->begin(), out->end(), r) == out->end()) out->push_back(r);
  }
  for (const auto& c : p.children) Collect(*c, out);
}
}  // namespace

Result<std::shared_ptr<StreamingRelation>> MakeStreamingRelation(const std::string& format,
                                                                 const std::map<std::string, std::string>& options,
                                                                 const std::optional<Schema>& schema) {
  const ConnectorRegistry& registry = BuiltinConnectors();
  SLUICE_ASSIGN_OR_RETURN(const ConnectorSpec* spec, registry.Get(ConnectorKind::kSource, format));
  SLUICE_ASSIGN_OR_RETURN(Schema s, registry.SourceSchema(*spec, options, schema));
  SourceOptions opts(options);
  return std::make_shared<StreamingRelation>(s, spec->name, [spec, opts, s]() { return spec->make_source(opts, s); });
}

bool IsStreamingPlan(const LogicalPlan& plan) { return !FindStreamingRelations(plan).empty(); }

std::vector<const StreamingRelation*> FindStreamingRelations(const LogicalPlan& plan) {
  std::vector<const StreamingRelation*> out;
  Collect(plan, &out);
  return out;
}

namespace {
LogicalPlanPtr Mark(const LogicalPlanPtr& plan, int* next_id) {
  std::shared_ptr<LogicalPlan> copy;
  if (((plan->kind == LogicalKind::kAggregate || plan->kind == LogicalKind::kDeduplicate) && IsStreamingPlan(*plan)) ||
      (plan->kind == LogicalKind::kJoin && IsStreamingPlan(*plan->children[0]) && IsStreamingPlan(*plan->children[1]))) {
    copy = std::make_shared<LogicalPlan>(*plan);
    copy->state_operator_id = (*next_id)++;
  }
  std::vector<LogicalPlanPtr> children;
  bool changed = false;
  for (const auto& c : plan->children) {
    children.push_back(Mark(c, next_id));
    changed |= children.back() != c;
  }
  if (!copy && !changed) return plan;
  if (!copy) copy = std::make_shared<LogicalPlan>(*plan);
  copy->children = std::move(children);
  return copy;
}
}  // namespace

LogicalPlanPtr MarkStatefulOperators(const LogicalPlanPtr& plan) {
  int next_id = 0;
  return Mark(ReplaceStreamingDistinctWithAggregate(plan), &next_id);
}

LogicalPlanPtr ReplaceStreamingDistinctWithAggregate(const LogicalPlanPtr& plan) {
  std::vector<LogicalPlanPtr> children;
  bool changed = false;
  for (const auto& c : plan->children) {
    children.push_back(ReplaceStreamingDistinctWithAggregate(c));
    changed |= children.back() != c;
  }
  if (plan->kind == LogicalKind::kDistinct && IsStreamingPlan(*plan)) {
    std::vector<ExprPtr> groups;
    for (size_t i = 0; i < plan->output.size(); ++i) {
      const LogicalColumn& c = plan->output[i];
      groups.push_back(MakeColumnRef(static_cast<int>(i), c.type, c.name, c.nullable));
    }
    return MakeAggregate(children[0], std::move(groups), {}, plan->output);
  }
  if (!changed) return plan;
  return WithChildren(*plan, std::move(children));
}

LogicalPlanPtr ReplaceStreamingRelations(const LogicalPlanPtr& plan,
                                         const std::vector<const StreamingRelation*>& relations,
                                         const std::vector<TableSourcePtr>& tables) {
  if (plan->kind == LogicalKind::kScan) {
    auto* r = dynamic_cast<const StreamingRelation*>(plan->table.get());
    if (r == nullptr) return plan;
    auto it = std::find(relations.begin(), relations.end(), r);
    if (it == relations.end()) return plan;
    auto copy = std::make_shared<LogicalPlan>(*plan);
    copy->table = tables[static_cast<size_t>(it - relations.begin())];
    return copy;
  }
  if (plan->children.empty()) return plan;
  std::vector<LogicalPlanPtr> children;
  bool changed = false;
  for (const auto& c : plan->children) {
    children.push_back(ReplaceStreamingRelations(c, relations, tables));
    changed |= children.back() != c;
  }
  if (!changed) return plan;
  auto copy = std::make_shared<LogicalPlan>(*plan);
  copy->children = std::move(children);
  return copy;
}

}  // namespace sluice
