#include "sluice/session.h"

#include <chrono>
#include <map>
#include <mutex>

#include "api/query_result_internal.h"
#include "api/session_conf.h"
#include "api/session_impl.h"
#include "common/allocation_failure.h"
#include "exec/physical_operator.h"
#include "plan/binder.h"
#include "connectors/builtin/builtin_connectors.h"
#include "plan/optimizer.h"
#include "plan/physical_planner.h"
#include "sql/error_location.h"
#include "sql/parser.h"
#include "exec/operators/memory_table.h"

namespace sluice {

std::shared_ptr<Session> Session::Create() { return std::make_shared<SessionImpl>(); }

namespace {

std::string NameOf(const std::vector<std::string>& parts) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? "." : "") + parts[i];
  return s;
}

QueryResult SingleStringColumn(const std::string& name, const std::vector<std::string>& rows) {
  Vector v(DataType::String(), 0);
  for (const auto& r : rows) v.AppendValue(Value::String(r));
  Schema s({{name, DataType::String(), false}});
  return MakeQueryResult(s, {Batch({v}, rows.size())});
}

}  // namespace

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<QueryResult> SessionImpl::Execute(const LogicalPlanPtr& analyzed) {
  return CatchAllocationFailure("running a query", [&]() -> Result<QueryResult> {
    SLUICE_ASSIGN_OR_RETURN(auto optimized, Optimize(analyzed));
    SLUICE_ASSIGN_OR_RETURN(auto physical, PlanPhysical(optimized));
    ExecContext ctx;
    ctx.eval.now_micros = NowMicros();
    SLUICE_ASSIGN_OR_RETURN(auto batches, CollectAll(*physical, &ctx));
    return MakeQueryResult(OutputSchema(*analyzed), std::move(batches));
  });
}

Result<std::string> SessionImpl::Explain(const LogicalPlanPtr& analyzed, bool extended) {
  return CatchAllocationFailure("planning a query", [&] { return ExplainPlans(analyzed, extended); });
}

Result<std::string> SessionImpl::ExplainPlans(const LogicalPlanPtr& analyzed, bool extended) {
  SLUICE_ASSIGN_OR_RETURN(auto optimized, Optimize(analyzed));
  SLUICE_ASSIGN_OR_RETURN(auto physical, PlanPhysical(optimized));
  std::string out;
  if (extended) {
    out += "== Analyzed Logical Plan ==\n" + analyzed->ToTreeString() + "\n";
    out += "== Optimized Logical Plan ==\n" + optimized->ToTreeString() + "\n";
  }
  out += "== Physical Plan ==\n" + physical->ToTreeString();
  return out;
}

Result<QueryResult> SessionImpl::Sql(std::string_view text) {
  return CatchAllocationFailure("running SQL", [&]() -> Result<QueryResult> {
    SLUICE_ASSIGN_OR_RETURN(auto statements, ParseStatements(text));
    QueryResult last;
    for (const auto& st : statements) {
      SLUICE_ASSIGN_OR_RETURN(last, ExecuteStatement(*st, text));
    }
    return last;
  });
}

std::optional<std::string> SessionImpl::GetConf(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = conf_.find(key);
  if (it == conf_.end()) return std::nullopt;
  return it->second;
}

Binder SessionImpl::NewBinder(std::string_view sql) {
  Binder binder(&catalog_, sql);
  binder.set_subquery_runner([this](const LogicalPlanPtr& plan) -> Result<std::vector<Batch>> {
    SLUICE_ASSIGN_OR_RETURN(auto r, Execute(plan));
    return QueryResultBatches(r);
  });
  return binder;
}

Result<LogicalPlanPtr> SessionImpl::BindQueryText(const ast::QueryNode& query, std::string_view text) {
  return NewBinder(text).BindQuery(query);
}

Result<QueryResult> SessionImpl::ExecuteStatement(const ast::Statement& st, std::string_view text) {
  switch (st.kind) {
    case ast::StatementKind::kSelect: {
      SLUICE_ASSIGN_OR_RETURN(auto plan, BindQueryText(*st.As<ast::SelectStatement>().query, text));
      return Execute(plan);
    }
    case ast::StatementKind::kExplain: {
      const auto& ex = st.As<ast::ExplainStatement>();
      if (ex.inner->kind != ast::StatementKind::kSelect) {
        return Status::AnalysisError("EXPLAIN supports queries only");
      }
      SLUICE_ASSIGN_OR_RETURN(auto plan, BindQueryText(*ex.inner->As<ast::SelectStatement>().query, text));
      // Sluice prints all three plans for EXPLAIN, as EXPLAIN EXTENDED does.
      SLUICE_ASSIGN_OR_RETURN(auto s, Explain(plan, true));
      s = "== Parsed Logical Plan ==\n" + ex.inner->ToString() + "\n\n" + s;
      return SingleStringColumn("plan", {s});
    }
    case ast::StatementKind::kCreateTable: {
      const auto& ct = st.As<ast::CreateTableStatement>();
      std::string name = NameOf(ct.name);
      if (ct.as_query) {
        SLUICE_ASSIGN_OR_RETURN(auto plan, BindQueryText(*ct.as_query, text));
        SLUICE_ASSIGN_OR_RETURN(auto result, Execute(plan));
        auto table = std::make_shared<MemoryTable>(result.schema(), QueryResultBatches(result), name);
        SLUICE_RETURN_NOT_OK(catalog_.CreateTable(name, table, ct.or_replace, ct.if_not_exists));
        return QueryResult();
      }
      std::map<std::string, std::string> options;
      std::vector<std::string> paths;
      for (const auto& [k, v] : ct.options) {
        if (EqualsIgnoreCase(k, "path")) {
          paths.push_back(v);
        } else {
          options[ToLower(k)] = v;
        }
      }
      if (ct.location_path) paths.push_back(*ct.location_path);
      std::optional<Schema> schema;
      if (!ct.columns.empty()) {
        Schema s;
        for (const auto& c : ct.columns) s.Add({c.name, c.type, !c.not_null});
        schema = s;
      }
      if (!ct.format) {
        if (!schema) return Status::AnalysisError("CREATE TABLE " + name + " needs a column list or USING <format>");
        // An empty in-memory table.
        auto table = std::make_shared<MemoryTable>(*schema, std::vector<Batch>{}, name);
        SLUICE_RETURN_NOT_OK(catalog_.CreateTable(name, table, ct.or_replace, ct.if_not_exists));
        return QueryResult();
      }
      auto spec = BuiltinConnectors().Get(ConnectorKind::kTable, *ct.format);
      if (!spec.ok()) return spec.status().WithContext("CREATE TABLE " + name);
      if (paths.empty() && (*spec)->takes_path) {
        return Status::AnalysisError("CREATE TABLE " + name + " USING " + *ct.format +
                                     " needs OPTIONS (path '...') or LOCATION '...'");
      }
      auto table = BuiltinConnectors().MakeTable(*ct.format, options, paths, schema);
      if (!table.ok()) return table.status().WithContext("CREATE TABLE " + name);
      SLUICE_RETURN_NOT_OK(catalog_.CreateTable(name, *table, ct.or_replace, ct.if_not_exists));
      return QueryResult();
    }
    case ast::StatementKind::kCreateView: {
      const auto& cv = st.As<ast::CreateViewStatement>();
      SLUICE_ASSIGN_OR_RETURN(auto plan, BindQueryText(*cv.query, text));
      if (!cv.column_aliases.empty()) {
        if (cv.column_aliases.size() != plan->output.size()) {
          return Status::AnalysisError("view " + NameOf(cv.name) + " lists " +
                                       std::to_string(cv.column_aliases.size()) + " columns but its query returns " +
                                       std::to_string(plan->output.size()));
        }
        auto p = std::make_shared<LogicalPlan>(*plan);
        for (size_t i = 0; i < p->output.size(); ++i) p->output[i].name = cv.column_aliases[i];
        plan = p;
      }
      SLUICE_RETURN_NOT_OK(catalog_.CreateView(NameOf(cv.name), plan, cv.or_replace, cv.if_not_exists));
      return QueryResult();
    }
    case ast::StatementKind::kDropTable:
    case ast::StatementKind::kDropView: {
      const auto& d = st.As<ast::DropStatement>();
      SLUICE_RETURN_NOT_OK(catalog_.Drop(NameOf(d.name), st.kind == ast::StatementKind::kDropView, d.if_exists));
      return QueryResult();
    }
    case ast::StatementKind::kSet: {
      const auto& s = st.As<ast::SetStatement>();
      std::lock_guard<std::mutex> lock(mu_);
      if (s.key.empty()) {
        Vector k(DataType::String(), 0), v(DataType::String(), 0);
        for (const auto& [key, val] : conf_) {
          k.AppendValue(Value::String(key));
          v.AppendValue(Value::String(val));
        }
        size_t n = k.size();
        return MakeQueryResult(Schema({{"key", DataType::String()}, {"value", DataType::String()}}), {Batch({k, v}, n)});
      }
      std::string key = s.key;
      if (const OptionSpec* spec = SessionConfOptions().Find(key)) {
        key = spec->name;
        if (s.value) {
          Status valid = ValidateOptions(SessionConfOptions(), {{key, *s.value}}, "the session configuration");
          if (!valid.ok()) {
            return Status(valid.code(), "SET " + key + " (line " + std::to_string(s.location.line) + ", column " +
                                            std::to_string(s.location.column) + "): " + valid.message() + "; " +
                                            spec->description + "\n" +
                                            FormatLocation(text, s.location.line, s.location.column));
          }
        }
      }
      if (s.value) conf_[key] = *s.value;
      Vector k(DataType::String(), 0), v(DataType::String(), 0);
      k.AppendValue(Value::String(key));
      auto it = conf_.find(key);
      v.AppendValue(it == conf_.end() ? Value::String("<undefined>") : Value::String(it->second));
      return MakeQueryResult(Schema({{"key", DataType::String()}, {"value", DataType::String()}}), {Batch({k, v}, 1)});
    }
    case ast::StatementKind::kCreateStream:
    case ast::StatementKind::kCreateSink:
    case ast::StatementKind::kStartStreamingQuery:
      return Status::InvalidArgument(
          "CREATE STREAM, CREATE SINK and START STREAMING QUERY belong to a streaming job: run the file with "
          "`sluice run job.sql` (or use readStream()/writeStream() in the DataFrame API)");
  }
  return Status::NotImplemented("statement not supported: " + st.ToString());
}

}  // namespace sluice
