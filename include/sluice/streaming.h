// Structured streaming, shaped like PySpark's:
//
//   auto spark = sluice::Session::Create();
//   auto events = spark->readStream().format("rate").option("rowsPerSecond", "1000").load();
//   auto counts = events.groupBy({sluice::expr("value % 10").alias("k")}).count();
//   auto query = counts.writeStream()
//                    .format("console")
//                    .outputMode("complete")
//                    .trigger(sluice::Trigger::ProcessingTime("1 second"))
//                    .option("checkpointLocation", "/tmp/ck")
//                    .start();
//   query->awaitTermination();
//
// A query runs micro-batches on its own thread following the batch protocol
// of DESIGN.md: offsets/<id> is written before any work, commits/<id> after
// the sink took the batch, so a restarted query on the same checkpoint
// re-runs an uncommitted batch with exactly the same offsets.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/dataframe.h"
#include "sluice/session.h"
#include "sluice/status.h"

namespace sluice {

class Clock;
class Env;
class Source;
class Sink;
class MicroBatchExecution;

// When micro-batches run (Spark's Trigger).
class Trigger {
 public:
  enum class Kind : uint8_t { kDefault, kProcessingTime, kAvailableNow, kOnce };
  // As soon as the previous batch finished (and new data exists).
  static Trigger Default() { return Trigger(Kind::kDefault, 0); }
  // Every `interval_ms`; an interval missed by a long batch fires at once;
  // a trigger with no new data runs no batch.
  static Trigger ProcessingTime(int64_t interval_ms) { return Trigger(Kind::kProcessingTime, interval_ms); }
  // "1 second", "500 milliseconds", "2 minutes", "10 seconds", "100ms".
  static Result<Trigger> ProcessingTime(const std::string& interval);
  // Everything available at start, in rate-limited batches, then stop.
  static Trigger AvailableNow() { return Trigger(Kind::kAvailableNow, 0); }
  // Everything available at start in one batch, then stop.
  static Trigger Once() { return Trigger(Kind::kOnce, 0); }

  Kind kind() const { return kind_; }
  int64_t interval_ms() const { return interval_ms_; }
  std::string ToString() const;

 private:
  Trigger(Kind k, int64_t ms) : kind_(k), interval_ms_(ms) {}
  Kind kind_;
  int64_t interval_ms_;
};

// Spark's SourceProgress. Offsets are the JSON text the source wrote to the
// offset log ("null" when there is none).
struct SourceProgress {
  std::string description;
  std::string startOffset = "null";
  std::string endOffset = "null";
  std::string latestOffset = "null";
  int64_t numInputRows = 0;
  double inputRowsPerSecond = 0;
  double processedRowsPerSecond = 0;
  // Source-specific figures (Spark's SourceProgress.metrics); omitted when empty.
  std::map<std::string, std::string> metrics;
};

struct SinkProgress {
  std::string description;
  int64_t numOutputRows = -1;
};

struct StateOperatorProgress {
  std::string operatorName = "stateStoreSave";  // "dedupe", "dedupeWithinWatermark", ... as Spark
  int64_t numRowsTotal = 0;
  int64_t numRowsUpdated = 0;
  int64_t numRowsRemoved = 0;             // state rows evicted by the watermark
  int64_t numRowsDroppedByWatermark = 0;  // input rows dropped as late
  int64_t memoryUsedBytes = 0;
  int64_t numShufflePartitions = 0;
  int64_t commitTimeMs = 0;
};

// Spark's StreamingQueryProgress: one per micro-batch.
struct StreamingQueryProgress {
  std::string id;
  std::string runId;
  std::string name;       // "" is written as null
  std::string timestamp;  // ISO 8601, UTC, trigger start: "2024-05-01T12:00:00.000Z"
  int64_t batchId = 0;
  int64_t numInputRows = 0;
  double inputRowsPerSecond = 0;
  double processedRowsPerSecond = 0;
  // latestOffset, getBatch, queryPlanning, addBatch, walCommit, commitOffsets,
  // triggerExecution.
  std::map<std::string, int64_t> durationMs;
  // Spark's eventTime: "avg", "max", "min" (ISO 8601) of the event times
  // the batch's watermark nodes saw (when they saw any) and "watermark",
  // the watermark the batch ran with (when the query defines one). Empty
  // (and omitted from the JSON) without a watermark.
  std::map<std::string, std::string> eventTime;
  std::vector<StateOperatorProgress> stateOperators;
  std::vector<SourceProgress> sources;
  SinkProgress sink;

  // One-line JSON with Spark's field names.
  std::string json() const;
  // Indented JSON, as Spark's prettyJson.
  std::string prettyJson() const;
};

// One operator of a batch's physical plan and what it did in that batch
// (docs/ui.md): the rows its partitions returned and the time spent in its
// own code (not its children's), summed over its partitions.
struct PlanOperatorMetrics {
  std::string name;    // "StatefulAggregate"
  std::string detail;  // its arguments, as explain() prints them
  int64_t numOutputRows = 0;
  double timeMs = 0;
  std::vector<PlanOperatorMetrics> children;
};

// The plan of the last batch that ran.
struct StreamingQueryPlan {
  int64_t batchId = -1;  // -1: no batch has run
  std::string logical;   // the optimized logical plan, one node per line
  std::string physical;  // as explain()
  std::vector<PlanOperatorMetrics> operators;  // the root (its children nested)
};

struct StreamingQueryStatus {
  std::string message = "Initializing";
  bool isDataAvailable = false;
  bool isTriggerActive = false;
  std::string json() const;
};

// Callbacks run on the query's thread; keep them short.
class StreamingQueryListener {
 public:
  struct QueryStartedEvent {
    std::string id, runId, name, timestamp;
  };
  struct QueryTerminatedEvent {
    std::string id, runId;
    std::optional<std::string> exception;  // the error, if the query failed
    // The error's class (the [NAME] at the front of its message), if the
    // query failed with one (Spark's errorClassOnException).
    std::optional<std::string> errorClassOnException;
  };
  // A trigger found no new data (Spark's QueryIdleEvent): posted when the
  // last batch, idle event or (before either) the run's first idle trigger
  // is at least spark.sql.streaming.noDataProgressEventInterval (10 s) old,
  // so an idle query reports once per interval. `timestamp` is the
  // trigger's start (ISO 8601, UTC).
  struct QueryIdleEvent {
    std::string id, runId, timestamp;
  };
  virtual ~StreamingQueryListener() = default;
  virtual void onQueryStarted(const QueryStartedEvent& /*event*/) {}
  virtual void onQueryProgress(const StreamingQueryProgress& /*progress*/) {}
  virtual void onQueryIdle(const QueryIdleEvent& /*event*/) {}
  virtual void onQueryTerminated(const QueryTerminatedEvent& /*event*/) {}
};

// A handle to a running (or finished) query. Copies share the query.
class StreamingQuery {
 public:
  std::string id() const;     // stays the same across restarts (checkpoint metadata)
  std::string runId() const;  // new at every start
  std::string name() const;
  bool isActive() const;
  StreamingQueryStatus status() const;
  std::optional<StreamingQueryProgress> lastProgress() const;
  // The newest progress records (up to spark.sql.streaming.numRecentProgressUpdates, default 100).
  std::vector<StreamingQueryProgress> recentProgress() const;
  // Blocks until the query ends; its error if it failed, OK if stopped or
  // finished (available-now, once).
  Status awaitTermination() const;
  // True if the query ended within `timeout_ms`.
  Result<bool> awaitTermination(int64_t timeout_ms) const;
  // Blocks until every source's data available now has been processed and
  // committed (tests). Fails with the query's error if it fails.
  Status processAllAvailable() const;
  // Stops the query and waits for it: the batch in flight is cancelled
  // (sources, operators and sinks give up within about a second) and is
  // not committed unless it completes first; the next start re-runs it.
  Status stop() const;
  // The error that ended the query, if any.
  std::optional<Status> exception() const;
  // Explain of the most recent batch's physical plan.
  std::string explain() const;
  // The last batch's plans with per-operator row counts and times.
  StreamingQueryPlan lastPlan() const;

 private:
  // The runner (engine side: src/stream/streaming_query_internal.h).
  friend struct StreamingQueryAccess;
  explicit StreamingQuery(std::shared_ptr<MicroBatchExecution> exec) : exec_(std::move(exec)) {}
  std::shared_ptr<MicroBatchExecution> exec_;
};

// The streaming queries of a session and its listeners (spark.streams).
class StreamingQueryManager {
 public:
  StreamingQueryManager();
  ~StreamingQueryManager();
  StreamingQueryManager(const StreamingQueryManager&) = delete;
  StreamingQueryManager& operator=(const StreamingQueryManager&) = delete;

  void addListener(std::shared_ptr<StreamingQueryListener> listener);
  void removeListener(const std::shared_ptr<StreamingQueryListener>& listener);
  std::vector<StreamingQuery> active() const;
  std::optional<StreamingQuery> get(const std::string& id) const;
  // Blocks until some query of the manager has terminated since it was made
  // or since resetTerminated(); the error of the last one that failed, if
  // any did ("Query [id = <id>, runId = <runId>] terminated with exception:
  // <its error>", as Spark's), OK otherwise.
  Status awaitAnyTermination() const;
  // True if a query terminated (or had terminated) within `timeout_ms`; the
  // error of a failed one as above.
  Result<bool> awaitAnyTermination(int64_t timeout_ms) const;
  // Forgets the queries terminated so far, so that awaitAnyTermination waits
  // for a new one.
  void resetTerminated();
  // Asks every active query to stop after its batch in flight (the CLI on
  // SIGINT/SIGTERM); does not wait.
  void StopAll();

 private:
  // Active queries and listeners (engine side: src/stream/streaming_query_internal.h).
  friend struct StreamingQueryAccess;
  struct State;
  std::unique_ptr<State> state_;
};

// session.readStream(): formats "rate", "rate-micro-batch", "json", "csv",
// "parquet" (directory sources), and "memory" streams made by MemoryStream.
class DataStreamReader {
 public:
  explicit DataStreamReader(std::shared_ptr<SessionImpl> session) : session_(std::move(session)) {}
  DataStreamReader& format(const std::string& f);
  DataStreamReader& option(const std::string& key, const std::string& value);
  DataStreamReader& options(const std::map<std::string, std::string>& opts);
  // DDL: "a INT, b STRING". JSON and CSV sources need one (as Spark does);
  // parquet takes the first file's footer without one.
  DataStreamReader& schema(const std::string& ddl);
  DataFrame load() const;
  DataFrame load(const std::string& path) const;
  DataFrame json(const std::string& path) { return format("json").load(path); }
  DataFrame csv(const std::string& path) { return format("csv").load(path); }
  DataFrame parquet(const std::string& path) { return format("parquet").load(path); }
  // A streaming DataFrame over a Source object the program made (MemoryStream
  // in tests, custom sources). Every query started on it uses that object.
  DataFrame source(std::shared_ptr<Source> src) const;

 private:
  std::shared_ptr<SessionImpl> session_;
  std::string format_;
  std::map<std::string, std::string> options_;
  std::optional<std::string> schema_;
};

// df.writeStream(): sinks "console", "memory", "json", "csv", "parquet" (file sink),
// "noop", and foreachBatch.
class DataStreamWriter {
 public:
  explicit DataStreamWriter(DataFrame df) : df_(std::move(df)) {}
  DataStreamWriter& format(const std::string& f);
  DataStreamWriter& outputMode(const std::string& mode);  // append | update | complete
  DataStreamWriter& trigger(const Trigger& t);
  DataStreamWriter& option(const std::string& key, const std::string& value);
  DataStreamWriter& options(const std::map<std::string, std::string>& opts);
  DataStreamWriter& queryName(const std::string& name);
  // File sinks: one directory level per column, col=value (Hive style), as
  // Spark's partitionBy; passed to the sink as its "partitionBy" option
  // (comma-separated names).
  DataStreamWriter& partitionBy(const std::vector<std::string>& cols);
  DataStreamWriter& foreachBatch(std::function<Status(const QueryResult& batch, int64_t batch_id)> fn);
  // Test hooks (no Spark equivalent): the clock triggers read, the Env all
  // checkpoint IO goes through (and the file source's and file sink's data).
  DataStreamWriter& clock(Clock* clock);
  DataStreamWriter& env(Env* env);
  // Starts the query on its own thread.
  Result<StreamingQuery> start() const;
  Result<StreamingQuery> start(const std::string& path) const;

 private:
  DataFrame df_;
  std::string format_ = "console";
  std::string mode_ = "append";
  Trigger trigger_ = Trigger::Default();
  std::map<std::string, std::string> options_;
  std::string name_;
  std::function<Status(const QueryResult&, int64_t)> foreach_;
  Clock* clock_ = nullptr;
  Env* env_ = nullptr;
};

// True if the DataFrame reads a streaming source (Spark's isStreaming).
bool IsStreaming(const DataFrame& df);

}  // namespace sluice
