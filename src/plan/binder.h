// Binder: turns parsed SQL (sql/ast.h) into an analyzed LogicalPlan:
// resolves table, column and function names against the catalog and the
// FROM clause, types every expression (inserting Spark's implicit casts via
// the function registry), plans aggregation (GROUP BY, HAVING, aggregates in
// SELECT and ORDER BY) and reports mistakes with the line, column and a caret
// under the spot, suggesting a close name where one exists.
#pragma once

#include <functional>
#include <map>
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

  // An AnalysisError at `loc`: message, then the caret lines.
  Status ErrorAt(const ast::SourceLocation& loc, const std::string& message) const;

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
  Result<ExprPtr> BindInAggContext(const ast::ParsedExpr& expr, AggContext* ctx);
  // Expands a select list (stars) into (expression, name) pairs bound by `bind`.
  Result<std::vector<std::pair<ExprPtr, std::string>>> BindSelectList(
      const std::vector<ast::SelectItem>& items, const BindScope& scope,
      const std::function<Result<ExprPtr>(const ast::ParsedExpr&)>& bind);
  Result<int64_t> BindConstantInt(const ast::ParsedExpr& expr, const char* what);

  const Catalog* catalog_;
  std::string_view sql_;
  // Common table expressions in scope, innermost last.
  std::vector<std::map<std::string, LogicalPlanPtr>> ctes_;
};

bool ContainsAggregate(const ast::ParsedExpr& expr);

}  // namespace sluice
