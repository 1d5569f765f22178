// Binder: turns parsed SQL (sql/ast.h) into an analyzed LogicalPlan:
// resolves table, column and function names against the catalog and the
// FROM clause, types every expression (inserting Spark's implicit casts via
// the function registry), plans aggregation (GROUP BY, HAVING, aggregates in
// SELECT and ORDER BY) and reports mistakes with the line, column and a caret
// under the spot, suggesting a close name where one exists.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/catalog.h"
#include "plan/logical_plan.h"
#include "sql/ast.h"

namespace sluice {

// The columns visible to an expression: a node's output.
struct BindScope {
  std::vector<LogicalColumn> columns;
};

class Binder {
 public:
  // `sql` is the full text the AST was parsed from (for error carets); may be
  // empty for expressions built through the DataFrame API.
  Binder(const Catalog* catalog, std::string_view sql) : catalog_(catalog), sql_(sql) {}

  Result<LogicalPlanPtr> BindQuery(const ast::QueryNode& query);
  // A scalar expression over `scope` (no aggregates allowed).
  Result<ExprPtr> BindExpression(const ast::ParsedExpr& expr, const BindScope& scope);

  // SELECT-list binding over an input plan, as DataFrame.select/agg use it:
  // expands stars, binds, names columns. With `groups` set (DataFrame
  // groupBy().agg()), binds in aggregate context.
  Result<LogicalPlanPtr> BindSelect(LogicalPlanPtr input, const std::vector<ast::SelectItem>& items,
                                    const std::vector<ast::ParsedExprPtr>* groups);

  // withWatermark / WATERMARK: `column` (a TIMESTAMP column of `input`)
  // carries a watermark trailing its max event time by `delay` (an INTERVAL,
  // or a string such as '10 seconds').
  Result<LogicalPlanPtr> BindWatermark(LogicalPlanPtr input, const ast::ParsedExpr& column,
                                       const ast::ParsedExpr& delay);
  // DROP DUPLICATES [WITHIN WATERMARK] [(columns)]: the Deduplicate of
  // dropDuplicates / dropDuplicatesWithinWatermark; `columns` must be
  // columns of `input` (none: all of them).
  Result<LogicalPlanPtr> BindDropDuplicates(LogicalPlanPtr input, const std::vector<ast::ParsedExprPtr>& columns,
                                            bool within_watermark);

  // Runs an uncorrelated subquery (scalar, IN, EXISTS) while binding; its
  // result becomes literals in the outer query. Without a runner such
  // subqueries are an error.
  using SubqueryRunner = std::function<Result<std::vector<Batch>>(const LogicalPlanPtr&)>;
  void set_subquery_runner(SubqueryRunner runner) { subquery_runner_ = std::move(runner); }

  // An AnalysisError at `loc`: message, then the caret lines.
  Status ErrorAt(const ast::SourceLocation& loc, const std::string& message) const;
  // AnalysisError at `loc` when the thread's stack is nearly used up (common/stack_limit.h).
  Status CheckStack(const ast::SourceLocation& loc) const;

 private:
  struct AggContext;
  using ChildBinder = std::function<Result<ExprPtr>(const ast::ParsedExpr&)>;

  Result<LogicalPlanPtr> BindSelectNode(const ast::SelectNode& node);
  Result<LogicalPlanPtr> BindSetOperation(const ast::SetOperationNode& node);
  Result<LogicalPlanPtr> BindValues(const std::vector<std::vector<ast::ParsedExprPtr>>& rows,
                                    const std::vector<std::string>& names, const ast::SourceLocation& loc);
  Result<LogicalPlanPtr> BindTableRef(const ast::TableRef& ref);
  Result<LogicalPlanPtr> BindJoin(const ast::JoinRef& ref);
  Result<LogicalPlanPtr> ApplyModifiers(const ast::QueryNode& query, LogicalPlanPtr plan,
                                        const BindScope* order_scope);

  // Binds one node, binding its children with `child`.
  Result<ExprPtr> BindNode(const ast::ParsedExpr& expr, const BindScope& scope, const ChildBinder& child);
  Result<ExprPtr> ResolveColumn(const ast::ParsedExpr& expr, const BindScope& scope);
  Status RewriteAggregateArguments(const ast::ParsedExpr& e, std::vector<ExprPtr>* args);
  Result<ExprPtr> BindInAggContext(const ast::ParsedExpr& expr, AggContext* ctx);
  // Expands a select list (stars) into (expression, name) pairs bound by `bind`.
  Result<std::vector<std::pair<ExprPtr, std::string>>> BindSelectList(
      const std::vector<ast::SelectItem>& items, const BindScope& scope,
      const std::function<Result<ExprPtr>(const ast::ParsedExpr&)>& bind);
  Result<int64_t> BindConstantInt(const ast::ParsedExpr& expr, const char* what);
  Result<ExprPtr> BindSubquery(const ast::ParsedExpr& expr, const BindScope& scope, const ChildBinder& child);
  // If `query` binds only with `outer`'s columns visible (a correlated
  // subquery), the first outer column it uses ("`t`.`x`"); else "".
  std::string OuterColumnOf(const ast::QueryNode& query, const BindScope& outer);
  // `query` bound with the outer query's columns hidden, once per node (the
  // result, or the error, is kept in uncorrelated_).
  Result<LogicalPlanPtr> BindUncorrelated(const ast::QueryNodePtr& query);
  // WHERE [NOT] EXISTS (correlated subquery) as a LEFT SEMI / ANTI join of
  // `input`, WHERE x IN (correlated subquery) as a LEFT SEMI join on
  // x = <its value> and its correlated conditions (exact in WHERE, where
  // NULL and FALSE both drop the row); nullopt when `conjunct` is not such a
  // predicate. A correlated NOT IN is an error (it needs a null-aware anti
  // join).
  Result<std::optional<LogicalPlanPtr>> TryBindCorrelatedExists(const ast::ParsedExpr& conjunct,
                                                                const LogicalPlanPtr& input);

  // Spark's TimeWindowing / SessionWindowing. When `roots` (a SELECT's
  // list, GROUP BY, HAVING and ORDER BY expressions) call window() or
  // session_window(), returns `input` with the window column appended
  // (`window` or `session_window`, STRUCT<start, end>; rows without a
  // window filtered out; a sliding window through an Expand) and sets
  // time_window_, through which the calls then bind to that column. More
  // than one distinct window call is an error, as in Spark.
  Result<LogicalPlanPtr> ApplyTimeWindow(LogicalPlanPtr input, const std::vector<const ast::ParsedExpr*>& roots);
  // For a session window: `agg` (an Aggregate over ApplyTimeWindow's plan)
  // with session_window_group set to the group that is the session column;
  // an error if no group is.
  Result<LogicalPlanPtr> MarkSessionWindowGroup(const LogicalPlanPtr& agg);
  // The window column bound to `expr` (a window()/session_window() call) in
  // `scope`, or an error when it is not the query's window.
  Result<ExprPtr> BindTimeWindowCall(const ast::ParsedExpr& expr, const BindScope& scope);
  struct TimeWindowBinding {
    std::string call;    // the call's SQL text
    std::string column;  // "window" or "session_window"
    bool session = false;
  };
  // Set while the SELECT that has a window call is bound.
  std::optional<TimeWindowBinding> time_window_;
  // Restores time_window_ when a SELECT's binding ends (subqueries have
  // their own).
  struct TimeWindowScope {
    explicit TimeWindowScope(Binder* b) : binder(b), saved(std::move(b->time_window_)) { b->time_window_.reset(); }
    ~TimeWindowScope() { binder->time_window_ = std::move(saved); }
    TimeWindowScope(const TimeWindowScope&) = delete;
    TimeWindowScope& operator=(const TimeWindowScope&) = delete;
    Binder* binder;
    std::optional<TimeWindowBinding> saved;
  };

  const Catalog* catalog_;
  std::string_view sql_;
  SubqueryRunner subquery_runner_;
  // While binding a correlated subquery: the outer query's columns, tried
  // when a name is not found inside; references to them are marked with
  // kOuterColumnBase + index.
  const BindScope* outer_scope_ = nullptr;
  bool used_outer_ = false;
  std::string outer_column_name_;  // the first outer column used_outer_ saw
  // The FROM scope of the aggregation being bound (BindInAggContext), for
  // BindSubquery's error about correlated subqueries; null outside one.
  const BindScope* aggregate_input_ = nullptr;
  // Common table expressions in scope, innermost last.
  std::vector<std::map<std::string, LogicalPlanPtr>> ctes_;
  // Subqueries bound uncorrelated so far. An EXISTS in WHERE is first tried
  // as an uncorrelated query, then bound as a predicate: without this, each
  // nested level doubled the work (exponential in the nesting).
  std::map<ast::QueryNodePtr, Result<LogicalPlanPtr>> uncorrelated_;
};

bool ContainsAggregate(const ast::ParsedExpr& expr);

}  // namespace sluice
