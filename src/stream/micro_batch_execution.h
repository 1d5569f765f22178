// MicroBatchExecution: runs one streaming query, batch after batch, following
// DESIGN.md section 1 (Spark's MicroBatchExecution):
//
//   trigger fires
//   -> each source's LatestOffset (rate-limited); no new data: no batch
//      (no new data, but the watermark moved and the query is stateful: a
//      no-data batch over the same offsets, so windows close and state goes)
//   -> offsets/<id> submitted to the log thread (atomically, with the
//      batch's watermark), which writes it once the previous batch's
//      commits/<id - 1> is durable; it is written while the batch is read,
//      planned and run, and awaited before the batch commits any state or
//      output (stateful queries: before execution)
//                                                          kill point after_offset_log
//      (default trigger: the previous batch ends there, its commit durable)
//   -> each source's GetBatch(start, end); the plan's StreamingRelations are
//      replaced by those tables; optimize; plan (the planner makes each
//      stateful node a stateful operator, e.g. StatefulAggregate, that reads
//      state version id and commits id + 1 through the run's StateCheckpoint)
//   -> the plan's partitions stream their rows into sink.BeginBatch(id,
//      digest of the batch's start and end offsets)'s writer; the stateful operators finish (every state partition
//      committed, metrics read); the writer commits    kill point after_sink
//   -> the watermark advanced from the event times the batch's watermark
//      nodes saw; commits/<id> submitted to the log thread (nextBatchWatermarkMs)
//   -> commits/<id> awaited (default trigger: when the next batch has
//      awaited its offsets/<id + 1>, or the next trigger finds no new data,
//      or the query stops; other triggers: at once)
//                                                          kill point after_commit
//   -> sources Commit(end); the progress record posted; old log entries
//      purged (keep minBatchesToRetain) on the log thread behind the next
//      offsets/<id + 1>
//
// Pipelined commits (option pipelinedCommits, a sink that PipelinesCommits,
// a stateless query without watermark, the default trigger): after the
// rows, the writer Flushes; its Commit, kill point after_sink and the
// commits/<id> submission run on a thread of their own (CommitTail) while
// the next trigger reads, runs and writes batch id + 1. That batch awaits
// the tail before it submits offsets/<id + 1> (so commits/<id> still comes
// first) and before its own commit.
//
// docs/progress.md says what each durationMs key of the progress record times.
//
// Recovery (Start): with N the last offset-log entry and M the last commit,
// M == N resumes at batch N + 1 from N's end offsets; M == N - 1 (or no
// commit and N == 0) re-runs batch N with exactly its logged offsets and
// timestamp; anything else is Corruption naming both logs. Start also marks
// the query's stateful nodes (operator ids 0, 1, ...) and compares their
// state schemas with those the checkpoint recorded, so a changed query whose
// state would not fit fails before it logs a batch.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/session_impl.h"
#include "checkpoint/checkpoint_lock.h"
#include "checkpoint/checkpoint_metadata.h"
#include "checkpoint/commit_log.h"
#include "checkpoint/offset_log.h"
#include "common/cancellation.h"
#include "connectors/option_spec.h"
#include "connectors/sink.h"
#include "connectors/source.h"
#include "env/clock.h"
#include "sluice/log.h"
#include "sluice/streaming.h"
#include "exec/stateful/state_checkpoint.h"
#include "stream/batch_size_controller.h"
#include "stream/checkpoint_log_writer.h"
#include "stream/streaming_relation.h"
#include "stream/watermark_tracker.h"

namespace sluice {

struct StreamingQueryConfig {
  std::string name;
  std::string checkpoint_dir;
  OutputMode mode = OutputMode::kAppend;
  Trigger trigger = Trigger::Default();
  Env* env = nullptr;      // default: Env::Default()
  Clock* clock = nullptr;  // default: SystemClock::Default()
  // spark.sql.shuffle.partitions (pinned in the offset log at the first batch).
  int shuffle_partitions = 2;
  // spark.sql.streaming.minBatchesToRetain.
  int64_t min_batches_to_retain = 100;
  // spark.sql.streaming.stateStore.* settings (ParseStateStoreConf); the
  // provider class is pinned in the offset log at the first batch.
  std::map<std::string, std::string> state_store_options;
  // Sleep between polls of idle sources with the default trigger (ms): the
  // longest. The first poll after a batch waits min_polling_delay_micros,
  // each further idle poll twice as long, up to polling_delay_ms.
  int64_t polling_delay_ms = 10;
  int64_t min_polling_delay_micros = 250;
  // `targetLatency` (0: not set): adaptive batch sizing, BatchSizeController.
  int64_t target_latency_micros = 0;
  // Stop after this many batches of this run (0: no limit); `maxBatches`,
  // `sluice run --max-batches`.
  int64_t max_batches = 0;
  // spark.sql.streaming.multipleWatermarkPolicy ("min" / "max"; pinned in
  // the offset log at the first batch).
  std::string watermark_policy = "min";
  // spark.sql.streaming.noDataMicroBatches.enabled.
  bool no_data_batches = true;
  // `pipelinedCommits`: with a sink that PipelinesCommits, a stateless
  // query under the default trigger commits batch N (sink, then commit log)
  // on another thread while batch N+1 is read, run and written.
  bool pipelined_commits = false;
  // spark.sql.streaming.noDataProgressEventInterval: the least time between
  // two QueryIdleEvents of a query that stays idle (ms).
  int64_t no_data_progress_event_interval_ms = 10000;
  // spark.sql.streaming.numRecentProgressUpdates: progress records kept for
  // recentProgress() and the monitoring server (src/monitor/).
  int64_t num_recent_progress_updates = 100;
};

// Cancelled when the whole process shuts down (the CLI's SIGINT/SIGTERM
// handler calls Cancel(), a single atomic store): every query's token hangs
// under it, so queries still starting (a source waiting on an unreachable
// broker) stop too.
const std::shared_ptr<CancellationToken>& ProcessShutdownToken();

// Options of the query itself rather than of its sink, which Spark takes
// through the same writeStream.option() call: checkpointLocation,
// spark.sql.shuffle.partitions, minBatchesToRetain, maxBatches, targetLatency.
const OptionSet& StreamingQueryOptionSet();

class MicroBatchExecution : public std::enable_shared_from_this<MicroBatchExecution> {
 public:
  MicroBatchExecution(std::shared_ptr<SessionImpl> session, LogicalPlanPtr plan, SinkPtr sink,
                      StreamingQueryConfig config, StreamingQueryManager* manager);
  ~MicroBatchExecution();

  // Validates the query, takes the checkpoint lock, reads the checkpoint and
  // opens sources and sink. Errors here fail start().
  Status Start();
  // Runs the trigger loop on a new thread.
  void StartThread();
  // Runs the trigger loop on the calling thread until the query stops or its
  // trigger is done; returns the error that ended it, if any.
  Status RunLoop();
  // The trigger loop of RunLoop, until the query stops or fails.
  Status RunTriggers();
  // One trigger: runs a batch if there is new data. True if a batch ran.
  Result<bool> RunOneTrigger(const ReadLimit* limit_override = nullptr);

  // Asks the loop to stop and waits for it. The batch in flight is cancelled
  // (sources, operators and sinks give up within about a second) and not
  // committed, unless it completes first; the next start re-runs it.
  Status Stop();
  void RequestStop();
  Status AwaitTermination();
  Result<bool> AwaitTermination(int64_t timeout_ms);
  Status ProcessAllAvailable();
  // ProcessAllAvailable in two steps, so that a caller can wait in slices
  // (the Python package, which checks for Ctrl-C between them): the request
  // (a generation), then waits for it. AwaitProcessedAll is true once a
  // trigger that began after the request found no new data (or the query
  // ended), false after `timeout_ms`; the query's error if it failed.
  int64_t RequestProcessAll();
  Result<bool> AwaitProcessedAll(int64_t generation, int64_t timeout_ms);

  const std::string& id() const { return meta_.query_id; }
  const std::string& run_id() const { return meta_.run_id; }
  const std::string& name() const { return config_.name; }
  bool active() const;
  StreamingQueryStatus status() const;
  std::optional<StreamingQueryProgress> last_progress() const;
  std::vector<StreamingQueryProgress> recent_progress() const;
  std::optional<Status> error() const;
  std::string last_plan() const;
  // The last batch's logical and physical plan with the operators' counts.
  StreamingQueryPlan last_plan_metrics() const;
  // Next batch id to run (tests).
  int64_t next_batch_id() const { return next_batch_id_; }

 private:
  // Runs a batch up to its sink's commit and submits its commits/<id>; the
  // batch is then in_flight_ until CompleteBatch. With pipelined commits the
  // sink's commit and the commits/<id> submission are left running on
  // another thread (the batch's CommitTail). `phases` holds what the
  // trigger measured before (latestOffset).
  Status RunBatch(int64_t batch_id, const std::vector<std::optional<std::string>>& start,
                  const std::vector<std::optional<std::string>>& end, const std::vector<std::optional<std::string>>& latest,
                  int64_t timestamp_ms, bool logged, int64_t trigger_start_micros,
                  const std::shared_ptr<PhaseTimes>& phases, StreamingQueryProgress* progress);
  // Waits for the in-flight batch's commit tail (pipelined commits), so
  // that its commits/<id> is submitted. OK when there is none; on its
  // failure the batch is dropped (not committed) and the error returned.
  Status AwaitCommitTail();
  // Waits for the in-flight batch's commits/<id> to be durable, commits its
  // sources, posts its progress record. OK when none is in flight.
  Status CompleteBatch();
  // Optimizes and plans batch `batch_id` (its stateful operators reading
  // state version batch_id) and returns the physical plan whose partitions
  // produce the rows for the sink.
  Result<PhysicalOperatorPtr> PlanBatch(int64_t batch_id, const LogicalPlanPtr& plan);
  // Compares the state schema of every stateful node with the checkpoint's.
  Status CheckStateSchemas();
  void Finish(const Status& st);
  // The query's name in quotes, or its id when it has none (log lines).
  std::string QueryLabel() const;
  void PostProgress(StreamingQueryProgress p);
  // After a trigger: a QueryIdleEvent to the listeners when it ran no batch
  // and the last one is older than noDataProgressEventInterval.
  void NoteTriggerForIdle(bool ran_batch, int64_t trigger_ms);
  void SetStatus(const std::string& message, bool trigger_active, bool data_available);
  // Waits (real time, interruptible by Stop/processAllAvailable) until the
  // clock reaches `deadline_ms`. False if stopping.
  bool WaitForClock(int64_t deadline_ms);
  // Stop requested, or the process shutting down.
  bool Stopping() const;

  std::shared_ptr<SessionImpl> session_;
  LogicalPlanPtr plan_;
  SinkPtr sink_;
  StreamingQueryConfig config_;
  StreamingQueryManager* manager_;
  Env* env_;
  Clock* clock_;

  CheckpointMetadata meta_;
  std::unique_ptr<CheckpointLock> lock_;
  std::optional<OffsetLog> offset_log_;
  std::optional<CommitLog> commit_log_;
  std::vector<const StreamingRelation*> relations_;
  std::vector<SourcePtr> sources_;
  std::vector<std::string> source_descriptions_;
  // The checkpoint's state/ directory for this run (open state store
  // providers, state schemas); created by Start.
  std::unique_ptr<StateCheckpoint> state_;
  // The state store provider and its options: the query's settings, with
  // the provider class pinned by the checkpoint's offset log.
  StateStoreConf state_conf_;
  int shuffle_partitions_ = 2;
  // Event time: the query's watermark nodes (withWatermark), the tracker
  // computing the watermark after each batch, and the watermarks of the
  // batch to run: its own (offsets/<id>'s batchWatermarkMs, the eviction
  // watermark) and the previous batch's (the late-events watermark).
  bool has_watermark_ = false;
  bool has_stateful_ = false;
  // Some stateful operator emits or evicts when the watermark moves: a moved
  // watermark runs a no-data batch (Spark's shouldRunAnotherBatch).
  bool acts_on_watermark_ = false;
  WatermarkTracker watermark_;
  int64_t batch_watermark_ms_ = 0;
  int64_t prev_batch_watermark_ms_ = 0;
  // Cancelled by Stop() or the process shutting down; handed to sources,
  // sinks and operators.
  std::shared_ptr<CancellationToken> cancel_;
  int64_t batches_run_ = 0;  // in this run

  // Offsets committed (the start of the next batch) and the batch to run.
  std::vector<std::optional<std::string>> committed_;
  int64_t next_batch_id_ = 0;
  // A logged, uncommitted batch to re-run first.
  struct PendingBatch {
    int64_t id;
    std::vector<std::optional<std::string>> start, end;
    int64_t timestamp_ms;
  };
  std::optional<PendingBatch> pending_;
  int64_t last_trigger_start_micros_ = -1;
  // Pipelined commits: a batch's sink commit and its commits/<id>
  // submission, running on their own thread. commit_write and
  // sink_done_micros are set before `done` is ready. `done` is declared
  // last so that it is destroyed first: its destructor waits for the thread,
  // which writes the other two.
  struct CommitTail {
    CheckpointLogWriter::TicketPtr commit_write;
    int64_t sink_done_micros = 0;
    std::future<Status> done;
  };
  // A batch whose output is committed (or, with a tail, being committed)
  // and whose commits/<id> is being written (CompleteBatch finishes it).
  struct InFlightBatch {
    int64_t batch_id = 0;
    std::vector<std::optional<std::string>> end;
    CheckpointLogWriter::TicketPtr commit_write;
    CheckpointLogWriter::TicketPtr purge;  // null: none queued in this batch
    StreamingQueryProgress progress;
    // durationMs so far, in microseconds (the tail may still add to them).
    std::shared_ptr<PhaseTimes> phases;
    int64_t trigger_start_micros = 0;
    int64_t sink_done_micros = 0;
    std::shared_ptr<CommitTail> tail;  // null: the sink committed in RunBatch
  };
  std::optional<InFlightBatch> in_flight_;
  // Default trigger: commits/<id> is awaited by the next trigger (after its
  // latestOffset) rather than at the end of the batch's own.
  bool overlap_commit_ = false;
  // Pipelined commits (StreamingQueryConfig::pipelined_commits) in effect:
  // the sink PipelinesCommits, the query is stateless and has no
  // watermark, the trigger is the default.
  bool pipeline_commits_ = false;
  // Purge log entries before this batch id, behind the next offsets write.
  std::optional<int64_t> purge_before_;
  // Consecutive idle polls (default trigger), for the poll's backoff.
  int idle_polls_ = 0;
  // Adaptive batch sizing (targetLatency): one controller per source, and
  // what the current trigger gave and found: each source's max_rows, its
  // AvailableRows, and the query clock at the trigger's start.
  std::vector<BatchSizeController> sizers_;
  std::vector<int64_t> trigger_limits_;
  std::vector<int64_t> trigger_available_;
  int64_t trigger_clock_start_micros_ = 0;
  // Clock time of the last QueryIdleEvent or batch (none yet: the first idle
  // trigger of the run sets it).
  std::optional<int64_t> last_idle_or_batch_ms_;

  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_requested_ = false;    // GUARDED_BY(mu_)
  bool terminated_ = false;        // GUARDED_BY(mu_)
  bool started_ = false;           // GUARDED_BY(mu_)
  std::optional<Status> error_;    // GUARDED_BY(mu_)
  int64_t wake_gen_ = 0;           // GUARDED_BY(mu_): processAllAvailable requests
  int64_t idle_gen_ = -1;          // GUARDED_BY(mu_): newest request found idle
  StreamingQueryStatus status_;    // GUARDED_BY(mu_)
  std::deque<StreamingQueryProgress> progress_;  // GUARDED_BY(mu_)
  std::string last_plan_;          // GUARDED_BY(mu_)
  StreamingQueryPlan last_plan_metrics_;  // GUARDED_BY(mu_)
  // The optimized logical plan of the batch being planned (runner thread).
  std::string planned_logical_;
  // The checkpoint log writes (offsets, commits, purges) run here. Last, so
  // that it is destroyed (its thread joined) before the logs it writes.
  std::unique_ptr<CheckpointLogWriter> log_writer_ = std::make_unique<CheckpointLogWriter>();
};

// Spark's error class of an error message: the [NAME] it starts with, after
// any "<context>: " prefixes the engine added; nullopt when it has none.
std::optional<std::string> ErrorClassOf(const std::string& message);

// The level of the runner's log line per batch ("query 'q' batch 3: 10 input
// rows in 2 ms, ..."): info by default. `sluice run` lowers it to debug while
// its progress line shows the same numbers; other log lines keep their level.
void SetBatchLogLevel(LogLevel level);

// ISO 8601 UTC with milliseconds: "2024-05-01T12:00:00.000Z".
std::string FormatIsoTimestamp(int64_t millis);

}  // namespace sluice
