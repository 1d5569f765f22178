#include "plan/json_pushdown.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "exec/functions/json_options.h"

namespace sluice {

namespace {

// The scan output column a from_json(CAST(#c AS STRING) | #c, 'schema'
// [, options]) call with a STRUCT result reads, or -1 for anything else.
int JsonSourceColumn(const Expr& e) {
  if (e.kind != ExprKind::kCall || e.name != "from_json" || e.args.size() < 2) return -1;
  if (e.type.id() != TypeId::kStruct) return -1;
  const Expr* a = e.args[0].get();
  if (a->kind == ExprKind::kCall && a->name == "cast" && a->args.size() == 1 &&
      a->args[0]->type.id() == TypeId::kBinary) {
    a = a->args[0].get();
  }
  if (a->kind != ExprKind::kColumnRef) return -1;
  if (a->type.id() != TypeId::kString && a->type.id() != TypeId::kBinary) return -1;
  const Expr& schema = *e.args[1];
  if (schema.kind != ExprKind::kLiteral || schema.type.id() != TypeId::kString || schema.literal.is_null()) return -1;
  return a->column_index;
}

// One group of equal from_json calls: same column, schema and options.
using GroupKey = std::tuple<int, std::string, std::string>;
GroupKey KeyOf(const Expr& e, int column) {
  std::string opts = e.args.size() > 2 && e.args[2]->kind == ExprKind::kLiteral && !e.args[2]->literal.is_null()
                         ? e.args[2]->literal.str_value()
                         : std::string();
  return {column, e.args[1]->literal.str_value(), opts};
}

// What the query reads of a (nested) struct value: all of it, or only some
// of its fields, each again all or part.
struct Need {
  bool whole = false;
  std::map<std::string, Need> fields;
};

struct Group {
  ExprPtr call;  // one of the calls
  int column = -1;
  Need need;         // of the parsed struct
  int out_index = -1;  // scan output column holding the parse
  DataType type;       // the parsed (possibly cut) STRUCT
};

bool IsGetField(const Expr& e) {
  return e.kind == ExprKind::kCall && e.name == "get_field" && e.args.size() == 2 &&
         e.args[1]->kind == ExprKind::kLiteral && e.args[1]->type.id() == TypeId::kString &&
         !e.args[1]->literal.is_null();
}

// `ancestors`: the calls above e, nearest last. A from_json call read
// through get_field(get_field(call, 'a'), 'b') needs a.b only.
void Collect(const ExprPtr& e, std::vector<const Expr*>* ancestors, std::map<GroupKey, Group>* groups) {
  if (!e) return;
  int c = JsonSourceColumn(*e);
  if (c >= 0) {
    Group& g = (*groups)[KeyOf(*e, c)];
    g.call = e;
    g.column = c;
    Need* need = &g.need;
    const Expr* at = e.get();
    for (size_t i = ancestors->size(); i-- > 0;) {
      const Expr* up = (*ancestors)[i];
      if (!IsGetField(*up) || up->args[0].get() != at || at->type.id() != TypeId::kStruct) break;
      need = &need->fields[up->args[1]->literal.str_value()];
      at = up;
    }
    need->whole = true;
    return;
  }
  if (e->kind != ExprKind::kCall) return;
  ancestors->push_back(e.get());
  for (const auto& a : e->args) Collect(a, ancestors, groups);
  ancestors->pop_back();
}

// `type` cut to what `need` reads, fields in schema order.
DataType Cut(const DataType& type, const Need& need) {
  if (need.whole || type.id() != TypeId::kStruct) return type;
  std::vector<StructField> kept;
  for (const auto& f : type.fields()) {
    auto it = need.fields.find(f.name);
    if (it == need.fields.end()) continue;
    StructField k = f;
    k.type = Cut(f.type, it->second);
    kept.push_back(std::move(k));
  }
  return DataType::Struct(std::move(kept));
}

// e with its from_json calls replaced by the scan's column; a get_field
// over a cut struct takes the cut field's type.
ExprPtr Replace(const ExprPtr& e, const std::map<GroupKey, Group>& groups) {
  if (!e) return e;
  return RewriteExpr(e, [&](const Expr& c) -> ExprPtr {
    int column = JsonSourceColumn(c);
    if (column >= 0) {
      const Group& g = groups.at(KeyOf(c, column));
      return MakeColumnRef(g.out_index, g.type, "from_json", true);
    }
    if (!IsGetField(c)) return nullptr;
    ExprPtr base = Replace(c.args[0], groups);
    if (base == c.args[0]) return nullptr;
    auto copy = std::make_shared<Expr>(c);
    copy->args[0] = std::move(base);
    int idx = copy->args[0]->type.id() == TypeId::kStruct
                  ? copy->args[0]->type.FieldIndex(copy->args[1]->literal.str_value())
                  : -1;
    if (idx >= 0) copy->type = copy->args[0]->type.fields()[static_cast<size_t>(idx)].type;
    return copy;
  });
}

// Every expression of a node (bound over its input).
std::vector<ExprPtr> NodeExprs(const LogicalPlan& p) {
  std::vector<ExprPtr> out;
  switch (p.kind) {
    case LogicalKind::kProject: out = p.exprs; break;
    case LogicalKind::kAggregate:
      out = p.groups;
      for (const auto& a : p.aggregates) out.push_back(a.arg);
      break;
    case LogicalKind::kFilter: out.push_back(p.condition); break;
    case LogicalKind::kScan: out.push_back(p.pushed_filter); break;
    default: break;
  }
  return out;
}

// The same node over `child` with its expressions mapped by f.
template <typename F>
LogicalPlanPtr MapNode(const LogicalPlan& p, LogicalPlanPtr child, const F& f) {
  switch (p.kind) {
    case LogicalKind::kProject: {
      std::vector<ExprPtr> exprs;
      for (const auto& e : p.exprs) exprs.push_back(f(e));
      return MakeProject(std::move(child), std::move(exprs), p.output);
    }
    case LogicalKind::kAggregate: {
      std::vector<ExprPtr> groups;
      for (const auto& g : p.groups) groups.push_back(f(g));
      std::vector<LogicalAggregate> aggs = p.aggregates;
      for (auto& a : aggs) a.arg = f(a.arg);
      return MakeAggregate(std::move(child), std::move(groups), std::move(aggs), p.output, p.state_operator_id);
    }
    case LogicalKind::kFilter: return MakeFilter(std::move(child), f(p.condition));
    default: return nullptr;
  }
}

// The scan below a chain of Filters, or null.
const LogicalPlan* ScanBelowFilters(const LogicalPlanPtr& p) {
  const LogicalPlan* n = p.get();
  while (n->kind == LogicalKind::kFilter) n = n->children[0].get();
  return n->kind == LogicalKind::kScan ? n : nullptr;
}

// `top` (Project or Aggregate) over Filter* over Scan: the from_json calls
// of the block become scan columns. Null when nothing was pushed.
Result<LogicalPlanPtr> PushBlock(const LogicalPlanPtr& top) {
  std::vector<const LogicalPlan*> chain;  // top, filters..., scan
  for (const LogicalPlan* n = top.get();; n = n->children[0].get()) {
    chain.push_back(n);
    if (n->kind == LogicalKind::kScan) break;
  }
  std::map<GroupKey, Group> groups;
  std::vector<const Expr*> ancestors;
  for (const LogicalPlan* n : chain) {
    for (const auto& e : NodeExprs(*n)) Collect(e, &ancestors, &groups);
  }
  if (groups.empty()) return LogicalPlanPtr();
  const LogicalPlan& scan = *chain.back();
  auto new_scan = std::make_shared<LogicalPlan>(scan);
  TableSourcePtr table = scan.table;
  for (auto& [key, g] : groups) {
    auto options = FromJsonOptionsOf(*g.call);
    if (!options.ok()) return LogicalPlanPtr();  // the binder reports it
    g.type = Cut(g.call->type, g.need);
    ScanJsonColumn spec;
    spec.source_column = scan.scan_columns[static_cast<size_t>(g.column)];
    spec.type = g.type;
    spec.mode = options->mode;
    int table_index = static_cast<int>(table->schema().size());
    table = table->WithJsonColumn(spec);
    if (!table) return LogicalPlanPtr();
    g.out_index = static_cast<int>(new_scan->output.size());
    new_scan->scan_columns.push_back(table_index);
    new_scan->output.push_back(LogicalColumn{"from_json", "", g.type, true});
  }
  new_scan->table = table;
  if (scan.pushed_filter) new_scan->pushed_filter = Replace(scan.pushed_filter, groups);
  auto replace = [&](const ExprPtr& e) { return Replace(e, groups); };
  LogicalPlanPtr node = new_scan;
  for (size_t i = chain.size() - 1; i-- > 0;) node = MapNode(*chain[i], node, replace);
  return node;
}

// Free to repeat: a column, a from_json the scan will take, or a field of
// one of those (get_field picks a child vector).
bool IsSimple(const Expr& e) {
  if (e.kind != ExprKind::kCall || JsonSourceColumn(e) >= 0) return true;
  return IsGetField(e) && IsSimple(*e.args[0]);
}

// `top` (Project or Aggregate) with the Project below it merged in, when
// that costs nothing: every merged expression is deterministic, and those
// that are real work (other than a from_json the scan will take) are read
// at most once. Null when not mergeable.
LogicalPlanPtr MergeProject(const LogicalPlanPtr& top) {
  const LogicalPlan& inner = *top->children[0];
  std::vector<int> refs;
  for (const auto& e : NodeExprs(*top)) {
    if (e) CollectColumns(*e, &refs);
  }
  std::vector<int> uses(inner.exprs.size(), 0);
  for (int r : refs) ++uses[static_cast<size_t>(r)];
  for (size_t i = 0; i < inner.exprs.size(); ++i) {
    if (!IsDeterministic(*inner.exprs[i])) return nullptr;
    if (uses[i] > 1 && !IsSimple(*inner.exprs[i])) return nullptr;
  }
  auto substitute = [&](const ExprPtr& e) { return e ? SubstituteColumns(e, inner.exprs) : e; };
  return MapNode(*top, inner.children[0], substitute);
}

// `top` with every Project between it and Filter* over Scan merged into
// it, when each merge costs nothing (MergeProject); null otherwise. Views of
// views (a view of the parsed struct's fields, a view per event type, the
// query) stack several Projects over the parse: merged, the query's reads
// of a.b.c reach from_json, which then parses only those fields.
LogicalPlanPtr MergeDownToScan(const LogicalPlanPtr& top) {
  LogicalPlanPtr cur = top;
  while (!ScanBelowFilters(cur->children[0])) {
    if (cur->children[0]->kind != LogicalKind::kProject) return nullptr;
    cur = MergeProject(cur);
    if (!cur) return nullptr;
  }
  return cur == top ? nullptr : cur;
}

Result<LogicalPlanPtr> Rewrite(const LogicalPlanPtr& plan) {
  if (plan->kind == LogicalKind::kProject || plan->kind == LogicalKind::kAggregate) {
    const LogicalPlanPtr& child = plan->children[0];
    if (LogicalPlanPtr merged = MergeDownToScan(plan)) {
      SLUICE_ASSIGN_OR_RETURN(auto pushed, PushBlock(merged));
      if (pushed) return pushed;
    }
    if (ScanBelowFilters(child)) {
      SLUICE_ASSIGN_OR_RETURN(auto pushed, PushBlock(plan));
      if (pushed) return pushed;
    }
  }
  std::vector<LogicalPlanPtr> children;
  bool changed = false;
  for (const auto& c : plan->children) {
    SLUICE_ASSIGN_OR_RETURN(auto r, Rewrite(c));
    changed |= r != c;
    children.push_back(std::move(r));
  }
  return changed ? WithChildren(*plan, std::move(children)) : plan;
}

}  // namespace

Result<LogicalPlanPtr> PushJsonParseIntoScans(const LogicalPlanPtr& plan) { return Rewrite(plan); }

}  // namespace sluice
