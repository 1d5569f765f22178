#include "stream/streaming_job.h"

#include <map>
#include <optional>

#include "api/session_impl.h"
#include "sluice/dataframe.h"
#include "sql/error_location.h"
#include "sql/parser.h"
#include "connectors/builtin/builtin_connectors.h"
#include "stream/micro_batch_execution.h"
#include "stream/streaming_relation.h"

namespace sluice {

namespace {

struct SinkDecl {
  std::string format;
  std::map<std::string, std::string> options;
};

std::map<std::string, std::string> OptionMap(const std::vector<std::pair<std::string, std::string>>& options) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : options) out[k] = v;
  return out;
}

// "<what> at line L, column C" + the caret lines, for errors that come from
// outside the parser (bad options, unknown connectors, query start).
Status Located(const Status& st, std::string_view text, const ast::SourceLocation& loc, const std::string& what) {
  if (st.message().find('\n') != std::string::npos) return st.WithContext(what);
  return Status(st.code(), what + " (line " + std::to_string(loc.line) + ", column " + std::to_string(loc.column) +
                               "): " + st.message() + "\n" + FormatLocation(text, loc.line, loc.column));
}

}  // namespace

Result<std::unique_ptr<StreamingJob>> StreamingJob::Start(const std::shared_ptr<Session>& session,
                                                         const std::string& text, const Options& options) {
  auto job = std::make_unique<StreamingJob>();
  // A job starts whole or not at all: when a statement fails, the queries
  // already started are stopped before the error is returned (the caller,
  // holding no job, could not stop them).
  struct StopStartedOnError {
    StreamingJob* job;
    bool armed = true;
    ~StopStartedOnError() {
      if (!armed) return;
      for (const auto& q : job->queries_) (void)q.stop();
    }
  } stop_on_error{job.get()};
  auto impl = std::static_pointer_cast<SessionImpl>(session);
  SLUICE_ASSIGN_OR_RETURN(auto statements, ParseStatements(text));
  std::map<std::string, SinkDecl> sinks;
  for (const auto& st : statements) {
    switch (st->kind) {
      case ast::StatementKind::kCreateStream: {
        const auto& cs = st->As<ast::CreateStreamStatement>();
        std::optional<Schema> schema;
        if (!cs.columns.empty()) {
          Schema s;
          for (const auto& c : cs.columns) s.Add({c.name, c.type, !c.not_null});
          schema = s;
        }
        auto rel = MakeStreamingRelation(cs.format, OptionMap(cs.options), schema);
        if (!rel.ok()) return Located(rel.status(), text, cs.location, "CREATE STREAM " + cs.name);
        Status created = impl->catalog().CreateTable(cs.name, *rel, cs.or_replace, false);
        if (!created.ok()) return Located(created, text, cs.location, "CREATE STREAM " + cs.name);
        break;
      }
      case ast::StatementKind::kCreateSink: {
        const auto& ck = st->As<ast::CreateSinkStatement>();
        std::string key = ToLower(ck.name);
        if (sinks.count(key) && !ck.or_replace) {
          return Located(Status::AnalysisError("sink `" + ck.name + "` is already declared; use CREATE OR REPLACE SINK"),
                         text, ck.location, "CREATE SINK " + ck.name);
        }
        // The sink's format and options are checked here, so an error points
        // at the CREATE SINK that has it (checkpointLocation and the other
        // query options are checked when the query starts).
        auto spec = BuiltinConnectors().Get(ConnectorKind::kSink, ck.format);
        if (!spec.ok()) return Located(spec.status(), text, ck.location, "CREATE SINK " + ck.name);
        std::map<std::string, std::string> sink_only;
        for (const auto& [k, v] : ck.options) {
          if (!StreamingQueryOptionSet().Find(k)) sink_only[k] = v;
        }
        auto sink_options = OptionMap(ck.options);
        if (!ck.partitioned_by.empty()) {
          // PARTITIONED BY (a, b) is the option partitionBy 'a,b'.
          for (const auto& [k, v] : ck.options) {
            if (EqualsIgnoreCase(k, "partitionBy")) {
              return Located(Status::AnalysisError("partition columns are given twice: by PARTITIONED BY and by "
                                                   "the option partitionBy; keep one"),
                             text, ck.location, "CREATE SINK " + ck.name);
            }
          }
          std::string joined;
          for (const auto& c : ck.partitioned_by) joined += (joined.empty() ? "" : ",") + c;
          sink_only["partitionBy"] = joined;
          sink_options["partitionBy"] = joined;
        }
        Status valid = ValidateOptions((*spec)->options, sink_only, (*spec)->What());
        if (!valid.ok()) return Located(valid, text, ck.location, "CREATE SINK " + ck.name);
        sinks[key] = SinkDecl{ck.format, std::move(sink_options)};
        break;
      }
      case ast::StatementKind::kStartStreamingQuery: {
        const auto& sq = st->As<ast::StartStreamingQueryStatement>();
        std::string what = "START STREAMING QUERY " + sq.name;
        auto it = sinks.find(ToLower(sq.sink));
        if (it == sinks.end()) {
          return Located(Status::AnalysisError("unknown sink `" + sq.sink + "`; declare it first with CREATE SINK"),
                         text, sq.location, what);
        }
        // Bound against the whole file's text, so errors in the query point
        // at the right line and column of the file.
        SLUICE_ASSIGN_OR_RETURN(auto plan, impl->BindQueryText(*sq.query, text));
        DataFrame df(impl, plan, Status::OK());
        Trigger trigger = Trigger::Default();
        switch (sq.trigger) {
          case ast::StreamTriggerKind::kDefault: break;
          case ast::StreamTriggerKind::kProcessingTime: {
            auto t = Trigger::ProcessingTime(sq.trigger_interval);
            if (!t.ok()) return Located(t.status(), text, sq.location, what);
            trigger = *t;
            break;
          }
          case ast::StreamTriggerKind::kAvailableNow: trigger = Trigger::AvailableNow(); break;
          case ast::StreamTriggerKind::kOnce: trigger = Trigger::Once(); break;
        }
        DataStreamWriter w = df.writeStream();
        w.format(it->second.format).options(it->second.options).outputMode(sq.output_mode).trigger(trigger).queryName(
            sq.name);
        if (sq.checkpoint_location) w.option("checkpointLocation", *sq.checkpoint_location);
        if (options.max_batches > 0) w.option("maxBatches", std::to_string(options.max_batches));
        if (options.env) w.env(options.env);
        if (options.clock) w.clock(options.clock);
        auto q = w.start();
        if (!q.ok()) return Located(q.status(), text, sq.location, what);
        job->queries_.push_back(*q);
        break;
      }
      default: {
        auto r = impl->ExecuteStatement(*st, text);
        if (!r.ok()) return r.status();
        break;
      }
    }
  }
  if (job->queries_.empty()) {
    return Status::InvalidArgument("the job starts no query (add START STREAMING QUERY ... AS SELECT ...)");
  }
  stop_on_error.armed = false;
  return job;
}

}  // namespace sluice
