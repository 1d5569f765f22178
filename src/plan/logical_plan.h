// LogicalPlan: the analyzed (bound) relational plan, a tree of immutable
// nodes. Expressions inside a node are bound Exprs whose column refs index
// the node's input row: the child's output, or for a join the left output
// followed by the right output.
//
// The binder builds it, the optimizer rewrites it (returning new nodes), and
// the physical planner translates each node to a physical operator.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/expression.h"
#include "exec/operators/aggregate_function.h"
#include "exec/operators/hash_join_operator.h"
#include "exec/table_source.h"
#include "types/data_type.h"

namespace sluice {

// One output column of a node: its name, the table alias it can be
// qualified with (may be empty), type and nullability.
struct LogicalColumn {
  std::string name;
  std::string qualifier;
  DataType type;
  bool nullable = true;
  // Reachable only by its qualified name (qualifier.name) and through
  // qualifier.*: each side's own key column after JOIN ... USING, which the
  // unqualified name and `*` show once as the join's key.
  bool qualified_only = false;
  // Event-time metadata (Spark's `spark.watermarkDelayMs` column metadata):
  // set on the column a watermark was defined on (withWatermark / the SQL
  // WATERMARK clause) and kept by nodes that pass the column on unchanged or
  // derive a window from it (window(), session_window()). Stateful operators
  // find their event-time column by it.
  std::optional<int64_t> watermark_delay_ms = std::nullopt;
};

enum class LogicalKind : uint8_t {
  kScan,
  kValues,
  kFilter,
  kProject,
  kAggregate,
  kJoin,
  kSort,
  kLimit,
  kUnion,
  kDistinct,
  // withWatermark / the SQL WATERMARK clause (Spark's EventTimeWatermark):
  // passes rows through, marks its event-time column.
  kWatermark,
  // dropDuplicates / dropDuplicatesWithinWatermark (Spark's Deduplicate,
  // DeduplicateWithinWatermark).
  kDeduplicate,
  kExpand,
};

// JoinType (and JoinTypeName) are shared with the physical HashJoin.

struct SortItem {
  ExprPtr expr;
  bool ascending = true;
  bool nulls_first = true;
};

// An aggregate in an Aggregate node: the call plus its argument expression
// (bound over the child; null for count(*)).
struct LogicalAggregate {
  AggregateCall call;
  ExprPtr arg;
  std::string ToString() const;
};

struct LogicalPlan;
using LogicalPlanPtr = std::shared_ptr<const LogicalPlan>;

struct LogicalPlan {
  LogicalKind kind;
  std::vector<LogicalPlanPtr> children;
  std::vector<LogicalColumn> output;

  // kScan: the table, the name it is known by, the scanned columns (indices
  // into table->schema(); output follows this order) and a filter pushed into
  // the scan (bound over the output).
  TableSourcePtr table;
  std::string table_name;
  std::vector<int> scan_columns;
  ExprPtr pushed_filter;

  // kValues.
  std::vector<Batch> values;

  // kFilter: predicate. kJoin: join condition (may be null).
  ExprPtr condition;
  // kProject: one expression per output column.
  std::vector<ExprPtr> exprs;
  // kAggregate: output = groups then aggregates.
  std::vector<ExprPtr> groups;
  std::vector<LogicalAggregate> aggregates;
  // kAggregate: the index in `groups` of a session_window() key (sessions
  // of the other keys are merged before aggregating), or -1.
  int session_window_group = -1;
  // kExpand: one set of expressions (one per output column, bound over the
  // child) per output row of each input row (Spark's Expand; a sliding
  // window()'s ceil(size / slide) windows).
  std::vector<std::vector<ExprPtr>> expand_sets;
  // A stateful node of a streaming query (an Aggregate over streaming data,
  // a Join of two streams):
  // its operator id, which names its state (`<checkpoint>/state/<id>/`).
  // The streaming runner assigns 0, 1, ... in plan order before the first
  // batch; the physical planner makes the node a stateful operator. -1: an
  // ordinary batch node. Rewrites of the node keep it.
  int state_operator_id = -1;
  bool stateful() const { return state_operator_id >= 0; }
  // kJoin.
  JoinType join_type = JoinType::kInner;
  // kSort.
  std::vector<SortItem> sort_items;
  // kLimit.
  int64_t limit = -1;
  int64_t offset = 0;
  // kWatermark: the event-time column (index into the child's output, a
  // TIMESTAMP) and the delay (ms) the watermark trails its max event time by.
  int watermark_column = -1;
  int64_t watermark_delay_ms = 0;
  // kDeduplicate: the key columns (indices into the output, which is the
  // child's); within_watermark: dropDuplicatesWithinWatermark.
  std::vector<int> dedup_columns;
  bool dedup_within_watermark = false;

  // One node per line, children indented, as Spark prints plans.
  std::string ToTreeString(int indent = 0) const;
  std::string NodeString() const;
};

// Constructors that compute the output columns.
LogicalPlanPtr MakeScan(TableSourcePtr table, std::string name, std::string qualifier);
LogicalPlanPtr MakeValues(std::vector<LogicalColumn> output, std::vector<Batch> values);
LogicalPlanPtr MakeFilter(LogicalPlanPtr child, ExprPtr condition);
LogicalPlanPtr MakeProject(LogicalPlanPtr child, std::vector<ExprPtr> exprs,
                           std::vector<LogicalColumn> output);
LogicalPlanPtr MakeAggregate(LogicalPlanPtr child, std::vector<ExprPtr> groups,
                             std::vector<LogicalAggregate> aggregates,
                             std::vector<LogicalColumn> output, int state_operator_id = -1);
LogicalPlanPtr MakeJoin(LogicalPlanPtr left, LogicalPlanPtr right, JoinType type, ExprPtr condition,
                        int state_operator_id = -1);
LogicalPlanPtr MakeSort(LogicalPlanPtr child, std::vector<SortItem> items);
LogicalPlanPtr MakeLimit(LogicalPlanPtr child, int64_t limit, int64_t offset);
LogicalPlanPtr MakeUnion(std::vector<LogicalPlanPtr> children);
LogicalPlanPtr MakeDistinct(LogicalPlanPtr child);
// The child's rows with `column`'s watermark_delay_ms set to `delay_ms`
// (a watermark defined again on the same column replaces the first).
LogicalPlanPtr MakeWatermark(LogicalPlanPtr child, int column, int64_t delay_ms);
LogicalPlanPtr MakeDeduplicate(LogicalPlanPtr child, std::vector<int> columns, bool within_watermark,
                               int state_operator_id = -1);
// Event-time metadata through a Project or an Aggregate: an output column
// that is a plain reference to an input column with watermark_delay_ms
// gets it too (unless already set), and so does window_time(w) of such a
// window column (Spark 3.4: the event time of an aggregation's output rows,
// for a second aggregation over them); the constructors above call it.
void PropagateWatermarkDelay(const std::vector<LogicalColumn>& input, const std::vector<ExprPtr>& exprs,
                             std::vector<LogicalColumn>* output);
LogicalPlanPtr MakeExpand(LogicalPlanPtr child, std::vector<std::vector<ExprPtr>> sets,
                          std::vector<LogicalColumn> output);

// Copy of `node` with new children (output recomputed where it depends on them).
LogicalPlanPtr WithChildren(const LogicalPlan& node, std::vector<LogicalPlanPtr> children);

// Schema of a node's output.
Schema OutputSchema(const LogicalPlan& plan);

// --- expression helpers used by the binder, optimizer and planner ---
// Column indices an expression reads.
void CollectColumns(const Expr& e, std::vector<int>* out);
// Copy of e in which every subexpression for which `rewrite` returns an
// expression is replaced by it (and not visited further); unchanged
// subtrees are shared, not copied.
ExprPtr RewriteExpr(const ExprPtr& e, const std::function<ExprPtr(const Expr&)>& rewrite);
// Copy of e with every column ref i replaced by mapping[i] (must be >= 0).
ExprPtr RemapColumns(const ExprPtr& e, const std::vector<int>& mapping);
// Copy of e with every column ref i replaced by replacements[i].
ExprPtr SubstituteColumns(const ExprPtr& e, const std::vector<ExprPtr>& replacements);
// Copy of e with column ref indices shifted by delta.
ExprPtr ShiftColumns(const ExprPtr& e, int delta);
// AND of the conjuncts (null when empty).
Result<ExprPtr> CombineConjuncts(const std::vector<ExprPtr>& conjuncts);
bool IsDeterministic(const Expr& e);

}  // namespace sluice
