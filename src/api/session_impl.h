// SessionImpl: the Session behind the public API: catalog, configuration,
// and the path from SQL text (or a DataFrame's plan) to a result:
//   parse -> bind -> optimize -> physical plan -> execute.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "plan/binder.h"
#include "plan/catalog.h"
#include "plan/logical_plan.h"
#include "sluice/session.h"
#include "sql/ast.h"

namespace sluice {

int64_t NowMicros();

class SessionImpl : public Session, public std::enable_shared_from_this<SessionImpl> {
 public:
  Result<QueryResult> Sql(std::string_view text) override;

  // Execute, Explain and Sql turn an allocation failure into OutOfMemory
  // (common/allocation_failure.h).
  Result<QueryResult> Execute(const LogicalPlanPtr& analyzed);
  // The plans as EXPLAIN prints them.
  Result<std::string> Explain(const LogicalPlanPtr& analyzed, bool extended);
  Result<LogicalPlanPtr> BindQueryText(const ast::QueryNode& query, std::string_view text);
  // A binder over this session's catalog that runs uncorrelated subqueries
  // through this session. `sql` is the text locations refer to (may be "").
  Binder NewBinder(std::string_view sql);

  // One parsed statement; `text` is the whole text it was parsed from (for
  // error locations). Streaming statements are refused: they run in a
  // streaming job (src/stream/streaming_job.h).
  Result<QueryResult> ExecuteStatement(const ast::Statement& st, std::string_view text);

  Catalog& catalog() { return catalog_; }
  // The value SET for `key` (a setting of SessionConfOptions() by its name
  // there, api/session_conf.h, whose range SET has checked), if any.
  std::optional<std::string> GetConf(const std::string& key);

 private:
  Result<std::string> ExplainPlans(const LogicalPlanPtr& analyzed, bool extended);

  Catalog catalog_;
  std::mutex mu_;
  std::map<std::string, std::string> conf_;
};

}  // namespace sluice
