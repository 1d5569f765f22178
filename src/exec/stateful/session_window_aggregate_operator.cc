#include "exec/stateful/session_window_aggregate_operator.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <numeric>

#include "exec/operators/aggregate_hash_table.h"
#include "exec/stateful/state_row_codec.h"
#include "exec/stateful/stateful_aggregate_operator.h"

namespace sluice {

struct SessionWindowAggregateOperator::Execution {
  std::mutex mu;
  bool prepared = false;  // GUARDED_BY(mu)
  Status status;          // GUARDED_BY(mu)

  // Written once by PrepareInput, read-only afterwards.
  std::vector<Batch> parts;  // per state partition: the batch's rows of the keys hashing to it
  int64_t late_rows = 0;

  struct Partition {
    std::mutex mu;
    bool done = false;        // GUARDED_BY(mu)
    Status status;            // GUARDED_BY(mu)
    std::vector<Batch> rows;  // GUARDED_BY(mu)
  };
  std::vector<std::unique_ptr<Partition>> partitions;

  std::mutex metrics_mu;
  StateOperatorMetrics metrics;  // GUARDED_BY(metrics_mu)
};

SessionWindowAggregateOperator::SessionWindowAggregateOperator(PhysicalOperatorPtr child, size_t num_keys,
                                                               size_t session_key, std::vector<AggregateCall> calls,
                                                               Schema output, StatefulOperatorStateInfo info,
                                                               StateSchema schema)
    : StatefulOperator(std::move(output), {std::move(child)}, info, std::move(schema)),
      num_keys_(num_keys),
      session_key_(session_key),
      calls_(std::move(calls)),
      num_partitions_(num_keys <= 1 ? 1 : std::max(1, info.batch.num_partitions)) {
  const Schema& in = children()[0]->output_schema();
  for (size_t k = 0; k < num_keys_; ++k) {
    key_types_.push_back(in.field(k).type);
    if (k != session_key_) other_keys_.push_back(static_cast<int>(k));
  }
  for (const auto& c : calls_) {
    for (auto& t : AggregateStateTypes(c)) state_types_.push_back(std::move(t));
  }
}

StateSchema SessionWindowAggregateOperator::MakeStateSchema(const std::vector<StructField>& keys,
                                                            const std::vector<AggregateCall>& calls,
                                                            const std::vector<std::string>& value_names,
                                                            const std::vector<std::string>& value_sql) {
  StateSchema s = StatefulAggregateOperator::MakeStateSchema(keys, calls, value_names, value_sql);
  s.operator_name = kStateSchemaName;
  return s;
}

std::string SessionWindowAggregateOperator::details() const {
  std::string s = "keys=[";
  for (size_t i = 0; i < num_keys_; ++i) s += (i ? ", #" : "#") + std::to_string(i);
  s += "], session=#" + std::to_string(session_key_) + ", aggs=[";
  for (size_t i = 0; i < calls_.size(); ++i) {
    const auto& a = calls_[i];
    s += (i ? ", " : "") + a.name + "(" +
         (a.input_column < 0 ? std::string("*") : "#" + std::to_string(a.input_column)) + ")";
  }
  const auto& info = state_info();
  return s + "], operator=" + std::to_string(info.operator_id) + ", stateVersion=" +
         std::to_string(info.batch.batch_id) + ", partitions=" + std::to_string(num_partitions_) +
         ", mode=" + StatefulOutputModeName(info.batch.output_mode);
}

Result<std::shared_ptr<SessionWindowAggregateOperator::Execution>> SessionWindowAggregateOperator::Prepare(
    ExecContext* ctx) const {
  auto ex = ctx->Shared<Execution>(this, [] { return std::make_shared<Execution>(); });
  std::lock_guard<std::mutex> lock(ex->mu);
  if (!ex->prepared) {
    ex->status = PrepareInput(ctx, ex.get());
    ex->prepared = true;
  }
  if (!ex->status.ok()) return ex->status;
  return ex;
}

Status SessionWindowAggregateOperator::PrepareInput(ExecContext* ctx, Execution* ex) const {
  const StatefulOperatorStateInfo& info = state_info();
  if (info.batch.checkpoint == nullptr) {
    return Status::Internal("SessionWindowAggregate planned without a state checkpoint");
  }
  if (info.batch.output_mode == StatefulOutputMode::kUpdate) {
    // Spark (SPARK-36463): a session's range changes, so its rows cannot be
    // upserted by key.
    return Status::AnalysisError(
        "Update output mode not supported for session window on streaming DataFrames/DataSets");
  }
  SLUICE_RETURN_NOT_OK(info.batch.checkpoint->EnsureSchema(info.operator_id, state_schema()));

  SLUICE_ASSIGN_OR_RETURN(auto batches, CollectAll(*children()[0], ctx));
  Batch all = batches.empty() ? Batch::Empty(children()[0]->output_schema()) : Batch::Concat(batches);
  batches.clear();

  // Late rows: the event's own session ends at or before the watermark of
  // the previous batch (Spark: session_window.end <= watermark).
  if (info.batch.watermark_for_late_events_ms && all.num_rows > 0) {
    const int64_t wm = *info.batch.watermark_for_late_events_ms * 1000;
    const int64_t* end = all.columns[session_key_].child(1).data<int64_t>();
    SelectionVector keep;
    for (size_t i = 0; i < all.num_rows; ++i) {
      if (end[i] > wm) keep.push_back(static_cast<uint32_t>(i));
    }
    ex->late_rows = static_cast<int64_t>(all.num_rows - keep.size());
    if (keep.size() != all.num_rows) all = all.Gather(keep);
  }

  std::vector<SelectionVector> sel = SplitByStatePartition(all, other_keys_, num_partitions_);
  for (int p = 0; p < num_partitions_; ++p) {
    ex->parts.push_back(all.Gather(sel[static_cast<size_t>(p)]));
    ex->partitions.push_back(std::make_unique<Execution::Partition>());
  }
  return Status::OK();
}

Status SessionWindowAggregateOperator::RunPartition(Execution* ex, int partition) const {
  Execution::Partition& part = *ex->partitions[static_cast<size_t>(partition)];
  std::lock_guard<std::mutex> lock(part.mu);
  if (!part.done) {
    part.status = UpdatePartition(ex, partition);
    part.done = true;
  }
  return part.status;
}

namespace {

// One session before merging: a stored one (source 0, a row of the decoded
// state) or a new event's (source 1, a row of the batch).
struct SessionItem {
  uint32_t group;
  int64_t start;
  int64_t end;
  uint8_t source;
  uint32_t row;
};

// One session after merging.
struct MergedSession {
  int64_t start = 0;
  int64_t end = 0;
  uint8_t rep_source = 0;  // a row holding the session's other key values
  uint32_t rep_row = 0;
  bool changed = false;  // new events, or stored sessions merged together
  std::vector<uint32_t> stored_rows;
};

}  // namespace

Status SessionWindowAggregateOperator::UpdatePartition(Execution* ex, int partition) const {
  const auto t0 = std::chrono::steady_clock::now();
  const StatefulOperatorStateInfo& info = state_info();
  const int64_t version = info.batch.batch_id;
  const bool append = info.batch.output_mode == StatefulOutputMode::kAppend;
  const bool complete = info.batch.output_mode == StatefulOutputMode::kComplete;
  const Batch& fresh = ex->parts[static_cast<size_t>(partition)];

  SLUICE_ASSIGN_OR_RETURN(auto* provider, info.batch.checkpoint->Provider(info.operator_id, partition));
  auto loaded = provider->Load(version);
  if (!loaded.ok()) {
    return loaded.status().WithContext("loading state version " + std::to_string(version) + " of " + provider->dir());
  }
  std::unique_ptr<StateStore> store = std::move(loaded).value();

  // The stored sessions: keys then states, with their encoded keys.
  std::vector<DataType> stored_types = key_types_;
  stored_types.insert(stored_types.end(), state_types_.begin(), state_types_.end());
  StateRowDecoder dec(stored_types);
  std::vector<std::string> stored_keys;
  std::string row;
  Status st;
  store->ForEach([&](std::string_view k, std::string_view v) {
    if (!st.ok()) return;
    row.assign(k);
    row.append(v);
    st = dec.Add(row);
    stored_keys.emplace_back(k);
  });
  if (!st.ok()) return st.WithContext("reading state of " + provider->dir());
  const size_t ns = dec.rows();
  Batch stored(dec.Finish(), ns);

  // Group ids over the other keys, shared by stored and new rows.
  std::vector<uint32_t> gid_stored(ns, 0), gid_fresh(fresh.num_rows, 0);
  if (!other_keys_.empty()) {
    std::vector<DataType> types;
    for (int k : other_keys_) types.push_back(key_types_[static_cast<size_t>(k)]);
    std::vector<int> cols(other_keys_.size());
    std::iota(cols.begin(), cols.end(), 0);
    AggregateHashTable groups(types, cols, {});
    auto find = [&](const Batch& b, std::vector<uint32_t>* out) {
      if (b.num_rows == 0) return;
      std::vector<const Vector*> keys;
      for (int k : other_keys_) keys.push_back(&b.columns[static_cast<size_t>(k)]);
      groups.FindOrInsert(keys, b.num_rows, out->data(), nullptr);
    };
    find(stored, &gid_stored);
    find(fresh, &gid_fresh);
  }

  // Sessions by group and start, merged while the next starts at or before
  // the current end.
  std::vector<SessionItem> items;
  items.reserve(ns + fresh.num_rows);
  auto add_items = [&](const Batch& b, const std::vector<uint32_t>& gids, uint8_t source) {
    if (b.num_rows == 0) return;
    const Vector& s = b.columns[session_key_];
    const int64_t* starts = s.child(0).data<int64_t>();
    const int64_t* ends = s.child(1).data<int64_t>();
    for (size_t i = 0; i < b.num_rows; ++i) {
      items.push_back({gids[i], starts[i], ends[i], source, static_cast<uint32_t>(i)});
    }
  };
  add_items(stored, gid_stored, 0);
  add_items(fresh, gid_fresh, 1);
  std::sort(items.begin(), items.end(), [](const SessionItem& a, const SessionItem& b) {
    if (a.group != b.group) return a.group < b.group;
    if (a.start != b.start) return a.start < b.start;
    return a.source < b.source;
  });
  std::vector<MergedSession> merged;
  // Per stored row and per new row: the merged session it belongs to.
  std::vector<int64_t> id_stored(ns), id_fresh(fresh.num_rows);
  for (size_t i = 0; i < items.size();) {
    MergedSession m;
    m.start = items[i].start;
    m.end = items[i].end;
    m.rep_source = items[i].source;
    m.rep_row = items[i].row;
    size_t j = i;
    while (j < items.size() && items[j].group == items[i].group && (j == i || items[j].start <= m.end)) {
      const SessionItem& it = items[j];
      m.end = std::max(m.end, it.end);
      auto id = static_cast<int64_t>(merged.size());
      if (it.source == 0) {
        m.stored_rows.push_back(it.row);
        id_stored[it.row] = id;
      } else {
        m.changed = true;
        id_fresh[it.row] = id;
      }
      ++j;
    }
    if (m.stored_rows.size() > 1) m.changed = true;
    merged.push_back(std::move(m));
    i = j;
  }

  // Which merged sessions leave the state (behind the eviction watermark).
  const auto& evict_ms = info.batch.watermark_for_eviction_ms;
  std::vector<uint8_t> evicted(merged.size(), 0), involved(merged.size(), 0);
  for (size_t m = 0; m < merged.size(); ++m) {
    // Complete mode keeps every session (it emits them all, every batch).
    evicted[m] = !complete && evict_ms && merged[m].end <= *evict_ms * 1000;
    // Aggregated when written back, emitted, or both.
    involved[m] = complete || merged[m].changed || (evicted[m] && append);
  }

  // Aggregates per involved session, keyed by its id.
  AggregateHashTable table({DataType::Bigint()}, {static_cast<int>(fresh.num_columns())}, calls_);
  {
    SelectionVector sel;
    for (size_t r = 0; r < ns; ++r) {
      if (involved[static_cast<size_t>(id_stored[r])]) sel.push_back(static_cast<uint32_t>(r));
    }
    if (!sel.empty()) {
      Batch picked = stored.Gather(sel);
      Vector ids_vec(DataType::Bigint(), sel.size());
      for (size_t i = 0; i < sel.size(); ++i) ids_vec.data<int64_t>()[i] = id_stored[sel[i]];
      std::vector<Vector> cols{ids_vec};
      for (size_t c = num_keys_; c < picked.num_columns(); ++c) cols.push_back(picked.columns[c]);
      SLUICE_RETURN_NOT_OK(table.MergeState(Batch(std::move(cols), sel.size())));
    }
  }
  if (fresh.num_rows > 0) {
    Batch with_id = fresh;
    Vector ids_vec(DataType::Bigint(), fresh.num_rows);
    std::copy(id_fresh.begin(), id_fresh.end(), ids_vec.data<int64_t>());
    with_id.columns.push_back(std::move(ids_vec));
    SLUICE_RETURN_NOT_OK(table.Update(with_id));
  }
  Batch exported = table.ExportState();
  SLUICE_ASSIGN_OR_RETURN(Batch fin, table.Finalize());
  std::vector<int64_t> group_of(merged.size(), -1);
  for (size_t g = 0; g < exported.num_rows; ++g) {
    group_of[static_cast<size_t>(exported.columns[0].data<int64_t>()[g])] = static_cast<int64_t>(g);
  }

  // The involved sessions' key columns (the session column merged).
  std::vector<uint32_t> out_ids;
  for (size_t m = 0; m < merged.size(); ++m) {
    if (involved[m]) out_ids.push_back(static_cast<uint32_t>(m));
  }
  std::vector<Vector> key_cols;
  for (size_t k = 0; k < num_keys_; ++k) {
    if (k == session_key_) {
      Vector s(key_types_[k], out_ids.size());
      for (size_t i = 0; i < out_ids.size(); ++i) {
        s.child(0).data<int64_t>()[i] = merged[out_ids[i]].start;
        s.child(1).data<int64_t>()[i] = merged[out_ids[i]].end;
      }
      key_cols.push_back(std::move(s));
      continue;
    }
    Vector v(key_types_[k], 0);
    for (uint32_t m : out_ids) {
      const MergedSession& ms = merged[m];
      v.AppendFrom((ms.rep_source == 0 ? stored : fresh).columns[k], ms.rep_row);
    }
    key_cols.push_back(std::move(v));
  }
  Batch keys(std::move(key_cols), out_ids.size());

  // Write back and pick the rows to emit.
  int64_t updated = 0, removed = 0;
  std::string kbuf, vbuf;
  SelectionVector emit_keys, emit_groups;
  for (size_t m = 0; m < merged.size(); ++m) {
    const MergedSession& ms = merged[m];
    if (ms.changed) {
      for (uint32_t r : ms.stored_rows) store->Remove(stored_keys[r]);
    } else if (evicted[m]) {
      store->Remove(stored_keys[ms.stored_rows[0]]);
    }
    if (evicted[m]) ++removed;
  }
  for (size_t i = 0; i < out_ids.size(); ++i) {
    size_t m = out_ids[i];
    auto g = static_cast<uint32_t>(group_of[m]);
    if (merged[m].changed && !evicted[m]) {
      kbuf.clear();
      vbuf.clear();
      EncodeStateRow(keys, 0, num_keys_, i, &kbuf);
      EncodeStateRow(exported, 1, exported.num_columns() - 1, g, &vbuf);
      store->Put(kbuf, vbuf);
      ++updated;
    }
    bool emit = append ? evicted[m] != 0 : true;  // complete: every session
    if (emit) {
      emit_keys.push_back(static_cast<uint32_t>(i));
      emit_groups.push_back(g);
    }
  }
  const auto num_rows = static_cast<int64_t>(store->NumKeys());
  const auto memory = static_cast<int64_t>(store->MemoryUsedBytes());
  SLUICE_ASSIGN_OR_RETURN(int64_t committed, store->Commit());
  (void)committed;

  std::vector<Batch> rows;
  if (!emit_keys.empty()) {
    Batch k = keys.Gather(emit_keys);
    Batch a = fin.Gather(emit_groups);
    for (size_t c = 1; c < a.num_columns(); ++c) k.columns.push_back(std::move(a.columns[c]));
    rows.push_back(std::move(k));
  }
  ex->partitions[static_cast<size_t>(partition)]->rows = std::move(rows);  // the caller holds its lock

  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::lock_guard<std::mutex> l(ex->metrics_mu);
  ex->metrics.num_rows_total += num_rows;
  ex->metrics.num_rows_updated += updated;
  ex->metrics.num_rows_removed += removed;
  ex->metrics.memory_used_bytes += memory;
  ex->metrics.commit_time_ms += ms;
  return Status::OK();
}

Result<std::unique_ptr<BatchStream>> SessionWindowAggregateOperator::Open(int partition, ExecContext* ctx) const {
  if (partition < 0 || partition >= num_partitions_) {
    return Status::Internal("SessionWindowAggregate has " + std::to_string(num_partitions_) +
                            " partitions, not " + std::to_string(partition));
  }
  SLUICE_ASSIGN_OR_RETURN(auto ex, Prepare(ctx));
  SLUICE_RETURN_NOT_OK(RunPartition(ex.get(), partition));
  Execution::Partition& part = *ex->partitions[static_cast<size_t>(partition)];
  std::lock_guard<std::mutex> lock(part.mu);
  return std::unique_ptr<BatchStream>(std::make_unique<VectorBatchStream>(std::move(part.rows)));
}

Result<StateOperatorMetrics> SessionWindowAggregateOperator::Finish(ExecContext* ctx) const {
  SLUICE_ASSIGN_OR_RETURN(auto ex, Prepare(ctx));
  for (int p = 0; p < num_partitions_; ++p) SLUICE_RETURN_NOT_OK(RunPartition(ex.get(), p));
  std::lock_guard<std::mutex> l(ex->metrics_mu);
  StateOperatorMetrics m = ex->metrics;
  m.operator_id = operator_id();
  m.operator_name = "sessionWindowStateStoreSaveExec";
  m.num_rows_dropped_by_watermark = ex->late_rows;
  m.num_shuffle_partitions = num_partitions_;
  return m;
}

}  // namespace sluice
