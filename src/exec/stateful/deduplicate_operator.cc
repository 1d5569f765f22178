#include "exec/stateful/deduplicate_operator.h"

#include <atomic>
#include <chrono>
#include <mutex>

#include "exec/stateful/state_row_codec.h"

namespace sluice {

struct DeduplicateOperator::Execution {
  std::mutex mu;
  bool prepared = false;  // GUARDED_BY(mu)
  Status status;          // GUARDED_BY(mu)

  // Written once by PrepareInput, read-only afterwards: per state partition,
  // the batch's on-time rows hashing to it, in input order.
  std::vector<std::vector<Batch>> parts;
  int64_t dropped = 0;

  struct Partition {
    std::mutex mu;
    bool done = false;        // GUARDED_BY(mu)
    Status status;            // GUARDED_BY(mu)
    std::vector<Batch> rows;  // GUARDED_BY(mu): to emit, until an Open takes them
  };
  std::vector<std::unique_ptr<Partition>> partitions;

  std::mutex metrics_mu;
  StateOperatorMetrics metrics;  // GUARDED_BY(metrics_mu)
};

namespace {

const char* kExpiresAt = "expiresAtMicros";

Batch KeyBatch(const Batch& b, const std::vector<int>& key_columns) {
  Batch k;
  k.num_rows = b.num_rows;
  for (int c : key_columns) k.columns.push_back(b.columns[static_cast<size_t>(c)]);
  return k;
}

}  // namespace

DeduplicateOperator::DeduplicateOperator(PhysicalOperatorPtr child, DeduplicateSpec spec,
                                         StatefulOperatorStateInfo info, StateSchema schema)
    : StatefulOperator(child->output_schema(), {child}, info, std::move(schema)),
      spec_(std::move(spec)),
      num_partitions_(spec_.key_columns.empty() ? 1 : std::max(1, info.batch.num_partitions)) {
  const Schema& in = children()[0]->output_schema();
  for (int c : spec_.key_columns) key_types_.push_back(in.field(static_cast<size_t>(c)).type);
  if (spec_.event_time_column >= 0) {
    auto et = EventTimeColumn::Make(in.field(static_cast<size_t>(spec_.event_time_column)).type, "column");
    if (et.ok()) input_time_ = *et;
  }
  if (spec_.key_event_time >= 0) {
    auto et = EventTimeColumn::Make(key_types_[static_cast<size_t>(spec_.key_event_time)], "key");
    if (et.ok()) key_time_ = *et;
  }
}

StateSchema DeduplicateOperator::MakeStateSchema(const std::vector<StructField>& keys, bool within_watermark) {
  StateSchema s;
  s.operator_name = within_watermark ? "dedupeWithinWatermark" : "dedupe";
  for (const auto& k : keys) s.keys.push_back({k.name, k.type.ToString()});
  if (within_watermark) {
    StateValueColumn v;
    v.name = kExpiresAt;
    v.sql = kExpiresAt;
    v.result_type = DataType::Timestamp().ToString();
    v.state_types = {DataType::Timestamp().ToString()};
    s.values.push_back(std::move(v));
  }
  return s;
}

Status DeduplicateOperator::Validate(const std::vector<DataType>& key_types, const DeduplicateSpec& spec) {
  for (size_t i = 0; i < key_types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(CheckStateType(key_types[i], "deduplication key " + std::to_string(i + 1)));
  }
  if (spec.within_watermark && spec.event_time_column < 0) {
    return Status::AnalysisError(
        "dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark; "
        "call withWatermark before it");
  }
  return Status::OK();
}

std::string DeduplicateOperator::details() const {
  std::string s = "keys=[";
  for (size_t i = 0; i < spec_.key_columns.size(); ++i) {
    s += (i ? ", #" : "#") + std::to_string(spec_.key_columns[i]);
  }
  s += "]";
  const auto& info = state_info();
  return s + ", operator=" + std::to_string(info.operator_id) + ", stateVersion=" +
         std::to_string(info.batch.batch_id) + ", partitions=" + std::to_string(num_partitions_);
}

Result<std::shared_ptr<DeduplicateOperator::Execution>> DeduplicateOperator::Prepare(ExecContext* ctx) const {
  auto ex = ctx->Shared<Execution>(this, [] { return std::make_shared<Execution>(); });
  std::lock_guard<std::mutex> lock(ex->mu);
  if (!ex->prepared) {
    ex->status = PrepareInput(ctx, ex.get());
    ex->prepared = true;
  }
  if (!ex->status.ok()) return ex->status;
  return ex;
}

Status DeduplicateOperator::PrepareInput(ExecContext* ctx, Execution* ex) const {
  const StatefulOperatorStateInfo& info = state_info();
  if (info.batch.checkpoint == nullptr) return Status::Internal("Deduplicate planned without a state checkpoint");
  // Nothing of the state is read before its schema is known to fit.
  SLUICE_RETURN_NOT_OK(info.batch.checkpoint->EnsureSchema(info.operator_id, state_schema()));
  const std::optional<int64_t>& late_wm = info.batch.watermark_for_late_events_ms;
  const PhysicalOperator& input = *children()[0];
  const auto nparts = static_cast<size_t>(num_partitions_);
  // Per input partition, per state partition: the rows, in order.
  std::vector<std::vector<std::vector<Batch>>> split(static_cast<size_t>(input.num_partitions()));
  std::atomic<int64_t> dropped{0};
  SLUICE_RETURN_NOT_OK(ForEachBatch(input, ctx, [&](int p, Batch b) -> Status {
    if (b.num_rows == 0) return Status::OK();
    if (input_time_ && late_wm) {
      const Vector& times = b.columns[static_cast<size_t>(spec_.event_time_column)];
      SelectionVector keep;
      for (size_t i = 0; i < b.num_rows; ++i) {
        if (!input_time_->AtOrBehind(times, i, *late_wm)) keep.push_back(static_cast<uint32_t>(i));
      }
      if (keep.size() != b.num_rows) {
        dropped.fetch_add(static_cast<int64_t>(b.num_rows - keep.size()));
        b = b.Gather(keep);
        if (b.num_rows == 0) return Status::OK();
      }
    }
    auto& mine = split[static_cast<size_t>(p)];
    if (mine.empty()) mine.resize(nparts);
    if (nparts == 1) {
      mine[0].push_back(std::move(b));
      return Status::OK();
    }
    std::vector<SelectionVector> sel = SplitByStatePartition(b, spec_.key_columns, num_partitions_);
    for (size_t q = 0; q < nparts; ++q) {
      if (!sel[q].empty()) mine[q].push_back(b.Gather(sel[q]));
    }
    return Status::OK();
  }));
  ex->parts.assign(nparts, {});
  for (auto& per_input : split) {
    for (size_t q = 0; q < per_input.size(); ++q) {
      for (auto& b : per_input[q]) ex->parts[q].push_back(std::move(b));
    }
  }
  ex->dropped = dropped.load();
  for (size_t q = 0; q < nparts; ++q) ex->partitions.push_back(std::make_unique<Execution::Partition>());
  return Status::OK();
}

Status DeduplicateOperator::RunPartition(Execution* ex, int partition) const {
  Execution::Partition& part = *ex->partitions[static_cast<size_t>(partition)];
  std::lock_guard<std::mutex> lock(part.mu);
  if (!part.done) {
    part.status = UpdatePartition(ex, partition);
    part.done = true;
  }
  return part.status;
}

Status DeduplicateOperator::UpdatePartition(Execution* ex, int partition) const {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<Batch>& input = ex->parts[static_cast<size_t>(partition)];
  const size_t nkeys = spec_.key_columns.size();
  std::vector<Batch> out;
  std::string kbuf, vbuf;

  const StatefulOperatorStateInfo& info = state_info();
  const int64_t version = info.batch.batch_id;
  SLUICE_ASSIGN_OR_RETURN(auto* provider, info.batch.checkpoint->Provider(info.operator_id, partition));
  auto loaded = provider->Load(version);
  if (!loaded.ok()) {
    return loaded.status().WithContext("loading state version " + std::to_string(version) + " of " + provider->dir());
  }
  std::unique_ptr<StateStore> store = std::move(loaded).value();

  int64_t updated = 0;
  for (const Batch& b : input) {
    Batch kb = KeyBatch(b, spec_.key_columns);
    Batch expiry;
    if (spec_.within_watermark) {
      // expiresAt = event time + delay; a NULL event time never expires.
      Vector v(DataType::Timestamp(), b.num_rows);
      const Vector& times = b.columns[static_cast<size_t>(spec_.event_time_column)];
      for (size_t i = 0; i < b.num_rows; ++i) {
        auto t = input_time_ ? input_time_->Micros(times, i) : std::nullopt;
        if (t) {
          v.data<int64_t>()[i] = *t + spec_.delay_ms * 1000;
        } else {
          SetRowNull(v, i);
        }
      }
      expiry = Batch({std::move(v)}, b.num_rows);
    }
    SelectionVector keep;
    for (size_t i = 0; i < b.num_rows; ++i) {
      kbuf.clear();
      EncodeStateRow(kb, 0, nkeys, i, &kbuf);
      if (store->Get(kbuf) != nullptr) continue;
      vbuf.clear();
      if (spec_.within_watermark) EncodeStateRow(expiry, 0, 1, i, &vbuf);
      store->Put(kbuf, vbuf);
      keep.push_back(static_cast<uint32_t>(i));
      ++updated;
    }
    if (!keep.empty()) out.push_back(keep.size() == b.num_rows ? b : b.Gather(keep));
  }

  // Eviction by the batch's watermark.
  int64_t removed = 0;
  const std::optional<int64_t>& evict_wm = info.batch.watermark_for_eviction_ms;
  if (evict_wm && (spec_.within_watermark || key_time_) && store->NumKeys() > 0) {
    std::vector<std::string> stored;
    StateRowDecoder dec(spec_.within_watermark ? std::vector<DataType>{DataType::Timestamp()} : key_types_);
    Status st;
    store->ForEach([&](std::string_view k, std::string_view v) {
      if (!st.ok()) return;
      stored.emplace_back(k);
      st = dec.Add(spec_.within_watermark ? v : k);
    });
    if (!st.ok()) return st.WithContext("reading state of " + provider->dir());
    std::vector<Vector> cols = dec.Finish();
    for (size_t i = 0; i < stored.size(); ++i) {
      bool evict = spec_.within_watermark
                       ? (!cols[0].IsNull(i) && cols[0].data<int64_t>()[i] <= *evict_wm * 1000)
                       : key_time_->AtOrBehind(cols[static_cast<size_t>(spec_.key_event_time)], i, *evict_wm);
      if (evict) {
        store->Remove(stored[i]);
        ++removed;
      }
    }
  }
  const auto num_keys = static_cast<int64_t>(store->NumKeys());
  const auto memory = static_cast<int64_t>(store->MemoryUsedBytes());
  SLUICE_ASSIGN_OR_RETURN(int64_t committed, store->Commit());
  (void)committed;
  ex->partitions[static_cast<size_t>(partition)]->rows = std::move(out);  // the caller holds its lock

  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::lock_guard<std::mutex> l(ex->metrics_mu);
  ex->metrics.num_rows_total += num_keys;
  ex->metrics.num_rows_updated += updated;
  ex->metrics.num_rows_removed += removed;
  ex->metrics.memory_used_bytes += memory;
  ex->metrics.commit_time_ms += ms;
  return Status::OK();
}

Result<std::unique_ptr<BatchStream>> DeduplicateOperator::Open(int partition, ExecContext* ctx) const {
  if (partition < 0 || partition >= num_partitions_) {
    return Status::Internal(name() + " has " + std::to_string(num_partitions_) + " partitions, not " +
                            std::to_string(partition));
  }
  SLUICE_ASSIGN_OR_RETURN(auto ex, Prepare(ctx));
  SLUICE_RETURN_NOT_OK(RunPartition(ex.get(), partition));
  Execution::Partition& part = *ex->partitions[static_cast<size_t>(partition)];
  std::lock_guard<std::mutex> lock(part.mu);
  return std::unique_ptr<BatchStream>(std::make_unique<VectorBatchStream>(std::move(part.rows)));
}

Result<StateOperatorMetrics> DeduplicateOperator::Finish(ExecContext* ctx) const {
  SLUICE_ASSIGN_OR_RETURN(auto ex, Prepare(ctx));
  for (int p = 0; p < num_partitions_; ++p) SLUICE_RETURN_NOT_OK(RunPartition(ex.get(), p));
  std::lock_guard<std::mutex> l(ex->metrics_mu);
  StateOperatorMetrics m = ex->metrics;
  m.operator_id = operator_id();
  m.operator_name = spec_.within_watermark ? "dedupeWithinWatermark" : "dedupe";
  m.num_rows_dropped_by_watermark = ex->dropped;
  m.num_shuffle_partitions = num_partitions_;
  return m;
}

}  // namespace sluice
