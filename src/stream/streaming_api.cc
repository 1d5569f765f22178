// The public streaming API (include/sluice/streaming.h) over
// MicroBatchExecution.
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <regex>

#include "api/query_result_internal.h"
#include "api/session_conf.h"
#include "api/session_impl.h"
#include "common/json_writer.h"
#include "stream/foreach_batch_sink.h"
#include "sluice/streaming.h"
#include "sql/parser.h"
#include "connectors/builtin/builtin_connectors.h"
#include "stream/micro_batch_execution.h"
#include "stream/streaming_query_internal.h"

namespace sluice {

// --- Trigger ---

namespace {
// Spark's interval text as microseconds; `what` names it in errors
// ("trigger interval", "targetLatency").
Result<int64_t> ParseIntervalMicros(const std::string& interval, const std::string& what) {
  // Spark's interval strings: an optional "interval", then one or more
  // "<n> <unit>" (units day(s), hour(s), minute(s), second(s),
  // millisecond(s), microsecond(s), week(s), and the short forms d, h, m,
  // s, ms, us); a bare number is milliseconds. "1 minute 30 seconds".
  static const std::regex part_re(R"(^\s*(\d+)\s*([a-zA-Z]*))");
  static const std::regex prefix_re(R"(^\s*interval\s+)", std::regex::icase);
  auto bad = [&] {
    return Status::InvalidArgument("bad " + what + " '" + interval +
                                   "' (expected e.g. '1 second', '500 milliseconds', '1 minute 30 seconds')");
  };
  std::string rest = std::regex_replace(interval, prefix_re, "", std::regex_constants::format_first_only);
  int64_t total_us = 0;
  int parts = 0;
  std::smatch m;
  while (std::regex_search(rest, m, part_re)) {
    const std::string digits = m[1].str();
    int64_t n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size() || n > (int64_t{1} << 40)) {
      return Status::InvalidArgument(what + " '" + interval + "' is too large");
    }
    std::string unit = ToLower(m[2].str());
    int64_t mult_us;
    if (unit.empty() || unit == "ms" || unit == "millisecond" || unit == "milliseconds") {
      mult_us = 1000;
    } else if (unit == "us" || unit == "microsecond" || unit == "microseconds") {
      mult_us = 1;
    } else if (unit == "s" || unit == "second" || unit == "seconds") {
      mult_us = 1000 * 1000;
    } else if (unit == "m" || unit == "minute" || unit == "minutes") {
      mult_us = 60LL * 1000 * 1000;
    } else if (unit == "h" || unit == "hour" || unit == "hours") {
      mult_us = 3600LL * 1000 * 1000;
    } else if (unit == "d" || unit == "day" || unit == "days") {
      mult_us = 86400LL * 1000 * 1000;
    } else if (unit == "week" || unit == "weeks") {
      mult_us = 7 * 86400LL * 1000 * 1000;
    } else if (unit == "month" || unit == "months" || unit == "year" || unit == "years") {
      return Status::InvalidArgument(what + " '" + interval +
                                     "': months and years are not fixed durations (as in Spark, not allowed)");
    } else {
      return Status::InvalidArgument("bad " + what + " unit '" + m[2].str() + "' in '" + interval + "'");
    }
    // n < 2^40 and mult_us < 2^40 (a week): the product fits; the sum of a
    // few parts too.
    if (n > (int64_t{1} << 62) / mult_us) return Status::InvalidArgument(what + " '" + interval + "' is too large");
    total_us += n * mult_us;
    if (total_us > (int64_t{1} << 62)) return Status::InvalidArgument(what + " '" + interval + "' is too large");
    ++parts;
    rest = m.suffix().str();
  }
  if (parts == 0 || rest.find_first_not_of(" \t") != std::string::npos) return bad();
  return total_us;
}
}  // namespace

Result<Trigger> Trigger::ProcessingTime(const std::string& interval) {
  SLUICE_ASSIGN_OR_RETURN(int64_t us, ParseIntervalMicros(interval, "trigger interval"));
  return ProcessingTime(us / 1000);
}

std::string Trigger::ToString() const {
  switch (kind_) {
    case Kind::kDefault: return "ProcessingTime(0)";
    case Kind::kProcessingTime: return "ProcessingTime(" + std::to_string(interval_ms_) + " ms)";
    case Kind::kAvailableNow: return "AvailableNow";
    case Kind::kOnce: return "Once";
  }
  return "?";
}

// --- progress JSON ---

namespace {
void WriteProgress(const StreamingQueryProgress& p, JsonWriter& w) {
  w.BeginObject();
  w.Key("id").String(p.id).Key("runId").String(p.runId).Key("name");
  if (p.name.empty()) {
    w.Null();
  } else {
    w.String(p.name);
  }
  w.Key("timestamp").String(p.timestamp).Key("batchId").Int(p.batchId).Key("numInputRows").Int(p.numInputRows);
  w.Key("inputRowsPerSecond").Double(p.inputRowsPerSecond).Key("processedRowsPerSecond").Double(p.processedRowsPerSecond);
  w.Key("durationMs").BeginObject();
  for (const auto& [k, v] : p.durationMs) w.Key(k).Int(v);
  w.EndObject();
  if (!p.eventTime.empty()) {
    w.Key("eventTime").BeginObject();
    for (const auto& [k, v] : p.eventTime) w.Key(k).String(v);
    w.EndObject();
  }
  w.Key("stateOperators").BeginArray();
  for (const auto& s : p.stateOperators) {
    w.BeginObject().Key("operatorName").String(s.operatorName).Key("numRowsTotal").Int(s.numRowsTotal);
    w.Key("numRowsUpdated").Int(s.numRowsUpdated).Key("numRowsRemoved").Int(s.numRowsRemoved);
    w.Key("commitTimeMs").Int(s.commitTimeMs).Key("memoryUsedBytes").Int(s.memoryUsedBytes);
    w.Key("numRowsDroppedByWatermark").Int(s.numRowsDroppedByWatermark);
    w.Key("numShufflePartitions").Int(s.numShufflePartitions);
    w.EndObject();
  }
  w.EndArray();
  w.Key("sources").BeginArray();
  for (const auto& s : p.sources) {
    w.BeginObject().Key("description").String(s.description);
    w.Key("startOffset").Raw(s.startOffset).Key("endOffset").Raw(s.endOffset).Key("latestOffset").Raw(s.latestOffset);
    w.Key("numInputRows").Int(s.numInputRows).Key("inputRowsPerSecond").Double(s.inputRowsPerSecond);
    w.Key("processedRowsPerSecond").Double(s.processedRowsPerSecond);
    if (!s.metrics.empty()) {
      w.Key("metrics").BeginObject();
      for (const auto& [k, v] : s.metrics) w.Key(k).String(v);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("sink").BeginObject().Key("description").String(p.sink.description);
  w.Key("numOutputRows").Int(p.sink.numOutputRows).EndObject();
  w.EndObject();
}
}  // namespace

std::string StreamingQueryProgress::json() const {
  JsonWriter w;
  WriteProgress(*this, w);
  return w.Take();
}

std::string StreamingQueryProgress::prettyJson() const {
  // Re-indent the compact form (strings never contain raw newlines).
  std::string in = json(), out;
  int depth = 0;
  bool in_str = false;
  auto nl = [&] { out += "\n" + std::string(static_cast<size_t>(depth) * 2, ' '); };
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (in_str) {
      out += c;
      if (c == '\\') {
        out += in[++i];
      } else if (c == '"') {
        in_str = false;
      }
      continue;
    }
    if (c == '"') {
      in_str = true;
      out += c;
    } else if (c == '{' || c == '[') {
      out += c;
      if (i + 1 < in.size() && (in[i + 1] == '}' || in[i + 1] == ']')) {
        out += in[++i];
        continue;
      }
      ++depth;
      nl();
    } else if (c == '}' || c == ']') {
      --depth;
      nl();
      out += c;
    } else if (c == ',') {
      out += c;
      nl();
    } else if (c == ':') {
      out += " : ";
    } else {
      out += c;
    }
  }
  return out;
}

std::string StreamingQueryStatus::json() const {
  JsonWriter w;
  w.BeginObject().Key("message").String(message).Key("isDataAvailable").Bool(isDataAvailable);
  w.Key("isTriggerActive").Bool(isTriggerActive).EndObject();
  return w.Take();
}

// --- StreamingQuery ---

std::string StreamingQuery::id() const { return exec_->id(); }
std::string StreamingQuery::runId() const { return exec_->run_id(); }
std::string StreamingQuery::name() const { return exec_->name(); }
bool StreamingQuery::isActive() const { return exec_->active(); }
StreamingQueryStatus StreamingQuery::status() const { return exec_->status(); }
std::optional<StreamingQueryProgress> StreamingQuery::lastProgress() const { return exec_->last_progress(); }
std::vector<StreamingQueryProgress> StreamingQuery::recentProgress() const { return exec_->recent_progress(); }
Status StreamingQuery::awaitTermination() const { return exec_->AwaitTermination(); }
Result<bool> StreamingQuery::awaitTermination(int64_t timeout_ms) const { return exec_->AwaitTermination(timeout_ms); }
Status StreamingQuery::processAllAvailable() const { return exec_->ProcessAllAvailable(); }
Status StreamingQuery::stop() const { return exec_->Stop(); }
std::optional<Status> StreamingQuery::exception() const { return exec_->error(); }
std::string StreamingQuery::explain() const { return exec_->last_plan(); }
StreamingQueryPlan StreamingQuery::lastPlan() const { return exec_->last_plan_metrics(); }

// --- StreamingQueryManager ---

struct StreamingQueryManager::State {
  mutable std::mutex mu;
  mutable std::condition_variable terminated_cv;
  std::vector<std::shared_ptr<StreamingQueryListener>> listeners;  // GUARDED_BY(mu)
  std::map<std::string, StreamingQuery> active;                    // GUARDED_BY(mu), by run id
  // A query terminated since the manager was made or resetTerminated(),
  // and the error of the last one that failed (awaitAnyTermination).
  bool any_terminated = false;                                     // GUARDED_BY(mu)
  std::optional<Status> last_error;                                // GUARDED_BY(mu)
};

StreamingQueryManager::StreamingQueryManager() : state_(std::make_unique<State>()) {}
StreamingQueryManager::~StreamingQueryManager() = default;

void StreamingQueryManager::addListener(std::shared_ptr<StreamingQueryListener> listener) {
  std::lock_guard<std::mutex> l(state_->mu);
  state_->listeners.push_back(std::move(listener));
}
void StreamingQueryManager::removeListener(const std::shared_ptr<StreamingQueryListener>& listener) {
  std::lock_guard<std::mutex> l(state_->mu);
  std::erase(state_->listeners, listener);
}
std::vector<StreamingQuery> StreamingQueryManager::active() const {
  std::lock_guard<std::mutex> l(state_->mu);
  std::vector<StreamingQuery> out;
  for (const auto& [k, q] : state_->active) out.push_back(q);
  return out;
}
std::optional<StreamingQuery> StreamingQueryManager::get(const std::string& id) const {
  std::lock_guard<std::mutex> l(state_->mu);
  for (const auto& [k, q] : state_->active) {
    if (q.id() == id) return q;
  }
  return std::nullopt;
}
Status StreamingQueryManager::awaitAnyTermination() const {
  std::unique_lock<std::mutex> l(state_->mu);
  state_->terminated_cv.wait(l, [&] { return state_->any_terminated; });
  return state_->last_error ? *state_->last_error : Status::OK();
}
Result<bool> StreamingQueryManager::awaitAnyTermination(int64_t timeout_ms) const {
  if (timeout_ms < 0) return Status::InvalidArgument("awaitAnyTermination: timeout must be positive, got " + std::to_string(timeout_ms));
  std::unique_lock<std::mutex> l(state_->mu);
  if (!state_->terminated_cv.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return state_->any_terminated; })) {
    return false;
  }
  if (state_->last_error) return *state_->last_error;
  return true;
}
void StreamingQueryManager::resetTerminated() {
  std::lock_guard<std::mutex> l(state_->mu);
  state_->any_terminated = false;
  state_->last_error.reset();
}
void StreamingQueryManager::StopAll() {
  for (auto& q : active()) StreamingQueryAccess::Execution(q)->RequestStop();
}

std::vector<std::shared_ptr<StreamingQueryListener>> StreamingQueryAccess::Listeners(const StreamingQueryManager& m) {
  std::lock_guard<std::mutex> l(m.state_->mu);
  return m.state_->listeners;
}
void StreamingQueryAccess::Register(StreamingQueryManager& m, const StreamingQuery& q) {
  std::lock_guard<std::mutex> l(m.state_->mu);
  m.state_->active.emplace(q.runId(), q);
}
void StreamingQueryAccess::Unregister(StreamingQueryManager& m, const std::string& run_id) {
  {
    std::lock_guard<std::mutex> l(m.state_->mu);
    auto it = m.state_->active.find(run_id);
    if (it != m.state_->active.end()) {
      if (auto err = it->second.exception()) {
        // Spark's StreamingQueryException text names the query.
        m.state_->last_error = Status(err->code(), "Query [id = " + it->second.id() + ", runId = " + run_id +
                                                       "] terminated with exception: " + err->message());
      }
      m.state_->active.erase(it);
    }
    m.state_->any_terminated = true;
  }
  m.state_->terminated_cv.notify_all();
}

namespace {
std::shared_ptr<SessionImpl> ImplOf(Session* s) {
  return std::static_pointer_cast<SessionImpl>(static_cast<SessionImpl*>(s)->shared_from_this());
}
}  // namespace

StreamingQueryManager& Session::streams() {
  // Kept in the session's catalog and destroyed with it, so that a later
  // session (even one allocated at this address) starts with no listeners
  // and no queries. A running query holds its session, and so this manager.
  auto kept = ImplOf(this)->catalog().KeepForSession(
      "stream:query_manager", [] { return std::static_pointer_cast<void>(std::make_shared<StreamingQueryManager>()); });
  return *std::static_pointer_cast<StreamingQueryManager>(kept);
}

DataStreamReader Session::readStream() { return DataStreamReader(ImplOf(this)); }

DataStreamWriter DataFrame::writeStream() const { return DataStreamWriter(*this); }

bool IsStreaming(const DataFrame& df) { return df.plan() && IsStreamingPlan(*df.plan()); }

// --- DataStreamReader ---

DataStreamReader& DataStreamReader::format(const std::string& f) {
  format_ = f;
  return *this;
}
DataStreamReader& DataStreamReader::option(const std::string& key, const std::string& value) {
  options_[key] = value;
  return *this;
}
DataStreamReader& DataStreamReader::options(const std::map<std::string, std::string>& opts) {
  for (const auto& [k, v] : opts) options_[k] = v;
  return *this;
}
DataStreamReader& DataStreamReader::schema(const std::string& ddl) {
  schema_ = ddl;
  return *this;
}

DataFrame DataStreamReader::load(const std::string& path) const {
  DataStreamReader copy = *this;
  copy.options_["path"] = path;
  return copy.load();
}

DataFrame DataStreamReader::load() const {
  auto fail = [&](const Status& st) { return DataFrame(session_, MakeValues({}, {}), st); };
  if (format_.empty()) return fail(Status::InvalidArgument("readStream() needs format(...)"));
  std::optional<Schema> schema;
  if (schema_) {
    auto s = ParseSchema(*schema_);
    if (!s.ok()) return fail(s.status().WithContext("schema '" + *schema_ + "'"));
    schema = *s;
  }
  auto rel = MakeStreamingRelation(format_, options_, schema);
  if (!rel.ok()) return fail(rel.status());
  return DataFrame(session_, MakeScan(*rel, format_, ""), Status::OK());
}

DataFrame DataStreamReader::source(std::shared_ptr<Source> src) const {
  std::string desc = src->description();
  auto rel = std::make_shared<StreamingRelation>(src->schema(), desc, [src]() -> Result<SourcePtr> { return src; });
  return DataFrame(session_, MakeScan(rel, desc, ""), Status::OK());
}

// --- DataStreamWriter ---

DataStreamWriter& DataStreamWriter::format(const std::string& f) {
  format_ = f;
  return *this;
}
DataStreamWriter& DataStreamWriter::outputMode(const std::string& mode) {
  mode_ = mode;
  return *this;
}
DataStreamWriter& DataStreamWriter::trigger(const Trigger& t) {
  trigger_ = t;
  return *this;
}
DataStreamWriter& DataStreamWriter::option(const std::string& key, const std::string& value) {
  options_[key] = value;
  return *this;
}
DataStreamWriter& DataStreamWriter::options(const std::map<std::string, std::string>& opts) {
  for (const auto& [k, v] : opts) options_[k] = v;
  return *this;
}
DataStreamWriter& DataStreamWriter::queryName(const std::string& name) {
  name_ = name;
  return *this;
}
DataStreamWriter& DataStreamWriter::partitionBy(const std::vector<std::string>& cols) {
  std::string joined;
  for (const auto& c : cols) joined += (joined.empty() ? "" : ",") + c;
  options_["partitionBy"] = joined;
  return *this;
}
DataStreamWriter& DataStreamWriter::foreachBatch(std::function<Status(const QueryResult&, int64_t)> fn) {
  foreach_ = std::move(fn);
  format_ = "foreachBatch";
  return *this;
}
DataStreamWriter& DataStreamWriter::clock(Clock* c) {
  clock_ = c;
  return *this;
}
DataStreamWriter& DataStreamWriter::env(Env* e) {
  env_ = e;
  return *this;
}

Result<StreamingQuery> DataStreamWriter::start(const std::string& path) const {
  DataStreamWriter copy = *this;
  copy.options_["path"] = path;
  return copy.start();
}

const OptionSet& StreamingQueryOptionSet() {
  static const OptionSet* set = [] {
    auto* s = new OptionSet();
    s->Add(OptionSpec::String("checkpointLocation", "", "the query's checkpoint directory"))
        .Add(*SessionConfOptions().Find("spark.sql.shuffle.partitions"))
        .Add(OptionSpec::Int("minBatchesToRetain", "100", 1, std::numeric_limits<int32_t>::max(),
                             "offset and commit log entries kept"))
        .Add(OptionSpec::Int("maxBatches", "0", 0, std::numeric_limits<int64_t>::max(),
                             "stop after this many micro-batches of this run; 0: no limit (Sluice)"))
        .Add(*SessionConfOptions().Find("spark.sql.streaming.multipleWatermarkPolicy"))
        .Add(*SessionConfOptions().Find("spark.sql.streaming.noDataMicroBatches.enabled"))
        .Add(*SessionConfOptions().Find("spark.sql.streaming.numRecentProgressUpdates"))
        .Add(OptionSpec::String("targetLatency", "",
                                "adaptive batch sizing: a batch takes what the recent batches' rate finishes in "
                                "this time ('20ms', '1 second'), more while input backs up (Sluice)"))
        .Add(OptionSpec::Bool("pipelinedCommits", "false",
                              "a sink that allows it (Kafka, exactly once) commits a batch while the next one is "
                              "read, run and written; stateless queries under the default trigger (Sluice)"))
        .Add(OptionSpec::Int("spark.sql.streaming.noDataProgressEventInterval", "10000", 0,
                             std::numeric_limits<int64_t>::max(),
                             "least time between two QueryIdleEvents of an idle query (ms)"));
    for (const OptionSpec* o : StateStoreConfOptions()) s->Add(*o);
    return s;
  }();
  return *set;
}

Result<StreamingQuery> DataStreamWriter::start() const {
  SLUICE_RETURN_NOT_OK(df_.status());
  SLUICE_ASSIGN_OR_RETURN(OutputMode mode, ParseOutputMode(mode_));
  std::map<std::string, std::string> query_options, sink_options;
  for (const auto& [k, v] : options_) {
    (StreamingQueryOptionSet().Find(k) ? query_options : sink_options)[k] = v;
  }
  SLUICE_RETURN_NOT_OK(ValidateOptions(StreamingQueryOptionSet(), query_options, "the streaming query"));
  // A setting of the session (SET spark.sql.shuffle.partitions = 4) is the
  // default of the query's option of the same name; SET checked its range.
  // Spark's spark.sql.streaming.minBatchesToRetain is the query option
  // minBatchesToRetain.
  auto option_of = [](const std::string& setting) -> std::string {
    return EqualsIgnoreCase(setting, "spark.sql.streaming.minBatchesToRetain") ? "minBatchesToRetain" : setting;
  };
  for (const OptionSpec& setting : SessionConfOptions().options) {
    const std::string option = option_of(setting.name);
    if (!StreamingQueryOptionSet().Find(option)) continue;
    bool given = false;
    for (const auto& [k, v] : query_options) given |= EqualsIgnoreCase(k, option);
    auto value = df_.session()->GetConf(setting.name);
    if (!given && value) query_options[option] = *value;
  }
  SourceOptions opts(query_options);
  StreamingQueryConfig config;
  config.name = name_;
  config.mode = mode;
  config.trigger = trigger_;
  config.env = env_;
  config.clock = clock_;
  SLUICE_ASSIGN_OR_RETURN(int64_t parts, opts.GetInt("spark.sql.shuffle.partitions", 2, true));
  config.shuffle_partitions = static_cast<int>(parts);
  SLUICE_ASSIGN_OR_RETURN(config.min_batches_to_retain, opts.GetInt("minBatchesToRetain", 100, true));
  SLUICE_ASSIGN_OR_RETURN(config.max_batches, opts.GetInt("maxBatches", 0));
  for (const auto& [k, v] : query_options) {
    constexpr std::string_view kPrefix = "spark.sql.streaming.stateStore.";
    if (k.size() > kPrefix.size() && EqualsIgnoreCase(std::string_view(k).substr(0, kPrefix.size()), kPrefix)) {
      config.state_store_options[k] = v;
    }
  }
  config.watermark_policy = opts.Get("spark.sql.streaming.multipleWatermarkPolicy").value_or("min");
  SLUICE_ASSIGN_OR_RETURN(config.no_data_batches, opts.GetBool("spark.sql.streaming.noDataMicroBatches.enabled", true));
  SLUICE_ASSIGN_OR_RETURN(config.num_recent_progress_updates,
                          opts.GetInt("spark.sql.streaming.numRecentProgressUpdates", 100, true));
  SLUICE_ASSIGN_OR_RETURN(config.no_data_progress_event_interval_ms,
                          opts.GetInt("spark.sql.streaming.noDataProgressEventInterval", 10000));
  SLUICE_ASSIGN_OR_RETURN(config.pipelined_commits, opts.GetBool("pipelinedCommits", false));
  if (auto latency = opts.Get("targetLatency")) {
    auto us = ParseIntervalMicros(*latency, "targetLatency");
    if (!us.ok()) return us.status().WithContext("option 'targetLatency'");
    if (*us <= 0) {
      return Status::InvalidArgument("option 'targetLatency' must be a positive duration (e.g. '20ms'), got '" +
                                     *latency + "'");
    }
    config.target_latency_micros = *us;
  }
  SinkPtr sink;
  if (foreach_) {
    if (!sink_options.empty()) {
      return Status::InvalidArgument("foreachBatch takes no sink options, got '" + sink_options.begin()->first + "'");
    }
    auto fn = foreach_;
    sink = std::make_shared<ForeachBatchSink>(
        [fn](const Schema& schema, const std::vector<Batch>& batches, int64_t batch_id) {
          return fn(MakeQueryResult(schema, batches), batch_id);
        });
  } else {
    // The sink's options and output mode are checked before the query
    // touches its checkpoint.
    const ConnectorRegistry& registry = BuiltinConnectors();
    SLUICE_ASSIGN_OR_RETURN(const ConnectorSpec* spec, registry.Get(ConnectorKind::kSink, format_));
    if (!spec->SupportsOutputMode(mode)) {
      return Status::AnalysisError("[UNSUPPORTED_OUTPUT_MODE] " + spec->What() + " does not support " +
                                   ToLower(OutputModeName(mode)) + " output mode (it supports: " +
                                   spec->OutputModesText() + ")");
    }
    SinkCreateContext sctx{name_, &df_.session()->catalog()};
    SLUICE_ASSIGN_OR_RETURN(sink, registry.MakeSink(spec->name, sink_options, sctx));
  }
  auto cp = opts.Get("checkpointLocation");
  if (cp) {
    config.checkpoint_dir = *cp;
  } else if (foreach_ || EqualsIgnoreCase(format_, "memory") || EqualsIgnoreCase(format_, "console") ||
             EqualsIgnoreCase(format_, "noop")) {
    // Spark allows these (and foreachBatch) without a checkpoint: a
    // temporary one.
    std::string tmpl = "/tmp/sluice-checkpoint-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return Status::IOError("cannot create a temporary checkpoint directory");
    config.checkpoint_dir = tmpl;
  }
  Session* s = df_.session().get();
  StreamingQueryManager* manager = &s->streams();
  auto exec = std::make_shared<MicroBatchExecution>(df_.session(), df_.plan(), sink, config, manager);
  SLUICE_RETURN_NOT_OK(exec->Start());
  StreamingQuery q = StreamingQueryAccess::MakeQuery(exec);
  StreamingQueryAccess::Register(*manager, q);
  exec->StartThread();
  return q;
}

}  // namespace sluice
