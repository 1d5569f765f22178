#include "stream/micro_batch_execution.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>

#include "checkpoint/metadata_log.h"
#include "common/allocation_failure.h"
#include "common/log.h"
#include "env/atomic_file.h"
#include "env/kill_point.h"
#include "exec/operators/event_time_watermark_operator.h"
#include "exec/operators/filter_project_operator.h"
#include "exec/stateful/deduplicate_operator.h"
#include "exec/stateful/stateful_aggregate_operator.h"
#include "plan/optimizer.h"
#include "plan/physical_planner.h"
#include "plan/streaming_join_helper.h"
#include "stream/streaming_plan_checker.h"
#include "exec/operators/memory_table.h"
#include "stream/streaming_query_internal.h"

namespace sluice {

namespace {

constexpr const char* kShufflePartitionsConf = "spark.sql.shuffle.partitions";
constexpr const char* kWatermarkPolicyConf = "spark.sql.streaming.multipleWatermarkPolicy";

std::string OffsetJson(const std::optional<std::string>& o) { return o ? *o : "null"; }

// Counts the rows a source table's scan produces (before any pushed filter,
// which is applied above the count).
class CountingTable : public TableSource {
 public:
  CountingTable(TableSourcePtr inner, std::shared_ptr<std::atomic<int64_t>> counter)
      : inner_(std::move(inner)), counter_(std::move(counter)) {}
  const Schema& schema() const override { return inner_->schema(); }
  std::string description() const override { return inner_->description(); }
  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns, ExprPtr filter) const override {
    SLUICE_ASSIGN_OR_RETURN(auto scan, inner_->CreateScan(columns, nullptr));
    PhysicalOperatorPtr op = std::make_shared<CountOp>(scan, counter_);
    if (filter) {
      std::vector<ExprPtr> identity;
      const Schema& s = op->output_schema();
      for (size_t i = 0; i < s.size(); ++i) {
        identity.push_back(MakeColumnRef(static_cast<int>(i), s.field(i).type, s.field(i).name, s.field(i).nullable));
      }
      op = std::make_shared<FilterProjectOperator>(op, filter, std::move(identity), s);
    }
    return op;
  }
  std::shared_ptr<const TableSource> WithJsonColumn(const ScanJsonColumn& json) const override {
    auto inner = inner_->WithJsonColumn(json);
    return inner ? std::make_shared<CountingTable>(std::move(inner), counter_) : nullptr;
  }

 private:
  class CountOp : public PhysicalOperator {
   public:
    CountOp(PhysicalOperatorPtr child, std::shared_ptr<std::atomic<int64_t>> counter)
        : PhysicalOperator(child->output_schema(), {child}), counter_(std::move(counter)) {}
    int num_partitions() const override { return children()[0]->num_partitions(); }
    Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override {
      SLUICE_ASSIGN_OR_RETURN(auto in, children()[0]->Execute(partition, ctx));
      return std::unique_ptr<BatchStream>(std::make_unique<Stream>(std::move(in), counter_));
    }
    std::string name() const override { return "CountRows"; }

   private:
    struct Stream : BatchStream {
      Stream(std::unique_ptr<BatchStream> in, std::shared_ptr<std::atomic<int64_t>> c)
          : in_(std::move(in)), c_(std::move(c)) {}
      Result<std::optional<Batch>> Next() override {
        SLUICE_ASSIGN_OR_RETURN(auto b, in_->Next());
        if (b) c_->fetch_add(static_cast<int64_t>(b->num_rows));
        return b;
      }
      std::unique_ptr<BatchStream> in_;
      std::shared_ptr<std::atomic<int64_t>> c_;
    };
    std::shared_ptr<std::atomic<int64_t>> counter_;
  };
  TableSourcePtr inner_;
  std::shared_ptr<std::atomic<int64_t>> counter_;
};

std::atomic<int> g_batch_log_level{static_cast<int>(LogLevel::kInfo)};

// The operator and its subtree with what each did in the execution `m` counted.
PlanOperatorMetrics OperatorTree(const PhysicalOperator& op, const OperatorMetrics& m) {
  PlanOperatorMetrics out;
  out.name = op.name();
  out.detail = op.details();
  OperatorStats st = m.Get(&op);
  out.numOutputRows = st.num_output_rows;
  out.timeMs = static_cast<double>(st.time_nanos) / 1e6;
  for (const auto& c : op.children()) out.children.push_back(OperatorTree(*c, m));
  return out;
}

// Microseconds to milliseconds, rounding down (also before the epoch).
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

int64_t MonoMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void SetBatchLogLevel(LogLevel level) {
  g_batch_log_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

std::string FormatIsoTimestamp(int64_t millis) {
  std::time_t secs = static_cast<std::time_t>(millis / 1000);
  if (millis % 1000 < 0) --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(((millis % 1000) + 1000) % 1000));
  return buf;
}

MicroBatchExecution::MicroBatchExecution(std::shared_ptr<SessionImpl> session, LogicalPlanPtr plan, SinkPtr sink,
                                         StreamingQueryConfig config, StreamingQueryManager* manager)
    : session_(std::move(session)),
      plan_(std::move(plan)),
      sink_(std::move(sink)),
      config_(std::move(config)),
      manager_(manager),
      env_(config_.env ? config_.env : Env::Default()),
      clock_(config_.clock ? config_.clock : SystemClock::Default()),
      cancel_(std::make_shared<CancellationToken>(ProcessShutdownToken())) {}

const std::shared_ptr<CancellationToken>& ProcessShutdownToken() {
  static const auto* token = new std::shared_ptr<CancellationToken>(std::make_shared<CancellationToken>());
  return *token;
}

bool MicroBatchExecution::Stopping() const {
  if (cancel_->IsCancelled()) return true;
  std::lock_guard<std::mutex> l(mu_);
  return stop_requested_;
}

MicroBatchExecution::~MicroBatchExecution() {
  RequestStop();
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();
    } else {
      thread_.join();
    }
  }
}

Status MicroBatchExecution::CheckStateSchemas() {
  std::vector<const LogicalPlan*> stack{plan_.get()};
  bool any = false;
  while (!stack.empty() && !any) {
    const LogicalPlan* p = stack.back();
    stack.pop_back();
    any = p->stateful();
    for (const auto& c : p->children) stack.push_back(c.get());
  }
  if (!any) return Status::OK();
  // Optimized as every batch is (the optimizer may prune an aggregation's
  // unused aggregates, which changes its state), with the streaming
  // relations still in place: the nodes' columns do not depend on the tables.
  SLUICE_ASSIGN_OR_RETURN(auto optimized, Optimize(plan_));
  for (const auto& [id, schema] : PlanStateSchemas(optimized)) {
    SLUICE_RETURN_NOT_OK(state_->CheckSchema(id, schema));
  }
  return Status::OK();
}

Status MicroBatchExecution::Start() {
  SLUICE_RETURN_NOT_OK(CheckStreamingPlan(*plan_, config_.mode));
  if (config_.checkpoint_dir.empty()) {
    return Status::InvalidArgument(
        "checkpointLocation must be specified either through option(\"checkpointLocation\", ...) or "
        "CHECKPOINT LOCATION '...'");
  }
  SLUICE_ASSIGN_OR_RETURN(state_conf_, ParseStateStoreConf(config_.state_store_options));
  // As Spark (its stores keep versions latest - minBatchesToRetain and up):
  // the versions of the batches the logs keep, and the one before them, which
  // a replay of the newest batch loads when it crashed after its state commit
  // and before its commits/<id>.
  const int retain = static_cast<int>(
      std::min<int64_t>(config_.min_batches_to_retain, std::numeric_limits<int32_t>::max() - 1) + 1);
  state_conf_.file.min_versions_to_retain = state_conf_.rocksdb.min_versions_to_retain = retain;
  // The stateful nodes get their operator ids. Aggregates whose state cannot
  // be stored fail now, not at the first batch.
  plan_ = MarkStatefulOperators(plan_);
  std::vector<const LogicalPlan*> stack{plan_.get()};
  while (!stack.empty()) {
    const LogicalPlan* p = stack.back();
    stack.pop_back();
    has_watermark_ |= p->kind == LogicalKind::kWatermark;
    has_stateful_ |= p->stateful();
    // Spark's shouldRunAnotherBatch, per stateful operator: would a moved
    // watermark make it emit or evict? An aggregation in append or update
    // mode, a deduplication, a join whose state the watermark cleans up;
    // not an aggregation in complete mode.
    if (p->stateful()) {
      switch (p->kind) {
        case LogicalKind::kAggregate:
          // (Below another aggregation it runs in append mode, in any mode.)
          acts_on_watermark_ |= config_.mode != OutputMode::kComplete || CountStreamingAggregates(*plan_) > 1;
          break;
        case LogicalKind::kJoin: {
          EquiJoinCondition split = SplitEquiJoinCondition(*p);
          acts_on_watermark_ |= WatermarkedJoinKey(*p, split) >= 0 || !StateValueWatermarkBounds(*p, 0).empty() ||
                                !StateValueWatermarkBounds(*p, 1).empty();
          break;
        }
        default:
          acts_on_watermark_ = true;
      }
    }
    if (p->stateful() && p->kind == LogicalKind::kAggregate) {
      std::vector<DataType> keys;
      std::vector<AggregateCall> calls;
      for (const auto& g : p->groups) keys.push_back(g->type);
      for (const auto& a : p->aggregates) calls.push_back(a.call);
      SLUICE_RETURN_NOT_OK(StatefulAggregateOperator::Validate(keys, calls));
    }
    for (const auto& c : p->children) stack.push_back(c.get());
  }

  SLUICE_ASSIGN_OR_RETURN(lock_, CheckpointLock::Acquire(env_, config_.checkpoint_dir));
  SLUICE_ASSIGN_OR_RETURN(meta_, CheckpointMetadata::LoadOrCreate(env_, config_.checkpoint_dir));
  SLUICE_ASSIGN_OR_RETURN(auto olog, OffsetLog::Open(env_, config_.checkpoint_dir, meta_.ChecksumsFrom("offsets")));
  SLUICE_ASSIGN_OR_RETURN(auto clog, CommitLog::Open(env_, config_.checkpoint_dir, meta_.ChecksumsFrom("commits")));
  offset_log_.emplace(std::move(olog));
  commit_log_.emplace(std::move(clog));
  SLUICE_RETURN_NOT_OK(offset_log_->log().CleanTempFiles());
  SLUICE_RETURN_NOT_OK(commit_log_->log().CleanTempFiles());

  relations_ = FindStreamingRelations(*plan_);
  for (size_t i = 0; i < relations_.size(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(auto src, relations_[i]->CreateSource());
    SourceContext ctx;
    ctx.env = env_;
    ctx.clock = clock_;
    ctx.metadata_dir = JoinPath(JoinPath(config_.checkpoint_dir, "sources"), std::to_string(i));
    ctx.log_checksums_from = meta_.ChecksumsFrom("sources/" + std::to_string(i));
    ctx.cancel = cancel_.get();
    SLUICE_RETURN_NOT_OK(env_->CreateDirRecursive(ctx.metadata_dir));
    SLUICE_RETURN_NOT_OK(src->Open(ctx).WithContext("source " + std::to_string(i) + " (" + src->description() + ")"));
    source_descriptions_.push_back(src->description());
    sources_.push_back(std::move(src));
  }
  if (config_.target_latency_micros > 0) {
    sizers_.assign(sources_.size(), BatchSizeController(config_.target_latency_micros));
  }
  // Recovery.
  shuffle_partitions_ = config_.shuffle_partitions;
  std::string policy = config_.watermark_policy;
  committed_.assign(sources_.size(), std::nullopt);
  SLUICE_ASSIGN_OR_RETURN(auto latest, offset_log_->GetLatest());
  // The newest commit is read (and so checked), not only listed.
  SLUICE_ASSIGN_OR_RETURN(auto latest_commit_entry, commit_log_->GetLatest());
  std::optional<int64_t> latest_commit;
  if (latest_commit_entry) latest_commit = latest_commit_entry->first;
  if (!latest) {
    if (latest_commit) {
      return Status::Corruption("commit log " + commit_log_->log().dir() + " holds batch " +
                                std::to_string(*latest_commit) + " but offset log " + offset_log_->log().dir() +
                                " is empty");
    }
    next_batch_id_ = 0;
  } else {
    auto& [n, seq] = *latest;
    if (seq.offsets.size() != sources_.size()) {
      return Status::InvalidArgument("offset log " + offset_log_->log().PathFor(n) + " holds " +
                                     std::to_string(seq.offsets.size()) + " source offsets but the query has " +
                                     std::to_string(sources_.size()) +
                                     " sources; a checkpoint cannot be reused by a query with other sources");
    }
    auto it = seq.metadata.conf.find(kShufflePartitionsConf);
    if (it != seq.metadata.conf.end()) {
      const std::string& v = it->second;
      int parsed = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
      if (ec != std::errc() || end != v.data() + v.size() || parsed <= 0) {
        return Status::Corruption(offset_log_->log().PathFor(n) + ": bad " + kShufflePartitionsConf + " '" + v +
                                  "' (a positive integer was expected)");
      }
      shuffle_partitions_ = parsed;
    }
    // The state store provider of the checkpoint's first batch stays (as in
    // Spark); a log without the setting predates the RocksDB provider.
    auto pinned = seq.metadata.conf.find(kStateStoreProviderClassConf);
    StateStoreProviderKind kind = StateStoreProviderKind::kFile;
    if (pinned != seq.metadata.conf.end()) {
      auto parsed = ParseStateStoreProviderClass(pinned->second);
      if (!parsed.ok()) {
        return Status::Corruption(offset_log_->log().PathFor(n) + ": bad " + kStateStoreProviderClassConf + " '" +
                                  pinned->second + "' (a state store provider class was expected)");
      }
      kind = *parsed;
    }
    if (kind != state_conf_.provider) {
      LogWarn("stream", "query {}: the checkpoint {} keeps its state with {}; the setting {} = {} applies to new "
              "checkpoints only", QueryLabel(), config_.checkpoint_dir, StateStoreProviderClassName(kind),
              kStateStoreProviderClassConf, StateStoreProviderClassName(state_conf_.provider));
      state_conf_.provider = kind;
    }
    // Pinned at the first batch; a checkpoint from before it was pinned ran
    // with the default, "min" (as Spark reads old offset logs).
    auto pinned_policy = seq.metadata.conf.find(kWatermarkPolicyConf);
    policy = pinned_policy != seq.metadata.conf.end() ? pinned_policy->second : "min";
    int64_t m = latest_commit ? *latest_commit : -1;
    if (m == n) {
      committed_ = seq.offsets;
      next_batch_id_ = n + 1;
      // The watermark after batch n (Spark: the max of the batch's and the
      // committed next one); batch n's own is the late-events watermark of n + 1.
      watermark_.Set(std::max(seq.metadata.batch_watermark_ms, latest_commit_entry->second.next_batch_watermark_ms));
      prev_batch_watermark_ms_ = seq.metadata.batch_watermark_ms;
    } else if (m == n - 1) {
      PendingBatch pb;
      pb.id = n;
      pb.end = seq.offsets;
      pb.timestamp_ms = seq.metadata.batch_timestamp_ms;
      if (n > 0) {
        SLUICE_ASSIGN_OR_RETURN(auto prev, offset_log_->Get(n - 1));
        pb.start = prev.offsets;
        if (pb.start.size() != sources_.size()) {
          return Status::Corruption(offset_log_->log().PathFor(n - 1) + " holds " +
                                    std::to_string(pb.start.size()) + " offsets, expected " +
                                    std::to_string(sources_.size()));
        }
      } else {
        pb.start.assign(sources_.size(), std::nullopt);
      }
      committed_ = pb.start;
      next_batch_id_ = n;
      pending_ = std::move(pb);
      // Re-run with the watermark the batch logged; the previous batch's
      // is its late-events watermark.
      watermark_.Set(seq.metadata.batch_watermark_ms);
      prev_batch_watermark_ms_ = seq.metadata.batch_watermark_ms;
      if (n > 0) {
        SLUICE_ASSIGN_OR_RETURN(auto prev, offset_log_->Get(n - 1));
        prev_batch_watermark_ms_ = prev.metadata.batch_watermark_ms;
      }
    } else {
      return Status::Corruption("offset log " + offset_log_->log().dir() + " ends at batch " + std::to_string(n) +
                                " but commit log " + commit_log_->log().dir() + " ends at " +
                                (m < 0 ? std::string("no batch") : "batch " + std::to_string(m)) +
                                "; the commit log must end at batch " + std::to_string(n) + " or " +
                                std::to_string(n - 1));
    }
    // Sources with logs of their own check them against the offset log.
    for (size_t i = 0; i < sources_.size(); ++i) {
      SLUICE_RETURN_NOT_OK(sources_[i]->CheckRecoveredOffset(seq.offsets[i], offset_log_->log().PathFor(n)));
    }
  }
  {
    auto parsed_policy = WatermarkTracker::ParsePolicy(policy);
    if (!parsed_policy.ok()) return parsed_policy.status();
    int64_t restored = watermark_.watermark_ms();
    watermark_ = WatermarkTracker(*parsed_policy);
    watermark_.Set(restored);
    config_.watermark_policy = WatermarkTracker::PolicyName(*parsed_policy);
  }
  // The sink opens once the checkpoint is known to be sound, and learns
  // what it says was committed.
  SinkContext sctx;
  sctx.env = env_;
  sctx.query_name = config_.name;
  sctx.query_id = meta_.query_id;
  sctx.checkpoint_dir = config_.checkpoint_dir;
  sctx.last_committed_batch_id = latest_commit ? *latest_commit : -1;
  sctx.cancel = cancel_.get();
  sctx.output_schema = OutputSchema(*plan_);
  SLUICE_RETURN_NOT_OK(sink_->Open(sctx));
  // A query changed in a way its state cannot follow fails here, before
  // it logs a batch.
  state_ = std::make_unique<StateCheckpoint>(env_, config_.checkpoint_dir, state_conf_);
  SLUICE_RETURN_NOT_OK(CheckStateSchemas());
  {
    std::lock_guard<std::mutex> l(mu_);
    started_ = true;
    status_.message = "Waiting for data to arrive";
  }
  LogInfo("stream", "query {} started (id={}, runId={}, checkpoint {}), next batch {}", QueryLabel(), meta_.query_id,
          meta_.run_id, config_.checkpoint_dir, next_batch_id_);
  if (manager_ != nullptr) {
    StreamingQueryListener::QueryStartedEvent ev{meta_.query_id, meta_.run_id, config_.name,
                                                 FormatIsoTimestamp(clock_->NowMillis())};
    for (const auto& l : StreamingQueryAccess::Listeners(*manager_)) l->onQueryStarted(ev);
  }
  return Status::OK();
}

void MicroBatchExecution::SetStatus(const std::string& message, bool trigger_active, bool data_available) {
  std::lock_guard<std::mutex> l(mu_);
  status_.message = message;
  status_.isTriggerActive = trigger_active;
  status_.isDataAvailable = data_available;
}

Result<bool> MicroBatchExecution::RunOneTrigger(const ReadLimit* limit_override) {
  int64_t trigger_start = MonoMicros();
  trigger_clock_start_micros_ = clock_->NowMicros();
  StreamingQueryProgress progress;
  auto phases = std::make_shared<PhaseTimes>();
  if (pending_) {
    PendingBatch pb = std::move(*pending_);
    pending_.reset();
    SetStatus("Processing new data", true, true);
    std::vector<std::optional<std::string>> latest = pb.end;
    batch_watermark_ms_ = watermark_.watermark_ms();  // as logged (Start)
    trigger_limits_.assign(sources_.size(), -1);
    trigger_available_.assign(sources_.size(), -1);
    SLUICE_RETURN_NOT_OK(
        RunBatch(pb.id, pb.start, pb.end, latest, pb.timestamp_ms, true, trigger_start, phases, &progress));
  } else {
    SetStatus("Getting offsets from sources", true, false);
    std::vector<std::optional<std::string>> latest(sources_.size());
    std::vector<std::optional<std::string>> end(sources_.size());
    trigger_limits_.assign(sources_.size(), -1);
    trigger_available_.assign(sources_.size(), -1);
    bool has_data = false;
    for (size_t i = 0; i < sources_.size(); ++i) {
      ReadLimit limit = limit_override ? *limit_override : sources_[i]->DefaultReadLimit();
      // targetLatency: the controller's cap, within the source's own limit.
      if (!limit_override && !sizers_.empty()) limit.max_rows = sizers_[i].NextLimit(limit.max_rows);
      trigger_limits_[i] = limit.max_rows;
      auto r = sources_[i]->LatestOffset(committed_[i], limit);
      if (!r.ok()) return r.status().WithContext("latestOffset of " + source_descriptions_[i]);
      trigger_available_[i] = sources_[i]->AvailableRows();
      end[i] = *r ? *r : committed_[i];
      // The progress record's latestOffset: all that is available, before
      // the read limit (Spark's reportLatestOffset), when the source knows it.
      auto reported = sources_[i]->ReportLatestOffset();
      latest[i] = reported ? reported : *r;
      if (end[i] && end[i] != committed_[i]) has_data = true;
    }
    int64_t after_latest = MonoMicros();
    // No new data: a no-data batch (same offsets) when the watermark moved
    // past the last batch's, so stateful operators emit and evict.
    bool no_data_batch = !has_data && config_.no_data_batches && acts_on_watermark_ && has_watermark_ &&
                         next_batch_id_ > 0 && watermark_.watermark_ms() > prev_batch_watermark_ms_;
    if (!has_data && !no_data_batch) {
      // Nothing to run: the batch in flight is done once its commit is.
      SLUICE_RETURN_NOT_OK(CompleteBatch());
      SetStatus("Waiting for data to arrive", false, false);
      return false;
    }
    if (no_data_batch) end = committed_;
    SetStatus("Processing new data", true, has_data);
    batch_watermark_ms_ = watermark_.watermark_ms();
    phases->Add("latestOffset", after_latest - trigger_start);
    std::vector<std::optional<std::string>> start = committed_;
    SLUICE_RETURN_NOT_OK(RunBatch(next_batch_id_, start, end, latest, clock_->NowMillis(), false, trigger_start,
                                  phases, &progress));
  }
  SetStatus("Waiting for next trigger", false, false);
  ++batches_run_;
  // Default trigger: the commit log write goes on while the next trigger
  // asks for offsets; otherwise the batch ends here.
  if (!overlap_commit_) SLUICE_RETURN_NOT_OK(CompleteBatch());
  return true;
}

Status MicroBatchExecution::AwaitCommitTail() {
  if (!in_flight_ || !in_flight_->tail) return Status::OK();
  std::shared_ptr<CommitTail> tail = std::move(in_flight_->tail);
  in_flight_->tail.reset();
  Status st = tail->done.get();
  if (!st.ok()) {
    const int64_t id = in_flight_->batch_id;
    in_flight_.reset();  // not committed: the next start re-runs it
    return st.WithContext("commit of batch " + std::to_string(id));
  }
  in_flight_->commit_write = std::move(tail->commit_write);
  in_flight_->sink_done_micros = tail->sink_done_micros;
  return Status::OK();
}

Status MicroBatchExecution::CompleteBatch() {
  SLUICE_RETURN_NOT_OK(AwaitCommitTail());
  if (!in_flight_) return Status::OK();
  InFlightBatch b = std::move(*in_flight_);
  in_flight_.reset();
  auto micros = b.phases->Micros();
  int64_t wait_start = MonoMicros();
  Status written = log_writer_->Wait(b.commit_write);
  micros["commitLogWait"] += MonoMicros() - wait_start;
  if (!written.ok()) return written;
  micros["commitLog"] += b.commit_write->micros();
  SLUICE_KILL_POINT("after_commit");
  if (b.purge) {
    // Queued before the commit, so already done.
    SLUICE_RETURN_NOT_OK(log_writer_->Wait(b.purge));
    micros["logPurge"] += b.purge->micros();
  }
  {
    int64_t t = MonoMicros();
    for (size_t i = 0; i < sources_.size(); ++i) {
      if (b.end[i]) SLUICE_RETURN_NOT_OK(sources_[i]->Commit(*b.end[i]));
    }
    micros["sourceCommit"] += MonoMicros() - t;
  }
  // Entries before this id go, on the log thread behind the next offsets
  // write (off the way of the next batch's output).
  if (b.batch_id + 1 > config_.min_batches_to_retain) purge_before_ = b.batch_id + 1 - config_.min_batches_to_retain;

  StreamingQueryProgress progress = std::move(b.progress);
  int64_t trigger_end = MonoMicros();
  micros["commitOffsets"] = trigger_end - b.sink_done_micros;
  micros["triggerExecution"] = trigger_end - b.trigger_start_micros;
  for (const auto& [phase, us] : micros) progress.durationMs[phase] = us / 1000;
  if (LogEnabled(LogLevel::kTrace)) {
    // durationMs truncates to whole milliseconds; a batch of a few ms needs
    // the microseconds to be broken down.
    std::string line;
    for (const auto& [phase, us] : micros) line += fmt::format(" {}={}", phase, us);
    LogTrace("stream", "query {} batch {} phases (us):{}", QueryLabel(), progress.batchId, line);
  }
  const int64_t trigger_start = b.trigger_start_micros;
  double secs = static_cast<double>(trigger_end - trigger_start) / 1e6;
  progress.processedRowsPerSecond = secs > 0 ? static_cast<double>(progress.numInputRows) / secs : 0;
  if (last_trigger_start_micros_ >= 0) {
    double since = static_cast<double>(trigger_start - last_trigger_start_micros_) / 1e6;
    progress.inputRowsPerSecond = since > 0 ? static_cast<double>(progress.numInputRows) / since : 0;
  }
  for (auto& s : progress.sources) {
    s.processedRowsPerSecond = secs > 0 ? static_cast<double>(s.numInputRows) / secs : 0;
    if (last_trigger_start_micros_ >= 0) {
      double since = static_cast<double>(trigger_start - last_trigger_start_micros_) / 1e6;
      s.inputRowsPerSecond = since > 0 ? static_cast<double>(s.numInputRows) / since : 0;
    }
  }
  last_trigger_start_micros_ = trigger_start;
  // The batch is committed (commit log durable): one line per batch.
  const auto batch_level = static_cast<LogLevel>(g_batch_log_level.load(std::memory_order_relaxed));
  if (LogEnabled(batch_level)) {
    int64_t state_rows = 0;
    for (const auto& op : progress.stateOperators) state_rows += op.numRowsTotal;
    Log(batch_level, "stream", "query {} batch {}: {} input rows in {} ms, {} state rows", QueryLabel(),
        progress.batchId, progress.numInputRows, progress.durationMs["triggerExecution"], state_rows);
  }
  PostProgress(std::move(progress));
  return Status::OK();
}

Status MicroBatchExecution::RunBatch(int64_t batch_id, const std::vector<std::optional<std::string>>& start,
                                     const std::vector<std::optional<std::string>>& end,
                                     const std::vector<std::optional<std::string>>& latest, int64_t timestamp_ms,
                                     bool logged, int64_t trigger_start_micros,
                                     const std::shared_ptr<PhaseTimes>& phases_ptr, StreamingQueryProgress* progress) {
  PhaseTimes& phases = *phases_ptr;
  // Pipelined commits: the previous batch may still be committing on its
  // tail, which submits its commits/<id - 1>; offsets/<id> goes to the log
  // thread after that (await_offset_log), so the log keeps its order.
  const bool pipelined = pipeline_commits_;
  progress->id = meta_.query_id;
  progress->runId = meta_.run_id;
  progress->name = config_.name;
  progress->batchId = batch_id;
  progress->timestamp = FormatIsoTimestamp(timestamp_ms);
  // commits/<id - 1> durable before offsets/<id> is written: the log thread
  // writes offsets/<id> after commits/<id - 1>, submitted before it, is
  // durable (and not at all if that write failed). The runner goes on
  // reading and running this batch meanwhile.
  CheckpointLogWriter::TicketPtr wal;
  std::optional<OffsetSeq> deferred_seq;
  if (!logged) {
    OffsetSeq seq;
    seq.metadata.batch_timestamp_ms = timestamp_ms;
    seq.metadata.conf[kShufflePartitionsConf] = std::to_string(shuffle_partitions_);
    seq.metadata.conf[kStateStoreProviderClassConf] = StateStoreProviderClassName(state_conf_.provider);
    seq.metadata.conf[kWatermarkPolicyConf] = config_.watermark_policy;
    seq.metadata.batch_watermark_ms = batch_watermark_ms_;
    seq.offsets = end;
    if (in_flight_ && in_flight_->tail) {
      deferred_seq = std::move(seq);
    } else {
      wal = log_writer_->Submit([this, batch_id, seq = std::move(seq)] { return offset_log_->Add(batch_id, seq); });
    }
  }
  // A batch that fails before it awaited its offsets/<id> still leaves it
  // written when it returns (the next start re-runs the logged batch, as
  // when the runner wrote the log itself).
  struct AwaitOnExit {
    CheckpointLogWriter* writer;
    CheckpointLogWriter::TicketPtr* ticket;
    ~AwaitOnExit() {
      if (*ticket) (void)writer->Wait(*ticket);
    }
  } await_on_exit{log_writer_.get(), &wal};
  CheckpointLogWriter::TicketPtr purge;
  if (purge_before_) {
    int64_t threshold = *purge_before_;
    purge_before_.reset();
    purge = log_writer_->Submit([this, threshold]() -> Status {
      SLUICE_RETURN_NOT_OK(offset_log_->log().PurgeBefore(threshold));
      return commit_log_->log().PurgeBefore(threshold);
    });
  }
  // offsets/<id> durable: from here the batch may commit state and output.
  // The previous batch's commits/<id - 1> is durable too (written before),
  // so that batch ends here.
  auto await_offset_log = [&]() -> Status {
    if (in_flight_ && in_flight_->tail) {
      PhaseTimes::Scope timed(&phases, "previousSinkCommit");
      SLUICE_RETURN_NOT_OK(AwaitCommitTail());
    }
    if (deferred_seq) {
      wal = log_writer_->Submit(
          [this, batch_id, seq = std::move(*deferred_seq)] { return offset_log_->Add(batch_id, seq); });
      deferred_seq.reset();
    }
    if (wal) {
      Status st;
      {
        PhaseTimes::Scope timed(&phases, "offsetLogWait");
        st = log_writer_->Wait(wal);
      }
      SLUICE_RETURN_NOT_OK(st);
      phases.Add("walCommit", wal->micros());
      wal.reset();
      SLUICE_KILL_POINT("after_offset_log");
    }
    if (in_flight_) {
      PhaseTimes::Scope timed(&phases, "previousCommit");
      SLUICE_RETURN_NOT_OK(CompleteBatch());
    }
    return Status::OK();
  };

  // The data of each source's range.
  int64_t t1 = MonoMicros();
  std::vector<TableSourcePtr> tables;
  std::vector<std::shared_ptr<std::atomic<int64_t>>> counters;
  std::vector<int64_t> known_rows;
  for (size_t i = 0; i < sources_.size(); ++i) {
    counters.push_back(std::make_shared<std::atomic<int64_t>>(0));
    if (!end[i] || end[i] == start[i]) {
      tables.push_back(std::make_shared<MemoryTable>(sources_[i]->schema(), std::vector<Batch>{}, "empty"));
      known_rows.push_back(0);
      continue;
    }
    auto b = sources_[i]->GetBatch(start[i], *end[i]);
    if (!b.ok()) return b.status().WithContext("getBatch of " + source_descriptions_[i]);
    known_rows.push_back(b->num_rows);
    if (b->num_rows >= 0) {
      tables.push_back(b->table);
    } else if (b->rows_read) {
      tables.push_back(b->table);
      counters.back() = b->rows_read;
    } else {
      tables.push_back(std::make_shared<CountingTable>(b->table, counters.back()));
    }
  }
  int64_t t2 = MonoMicros();
  phases.Add("getBatch", t2 - t1);

  LogicalPlanPtr plan = ReplaceStreamingRelations(plan_, relations_, tables);
  // The scans' and the sink's own phases (Kafka fetch waits, flush,
  // transaction commit) go to `phases` too, reported in durationMs with the
  // runner's.
  ExecContext ctx;
  ctx.cancel = cancel_.get();
  ctx.phase_times = &phases;
  // Rows and time per operator: the plan of the last batch in the UI.
  OperatorMetrics operator_metrics;
  ctx.metrics = &operator_metrics;
  // current_timestamp() is the batch's logged timestamp, so that a replay
  // after a crash computes what the first attempt computed.
  ctx.eval.now_micros = timestamp_ms * 1000;
  SLUICE_ASSIGN_OR_RETURN(PhysicalOperatorPtr physical, PlanBatch(batch_id, plan));
  int64_t planned = MonoMicros();
  phases.Add("queryPlanning", planned - t2);
  // The rest, up to the sink's commit, is addBatch. The rows stream from the
  // plan's partitions into the sink's writer (the stateful operators update
  // and commit their state as their partitions finish).
  Schema schema = OutputSchema(*plan_);
  const std::string sink_context = "sink " + sink_->description();
  // The digest of what the batch covers: an exactly-once sink that already
  // holds the batch id checks it before skipping the batch.
  SinkBatchInfo batch_info{batch_id, SourceOffsetsDigest(start, end), phases_ptr.get()};
  std::unique_ptr<SinkWriter> writer;
  {
    PhaseTimes::Scope timed(&phases, "sinkBegin");
    auto begun = sink_->BeginBatch(batch_info, schema, config_.mode, physical->num_partitions());
    if (!begun.ok()) return begun.status().WithContext(sink_context);
    writer = std::move(*begun);
  }
  // Stateful operators commit state versions while the partitions run: the
  // offset log must be durable before they start. A stateless query's rows
  // reach the sink's writer, which makes nothing visible before Commit (or,
  // an at-least-once sink that sends rows as they come, may send rows of a
  // batch that a crash then re-plans: duplicates, never loss).
  if (has_stateful_) SLUICE_RETURN_NOT_OK(await_offset_log());
  std::atomic<int64_t> out_rows{0};
  {
    PhaseTimes::Scope timed(&phases, "execution");
    SLUICE_RETURN_NOT_OK(ForEachBatch(*physical, &ctx, [&](int partition, Batch batch) -> Status {
      out_rows.fetch_add(static_cast<int64_t>(batch.num_rows), std::memory_order_relaxed);
      return writer->Write(partition, std::move(batch)).WithContext(sink_context);
    }));
  }
  {
    // Every row in the sink, still invisible (or, at least once, already
    // sent): the Kafka sink's produce round trips overlap the offsets/<id>
    // write, which only the commit must wait for. Pipelined, the next batch
    // may also write while this one commits.
    PhaseTimes::Scope timed(&phases, "sinkFlush");
    SLUICE_RETURN_NOT_OK(writer->Flush().WithContext(sink_context));
  }
  SLUICE_RETURN_NOT_OK(await_offset_log());
  // Every state partition commits version batch_id + 1 (also those a Limit
  // above did not open) before the sink and the commit log do.
  int64_t state_commit_start = MonoMicros();
  SLUICE_ASSIGN_OR_RETURN(auto state_metrics, FinishStatefulOperators(*physical, &ctx));
  phases.Add("stateCommit", MonoMicros() - state_commit_start);
  for (const auto& m : state_metrics) {
    StateOperatorProgress sop;
    if (!m.operator_name.empty()) sop.operatorName = m.operator_name;
    sop.numRowsTotal = m.num_rows_total;
    sop.numRowsUpdated = m.num_rows_updated;
    sop.numRowsRemoved = m.num_rows_removed;
    sop.numRowsDroppedByWatermark = m.num_rows_dropped_by_watermark;
    sop.memoryUsedBytes = m.memory_used_bytes;
    sop.numShufflePartitions = m.num_shuffle_partitions;
    sop.commitTimeMs = m.commit_time_ms;
    progress->stateOperators.push_back(sop);
  }
  std::shared_ptr<CommitTail> tail;
  int64_t sink_done = 0;
  if (pipelined) {
    // The sink's commit, then commits/<id>, on the tail's thread; the next
    // batch awaits it before its offsets/<id + 1> is written. (A pipelined
    // query has no watermark: commits/<id> records the one it has.)
    tail = std::make_shared<CommitTail>();
    const int64_t next_watermark = watermark_.watermark_ms();
    tail->done = std::async(std::launch::async, [this, tail_state = tail.get(), w = std::move(writer), batch_id,
                                                 next_watermark, phases_ptr, planned, sink_context]() mutable -> Status {
      {
        PhaseTimes::Scope timed(phases_ptr.get(), "sinkCommit");
        Status committed = w->Commit().WithContext(sink_context);
        w.reset();  // a failed batch's writer aborts it here
        SLUICE_RETURN_NOT_OK(committed);
      }
      SLUICE_KILL_POINT("after_sink");
      tail_state->sink_done_micros = MonoMicros();
      phases_ptr->Add("addBatch", tail_state->sink_done_micros - planned);
      tail_state->commit_write = log_writer_->Submit([this, batch_id, next_watermark] {
        return commit_log_->Add(batch_id, CommitMetadata{next_watermark});
      });
      return Status::OK();
    });
  } else {
    {
      PhaseTimes::Scope timed(&phases, "sinkCommit");
      SLUICE_RETURN_NOT_OK(writer->Commit().WithContext(sink_context));
      writer.reset();
    }
    SLUICE_KILL_POINT("after_sink");
    sink_done = MonoMicros();
  }
  {
    // Every stream of the batch has ended (the writer is flushed or
    // committed): the operators' counts are final.
    StreamingQueryPlan plan_metrics;
    plan_metrics.batchId = batch_id;
    plan_metrics.logical = std::move(planned_logical_);
    plan_metrics.physical = physical->ToTreeString();
    plan_metrics.operators.push_back(OperatorTree(*physical, operator_metrics));
    std::lock_guard<std::mutex> l(mu_);
    last_plan_metrics_ = std::move(plan_metrics);
  }
  if (!pipelined) phases.Add("addBatch", sink_done - planned);

  // Rows per source (numInputRows), and what adaptive batch sizing learns
  // from them: the rate, and whether rows were left behind.
  std::vector<int64_t> rows(sources_.size());
  for (size_t i = 0; i < sources_.size(); ++i) rows[i] = known_rows[i] >= 0 ? known_rows[i] : counters[i]->load();
  if (!logged && !sizers_.empty()) {
    int64_t micros = clock_->NowMicros() - trigger_clock_start_micros_;
    for (size_t i = 0; i < sources_.size(); ++i) {
      if (!end[i] || end[i] == start[i]) continue;
      sizers_[i].Observe(rows[i], trigger_available_[i], trigger_limits_[i], micros,
                         sources_[i]->DefaultReadLimit().max_rows);
    }
  }

  // The event times the watermark nodes saw move the watermark for the
  // next batch (committed with this one).
  if (has_watermark_) {
    EventTimeStats all;
    const auto nodes = FindEventTimeWatermarks(*physical);
    for (size_t i = 0; i < nodes.size(); ++i) {
      EventTimeStats st = nodes[i]->Stats(&ctx);
      if (st.count == 0) continue;
      watermark_.Observe(static_cast<int>(i), FloorDiv(st.max_micros, 1000), nodes[i]->delay_ms());
      all.Add(st);
    }
    watermark_.Advance();
    if (all.count > 0) {
      progress->eventTime["min"] = FormatIsoTimestamp(FloorDiv(all.min_micros, 1000));
      progress->eventTime["max"] = FormatIsoTimestamp(FloorDiv(all.max_micros, 1000));
      auto avg_ms = static_cast<int64_t>(std::floor(all.sum_micros / static_cast<double>(all.count) / 1000.0));
      progress->eventTime["avg"] = FormatIsoTimestamp(avg_ms);
    }
    progress->eventTime["watermark"] = FormatIsoTimestamp(batch_watermark_ms_);
  }
  const int64_t next_watermark = watermark_.watermark_ms();
  CheckpointLogWriter::TicketPtr commit_write;
  if (!pipelined) {
    commit_write = log_writer_->Submit([this, batch_id, next_watermark] {
      return commit_log_->Add(batch_id, CommitMetadata{next_watermark});
    });
  }
  committed_ = end;
  next_batch_id_ = batch_id + 1;
  prev_batch_watermark_ms_ = batch_watermark_ms_;

  int64_t total_rows = 0;
  for (size_t i = 0; i < sources_.size(); ++i) {
    SourceProgress sp;
    sp.description = source_descriptions_[i];
    sp.startOffset = OffsetJson(start[i]);
    sp.endOffset = OffsetJson(end[i]);
    sp.latestOffset = OffsetJson(latest[i]);
    sp.numInputRows = rows[i];
    sp.metrics = sources_[i]->Metrics();
    if (!sizers_.empty() && trigger_limits_[i] >= 0) sp.metrics["targetLatencyMaxRows"] = std::to_string(trigger_limits_[i]);
    total_rows += sp.numInputRows;
    progress->sources.push_back(std::move(sp));
  }
  progress->numInputRows = total_rows;
  progress->sink.description = sink_->description();
  progress->sink.numOutputRows = out_rows.load();

  SLUICE_RETURN_NOT_OK(CompleteBatch());  // (done above; a batch never waits on two)
  InFlightBatch b;
  b.batch_id = batch_id;
  b.end = end;
  b.commit_write = std::move(commit_write);
  b.purge = std::move(purge);
  b.progress = std::move(*progress);
  b.phases = phases_ptr;
  b.trigger_start_micros = trigger_start_micros;
  b.sink_done_micros = sink_done;
  b.tail = std::move(tail);
  in_flight_ = std::move(b);
  return Status::OK();
}

Result<PhysicalOperatorPtr> MicroBatchExecution::PlanBatch(int64_t batch_id, const LogicalPlanPtr& plan) {
  SLUICE_ASSIGN_OR_RETURN(auto optimized, Optimize(plan));
  planned_logical_ = optimized->ToTreeString();
  PhysicalPlannerOptions options;
  StatefulBatchInfo& state = options.stateful.emplace();
  state.checkpoint = state_.get();
  state.batch_id = batch_id;
  state.num_partitions = shuffle_partitions_;
  state.output_mode = config_.mode == OutputMode::kComplete ? StatefulOutputMode::kComplete
                      : config_.mode == OutputMode::kUpdate ? StatefulOutputMode::kUpdate
                                                            : StatefulOutputMode::kAppend;
  if (has_watermark_) {
    // Spark's IncrementalExecution: late rows are judged by the previous
    // batch's watermark, state evicted by this batch's.
    state.watermark_for_late_events_ms = batch_id == 0 ? batch_watermark_ms_ : prev_batch_watermark_ms_;
    state.watermark_for_eviction_ms = batch_watermark_ms_;
  }
  SLUICE_ASSIGN_OR_RETURN(auto physical, PlanPhysical(optimized, options));
  {
    std::lock_guard<std::mutex> l(mu_);
    last_plan_ = physical->ToTreeString();
  }
  return physical;
}

std::optional<std::string> ErrorClassOf(const std::string& message) {
  // Spark's error class: the [NAME] a message starts with, after the
  // engine's "<context>: " prefixes (e.g. "sink ForeachBatchSink: [X] ...").
  size_t pos = 0;
  while (pos < message.size()) {
    if (message[pos] == '[') {
      size_t close = message.find(']', pos);
      if (close == std::string::npos || close == pos + 1) return std::nullopt;
      std::string name = message.substr(pos + 1, close - pos - 1);
      bool ok = name[0] >= 'A' && name[0] <= 'Z';
      for (char c : name) ok &= (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
      if (ok) return name;
      return std::nullopt;
    }
    size_t sep = message.find(": ", pos);
    if (sep == std::string::npos) return std::nullopt;
    pos = sep + 2;
  }
  return std::nullopt;
}

void MicroBatchExecution::NoteTriggerForIdle(bool ran_batch, int64_t trigger_ms) {
  if (ran_batch) {
    last_idle_or_batch_ms_ = clock_->NowMillis();
    return;
  }
  int64_t now = clock_->NowMillis();
  if (!last_idle_or_batch_ms_) {
    // The first trigger of a run without data posts nothing (as Spark 4:
    // the first idle event comes an interval later).
    last_idle_or_batch_ms_ = now;
    return;
  }
  if (now - *last_idle_or_batch_ms_ < config_.no_data_progress_event_interval_ms) return;
  last_idle_or_batch_ms_ = now;
  if (manager_ == nullptr) return;
  StreamingQueryListener::QueryIdleEvent ev{meta_.query_id, meta_.run_id, FormatIsoTimestamp(trigger_ms)};
  for (const auto& l : StreamingQueryAccess::Listeners(*manager_)) l->onQueryIdle(ev);
}

void MicroBatchExecution::PostProgress(StreamingQueryProgress p) {
  {
    std::lock_guard<std::mutex> l(mu_);
    progress_.push_back(p);
    while (progress_.size() > static_cast<size_t>(std::max<int64_t>(1, config_.num_recent_progress_updates))) {
      progress_.pop_front();
    }
  }
  if (manager_ != nullptr) {
    for (const auto& l : StreamingQueryAccess::Listeners(*manager_)) l->onQueryProgress(p);
  }
  cv_.notify_all();
}

bool MicroBatchExecution::WaitForClock(int64_t deadline_ms) {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_requested_ && !cancel_->IsCancelled()) {
    int64_t now = clock_->NowMillis();
    if (now >= deadline_ms) return true;
    int64_t wait = std::clamp<int64_t>(deadline_ms - now, 1, 5);
    cv_.wait_for(l, std::chrono::milliseconds(wait));
  }
  return false;
}

Status MicroBatchExecution::RunLoop() {
  // A batch whose allocation fails ends the query with OutOfMemory; it was
  // not committed, so the next start re-runs it.
  // (Finish's log line names the batch.)
  Status st = CatchAllocationFailure("running query " + QueryLabel(), [&] { return RunTriggers(); });
  // A batch abandoned because the query is stopping is no failure: it was
  // not committed, and the next start re-runs it.
  if (st.code() == StatusCode::kCancelled && Stopping()) st = Status::OK();
  Finish(st);
  return st;
}

Status MicroBatchExecution::RunTriggers() {
  Status st;
  // Stopping, or the batch budget (maxBatches) spent.
  auto stopping = [&] { return Stopping() || (config_.max_batches > 0 && batches_run_ >= config_.max_batches); };
  const Trigger& trig = config_.trigger;
  overlap_commit_ = trig.kind() == Trigger::Kind::kDefault;
  pipeline_commits_ = overlap_commit_ && config_.pipelined_commits && !has_stateful_ && !has_watermark_ &&
                      sink_->PipelinesCommits();
  if (trig.kind() == Trigger::Kind::kOnce) {
    ReadLimit all = ReadLimit::All();
    if (pending_) {
      auto r = RunOneTrigger(&all);
      if (!r.ok()) st = r.status();
    }
    if (st.ok() && !stopping()) {
      auto r = RunOneTrigger(&all);
      if (!r.ok()) st = r.status();
    }
  } else if (trig.kind() == Trigger::Kind::kAvailableNow) {
    // Every source caps its later LatestOffset answers at what is
    // available now; rate-limited batches run until none has new data.
    for (auto& src : sources_) {
      if (st.ok()) st = src->PrepareForAvailableNow();
    }
    while (st.ok() && !stopping()) {
      auto r = RunOneTrigger();
      if (!r.ok()) {
        st = r.status();
      } else if (!*r) {
        break;
      }
    }
  } else {
    while (st.ok() && !stopping()) {
      int64_t trigger_ms = clock_->NowMillis();
      int64_t gen;
      {
        std::lock_guard<std::mutex> l(mu_);
        gen = wake_gen_;
      }
      auto r = RunOneTrigger();
      if (!r.ok()) {
        st = r.status();
        break;
      }
      if (!*r) {
        std::lock_guard<std::mutex> l(mu_);
        idle_gen_ = std::max(idle_gen_, gen);
        cv_.notify_all();
      }
      NoteTriggerForIdle(*r, trigger_ms);
      if (trig.kind() == Trigger::Kind::kProcessingTime) {
        int64_t interval = std::max<int64_t>(1, trig.interval_ms());
        int64_t next = trigger_ms - (trigger_ms % interval) + interval;
        if (!WaitForClock(next)) break;
      } else if (!*r) {
        // Idle: poll again soon (new data right after a batch is likely),
        // then less and less often, up to polling_delay_ms.
        const int64_t longest = config_.polling_delay_ms * 1000;
        int64_t delay = std::max<int64_t>(1, config_.min_polling_delay_micros);
        for (int i = 0; i < idle_polls_ && delay < longest; ++i) delay *= 2;
        delay = std::min(delay, longest);
        ++idle_polls_;
        std::unique_lock<std::mutex> l(mu_);
        if (stop_requested_) break;
        int64_t g = wake_gen_;
        cv_.wait_for(l, std::chrono::microseconds(delay),
                     [&] { return stop_requested_ || wake_gen_ != g || cancel_->IsCancelled(); });
      } else {
        idle_polls_ = 0;
      }
    }
  }
  // The last batch is done (and stop, processAllAvailable, awaitTermination
  // say so) once its commits/<id> is durable.
  Status completed = CompleteBatch();
  if (st.ok()) st = completed;
  return st;
}

std::string MicroBatchExecution::QueryLabel() const {
  return config_.name.empty() ? meta_.query_id : "'" + config_.name + "'";
}

void MicroBatchExecution::Finish(const Status& st) {
  if (st.ok()) {
    LogInfo("stream", "query {} stopped (next batch {})", QueryLabel(), next_batch_id_);
  } else {
    LogError("stream", "query {} (id={}, runId={}, checkpoint {}) failed in batch {}: {}", QueryLabel(),
             meta_.query_id, meta_.run_id, config_.checkpoint_dir, next_batch_id_, st.ToString());
  }
  // A batch still committing on its tail (the runner left by an
  // exception) finishes before the sink stops under it.
  if (in_flight_ && in_flight_->tail && in_flight_->tail->done.valid()) in_flight_->tail->done.wait();
  for (auto& s : sources_) s->Stop();
  sink_->Stop();
  if (lock_) {
    (void)lock_->Release();
    lock_.reset();
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    terminated_ = true;
    if (!st.ok()) error_ = st;
    status_.message = st.ok() ? "Stopped" : "Terminated with exception: " + st.ToString();
    status_.isTriggerActive = false;
    status_.isDataAvailable = false;
  }
  if (manager_ != nullptr) {
    StreamingQueryListener::QueryTerminatedEvent ev{meta_.query_id, meta_.run_id, std::nullopt, std::nullopt};
    if (!st.ok()) {
      ev.exception = st.ToString();
      ev.errorClassOnException = ErrorClassOf(st.message());
    }
    for (const auto& l : StreamingQueryAccess::Listeners(*manager_)) l->onQueryTerminated(ev);
    StreamingQueryAccess::Unregister(*manager_, meta_.run_id);
  }
  cv_.notify_all();
}

void MicroBatchExecution::StartThread() {
  auto self = shared_from_this();
  thread_ = std::thread([self] { (void)self->RunLoop(); });
}

void MicroBatchExecution::RequestStop() {
  std::lock_guard<std::mutex> l(mu_);
  stop_requested_ = true;
  cancel_->Cancel();
  cv_.notify_all();
}

Status MicroBatchExecution::Stop() {
  RequestStop();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  return Status::OK();
}

Status MicroBatchExecution::AwaitTermination() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return terminated_; });
  return error_ ? *error_ : Status::OK();
}

Result<bool> MicroBatchExecution::AwaitTermination(int64_t timeout_ms) {
  std::unique_lock<std::mutex> l(mu_);
  if (!cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return terminated_; })) return false;
  if (error_) return *error_;
  return true;
}

Status MicroBatchExecution::ProcessAllAvailable() {
  int64_t g = RequestProcessAll();
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return terminated_ || idle_gen_ >= g; });
  if (error_) return *error_;
  return Status::OK();
}

int64_t MicroBatchExecution::RequestProcessAll() {
  std::lock_guard<std::mutex> l(mu_);
  int64_t g = ++wake_gen_;
  cv_.notify_all();
  return g;
}

Result<bool> MicroBatchExecution::AwaitProcessedAll(int64_t generation, int64_t timeout_ms) {
  std::unique_lock<std::mutex> l(mu_);
  if (!cv_.wait_for(l, std::chrono::milliseconds(timeout_ms),
                    [&] { return terminated_ || idle_gen_ >= generation; })) {
    return false;
  }
  if (error_) return *error_;
  return true;
}

bool MicroBatchExecution::active() const {
  std::lock_guard<std::mutex> l(mu_);
  return started_ && !terminated_;
}

StreamingQueryStatus MicroBatchExecution::status() const {
  std::lock_guard<std::mutex> l(mu_);
  return status_;
}

std::optional<StreamingQueryProgress> MicroBatchExecution::last_progress() const {
  std::lock_guard<std::mutex> l(mu_);
  if (progress_.empty()) return std::nullopt;
  return progress_.back();
}

std::vector<StreamingQueryProgress> MicroBatchExecution::recent_progress() const {
  std::lock_guard<std::mutex> l(mu_);
  return {progress_.begin(), progress_.end()};
}

std::optional<Status> MicroBatchExecution::error() const {
  std::lock_guard<std::mutex> l(mu_);
  return error_;
}

std::string MicroBatchExecution::last_plan() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_plan_;
}

StreamingQueryPlan MicroBatchExecution::last_plan_metrics() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_plan_metrics_;
}

}  // namespace sluice
