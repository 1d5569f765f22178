#include "exec/stateful/stateful_aggregate_operator.h"

#include <chrono>
#include <mutex>

#include "exec/operators/aggregate_hash_table.h"
#include "exec/stateful/state_row_codec.h"

namespace sluice {

// One execution (one micro-batch): the batch's partial aggregation split by
// state partition, then each partition's state update and output.
struct StatefulAggregateOperator::Execution {
  std::mutex mu;
  bool prepared = false;  // GUARDED_BY(mu)
  Status status;          // GUARDED_BY(mu)

  // Written once by PrepareInput, read-only afterwards.
  std::vector<DataType> state_types;  // keys, then every aggregate's state columns
  std::vector<Batch> parts;           // per state partition: partial state rows of the keys hashing to it
  // Per DISTINCT aggregate, per state partition: the batch's distinct
  // (keys..., value) pairs, NULL values left out.
  std::vector<std::vector<Batch>> distinct_parts;
  bool any_input = false;

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

StatefulAggregateOperator::StatefulAggregateOperator(PhysicalOperatorPtr child, size_t num_keys,
                                                     std::vector<AggregateCall> calls, Schema output,
                                                     StatefulOperatorStateInfo info, StateSchema schema,
                                                     int event_time_key)
    : StatefulOperator(std::move(output), {std::move(child)}, info, std::move(schema)),
      num_keys_(num_keys),
      calls_(std::move(calls)),
      num_partitions_(num_keys == 0 ? 1 : std::max(1, info.batch.num_partitions)) {
  const Schema& in = children()[0]->output_schema();
  for (size_t k = 0; k < num_keys_; ++k) {
    key_types_.push_back(in.field(k).type);
    key_columns_.push_back(static_cast<int>(k));
  }
  for (size_t i = 0; i < calls_.size(); ++i) {
    AggregateCall plain = calls_[i];
    if (plain.distinct) {
      distinct_.push_back(i);
      plain.distinct = false;
    }
    plain_calls_.push_back(std::move(plain));
  }
  if (event_time_key >= 0 && static_cast<size_t>(event_time_key) < num_keys_) {
    auto et = EventTimeColumn::Make(key_types_[static_cast<size_t>(event_time_key)], "grouping key");
    if (et.ok()) {
      event_time_key_ = event_time_key;
      event_time_ = *et;
    }
  }
}

Status StatefulAggregateOperator::Validate(const std::vector<DataType>& key_types,
                                           const std::vector<AggregateCall>& calls) {
  for (size_t i = 0; i < key_types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(CheckStateType(key_types[i], "streaming aggregation key " + std::to_string(i + 1)));
  }
  for (const auto& c : calls) {
    AggregateCall plain = c;
    if (c.distinct) {
      switch (c.kind) {
        case AggregateKind::kCount:
        case AggregateKind::kSum:
        case AggregateKind::kAvg:
        case AggregateKind::kMin:
        case AggregateKind::kMax: break;
        default:
          return Status::AnalysisError("Distinct aggregations are not supported on streaming DataFrames/Datasets: " +
                                       c.name + "(DISTINCT ...)");
      }
      SLUICE_RETURN_NOT_OK(CheckStateType(c.input_type, "the argument of " + c.name + "(DISTINCT ...)"));
      plain.distinct = false;
    }
    for (const auto& t : AggregateStateTypes(plain)) {
      SLUICE_RETURN_NOT_OK(CheckStateType(t, "the state of " + c.name));
    }
  }
  return Status::OK();
}

StateSchema StatefulAggregateOperator::MakeStateSchema(const std::vector<StructField>& keys,
                                                       const std::vector<AggregateCall>& calls,
                                                       const std::vector<std::string>& value_names,
                                                       const std::vector<std::string>& value_sql) {
  StateSchema s;
  s.operator_name = "StatefulAggregate";
  for (const auto& k : keys) s.keys.push_back({k.name, k.type.ToString()});
  for (size_t i = 0; i < calls.size(); ++i) {
    const AggregateCall& c = calls[i];
    StateValueColumn v;
    v.name = value_names[i];
    v.function = c.name;
    v.sql = value_sql[i];
    if (c.kind != AggregateKind::kCountStar) v.argument_type = c.input_type.ToString();
    v.result_type = c.result_type.ToString();
    AggregateCall plain = c;
    plain.distinct = false;  // a DISTINCT aggregate's group state is its plain form's
    for (const auto& t : AggregateStateTypes(plain)) v.state_types.push_back(t.ToString());
    v.ignore_nulls = c.ignore_nulls;
    s.values.push_back(std::move(v));
  }
  return s;
}

std::string StatefulAggregateOperator::details() const {
  std::string s = "keys=[";
  for (size_t i = 0; i < num_keys_; ++i) s += (i ? ", #" : "#") + std::to_string(i);
  s += "], aggs=[";
  for (size_t i = 0; i < calls_.size(); ++i) {
    const auto& a = calls_[i];
    s += (i ? ", " : "") + a.name + "(" +
         (a.input_column < 0 ? std::string("*") : "#" + std::to_string(a.input_column)) + ")";
  }
  const auto& info = state_info();
  return s + "], operator=" + std::to_string(info.operator_id) + ", stateVersion=" +
         std::to_string(info.batch.batch_id) + ", partitions=" + std::to_string(num_partitions_) +
         ", mode=" + StatefulOutputModeName(info.batch.output_mode) +
         (event_time_key_ >= 0 ? ", eventTimeKey=#" + std::to_string(event_time_key_) : "");
}

Result<std::shared_ptr<StatefulAggregateOperator::Execution>> StatefulAggregateOperator::Prepare(
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

Status StatefulAggregateOperator::PrepareInput(ExecContext* ctx, Execution* ex) const {
  const StatefulOperatorStateInfo& info = state_info();
  if (info.batch.checkpoint == nullptr) return Status::Internal("StatefulAggregate planned without a state checkpoint");
  // Nothing of the state is read before its schema is known to fit.
  SLUICE_RETURN_NOT_OK(info.batch.checkpoint->EnsureSchema(info.operator_id, state_schema()));

  // Partial aggregation of the batch: one table per input partition, fed as
  // the partition produces rows, then merged (in partition order).
  const PhysicalOperator& input = *children()[0];
  const auto nparts = static_cast<size_t>(input.num_partitions());
  std::vector<std::unique_ptr<AggregateHashTable>> per_partition(nparts);
  // DISTINCT aggregates: the (keys..., value) pairs of each input partition.
  std::vector<std::vector<std::unique_ptr<AggregateHashTable>>> pairs(distinct_.size());
  for (auto& v : pairs) v.resize(nparts);
  auto pair_table = [&](size_t d) {
    std::vector<DataType> types = key_types_;
    std::vector<int> cols = key_columns_;
    types.push_back(calls_[distinct_[d]].input_type);
    cols.push_back(calls_[distinct_[d]].input_column);
    return std::make_unique<AggregateHashTable>(std::move(types), std::move(cols), std::vector<AggregateCall>{});
  };
  SLUICE_RETURN_NOT_OK(ForEachBatch(input, ctx, [&](int p, Batch b) -> Status {
    if (b.num_rows == 0) return Status::OK();
    const auto pp = static_cast<size_t>(p);
    for (size_t d = 0; d < distinct_.size(); ++d) {
      auto& pt = pairs[d][pp];
      if (!pt) pt = pair_table(d);
      SLUICE_RETURN_NOT_OK(pt->Update(b));
    }
    // The group state folds a DISTINCT aggregate's new values only (in
    // UpdatePartition): here its argument counts as NULL, which creates the
    // group and leaves the aggregate's state empty.
    for (size_t d : distinct_) {
      auto c = static_cast<size_t>(calls_[d].input_column);
      Vector nulls(b.columns[c].type(), b.num_rows);
      for (size_t i = 0; i < b.num_rows; ++i) nulls.SetNull(i);
      b.columns[c] = std::move(nulls);
    }
    auto& t = per_partition[pp];
    if (!t) t = std::make_unique<AggregateHashTable>(key_types_, key_columns_, plain_calls_);
    return t->Update(b);
  }));
  ex->distinct_parts.resize(distinct_.size());
  for (size_t d = 0; d < distinct_.size(); ++d) {
    std::unique_ptr<AggregateHashTable> all;
    for (auto& t : pairs[d]) {
      if (!t) continue;
      if (!all) {
        all = std::move(t);
      } else {
        SLUICE_RETURN_NOT_OK(all->Merge(*t));
      }
    }
    if (!all) all = pair_table(d);
    Batch found = all->ExportState();
    SelectionVector non_null;
    const Vector& values = found.columns[num_keys_];
    for (size_t i = 0; i < found.num_rows; ++i) {
      if (!values.IsNull(i)) non_null.push_back(static_cast<uint32_t>(i));
    }
    if (non_null.size() != found.num_rows) found = found.Gather(non_null);
    for (auto& sel : SplitByStatePartition(found, key_columns_, num_partitions_)) {
      ex->distinct_parts[d].push_back(found.Gather(sel));
    }
  }
  // The first partition's table takes in the others (no copy of it).
  std::unique_ptr<AggregateHashTable> merged;
  for (auto& t : per_partition) {
    if (!t) continue;
    if (!merged) {
      merged = std::move(t);
    } else {
      SLUICE_RETURN_NOT_OK(merged->Merge(*t));
    }
  }
  ex->any_input = merged != nullptr;
  if (!merged) merged = std::make_unique<AggregateHashTable>(key_types_, key_columns_, plain_calls_);
  Batch partial = merged->ExportState();
  if (num_keys_ == 0 && !ex->any_input) partial = partial.Slice(0, 0);  // nothing touched
  const Schema state_schema = merged->StateSchema();
  for (const auto& f : state_schema.fields()) ex->state_types.push_back(f.type);
  merged.reset();

  // Split by key hash.
  std::vector<SelectionVector> sel = SplitByStatePartition(partial, key_columns_, num_partitions_);
  for (int p = 0; p < num_partitions_; ++p) {
    ex->parts.push_back(partial.Gather(sel[static_cast<size_t>(p)]));
    ex->partitions.push_back(std::make_unique<Execution::Partition>());
  }
  return Status::OK();
}

Status StatefulAggregateOperator::RunPartition(Execution* ex, int partition) const {
  Execution::Partition& part = *ex->partitions[static_cast<size_t>(partition)];
  std::lock_guard<std::mutex> lock(part.mu);
  if (!part.done) {
    part.status = UpdatePartition(ex, partition);
    part.done = true;
  }
  return part.status;
}

Status StatefulAggregateOperator::UpdatePartition(Execution* ex, int partition) const {
  const auto t0 = std::chrono::steady_clock::now();
  const StatefulOperatorStateInfo& info = state_info();
  const int64_t version = info.batch.batch_id;
  const bool complete = info.batch.output_mode == StatefulOutputMode::kComplete;
  const size_t nkeys = num_keys_;
  const size_t nvals = ex->state_types.size() - nkeys;
  const bool append = info.batch.output_mode == StatefulOutputMode::kAppend;
  const std::optional<int64_t>& late_wm = info.batch.watermark_for_late_events_ms;
  const std::optional<int64_t>& evict_wm = info.batch.watermark_for_eviction_ms;
  // Groups of the batch behind the late-events watermark never reach the state.
  int64_t dropped = 0;
  Batch on_time;
  if (event_time_ && late_wm && !complete) {
    const Batch& all = ex->parts[static_cast<size_t>(partition)];
    const Vector& times = all.columns[static_cast<size_t>(event_time_key_)];
    SelectionVector keep;
    for (size_t i = 0; i < all.num_rows; ++i) {
      if (event_time_->AtOrBehind(times, i, *late_wm)) {
        ++dropped;
      } else {
        keep.push_back(static_cast<uint32_t>(i));
      }
    }
    if (dropped > 0) on_time = all.Gather(keep);
  }
  const Batch& part = dropped > 0 ? on_time : ex->parts[static_cast<size_t>(partition)];
  // The DISTINCT pairs of late groups go too.
  std::vector<Batch> distinct_pairs;
  for (size_t d = 0; d < distinct_.size(); ++d) {
    Batch pairs = ex->distinct_parts[d][static_cast<size_t>(partition)];
    if (dropped > 0) {
      const Vector& times = pairs.columns[static_cast<size_t>(event_time_key_)];
      SelectionVector keep;
      for (size_t i = 0; i < pairs.num_rows; ++i) {
        if (!event_time_->AtOrBehind(times, i, *late_wm)) keep.push_back(static_cast<uint32_t>(i));
      }
      pairs = pairs.Gather(keep);
    }
    distinct_pairs.push_back(std::move(pairs));
  }

  // With DISTINCT aggregates, the partition holds several stores, so each
  // is named (a state directory holds one store's files, or named stores).
  SLUICE_ASSIGN_OR_RETURN(auto* provider, info.batch.checkpoint->Provider(info.operator_id, partition,
                                                                          distinct_.empty() ? "" : "groups"));
  auto loaded = provider->Load(version);
  if (!loaded.ok()) {
    return loaded.status().WithContext("loading state version " + std::to_string(version) + " of " + provider->dir());
  }
  std::unique_ptr<StateStore> store = std::move(loaded).value();

  AggregateHashTable table(key_types_, key_columns_, plain_calls_);
  StateRowDecoder dec(ex->state_types);
  std::string row, kbuf, vbuf;
  auto add_stored_to = [&](StateRowDecoder& d, std::string_view k, std::string_view v) -> Status {
    row.assign(k);
    row.append(v);
    return d.Add(row);
  };
  auto add_stored = [&](std::string_view k, std::string_view v) -> Status { return add_stored_to(dec, k, v); };
  Status st;
  if (complete) {
    store->ForEach([&](std::string_view k, std::string_view v) {
      if (st.ok()) st = add_stored(k, v);
    });
  } else {
    for (size_t i = 0; i < part.num_rows; ++i) {
      kbuf.clear();
      EncodeStateRow(part, 0, nkeys, i, &kbuf);
      if (const std::string* v = store->Get(kbuf)) st = add_stored(kbuf, *v);
      if (!st.ok()) break;
    }
  }
  if (!st.ok()) return st.WithContext("reading state of " + provider->dir());
  if (dec.rows() > 0) {
    size_t n = dec.rows();
    SLUICE_RETURN_NOT_OK(table.MergeState(Batch(dec.Finish(), n)));
  }
  // Groups touched by this batch.
  std::vector<uint32_t> touched(part.num_rows);
  if (nkeys > 0 && part.num_rows > 0) {
    std::vector<const Vector*> keys;
    for (size_t k = 0; k < nkeys; ++k) keys.push_back(&part.columns[k]);
    table.FindOrInsert(keys, part.num_rows, touched.data(), nullptr);
  }
  if (part.num_rows > 0) SLUICE_RETURN_NOT_OK(table.MergeState(part));
  std::vector<std::unique_ptr<StateStore>> distinct_stores(distinct_.size());
  for (size_t d = 0; d < distinct_.size(); ++d) {
    SLUICE_RETURN_NOT_OK(UpdateDistinct(partition, d, distinct_pairs[d], &table, &distinct_stores[d]));
  }
  Batch exported = table.ExportState();
  for (size_t i = 0; i < part.num_rows; ++i) {
    size_t g = touched[i];
    kbuf.clear();
    vbuf.clear();
    EncodeStateRow(exported, 0, nkeys, g, &kbuf);
    EncodeStateRow(exported, nkeys, nvals, g, &vbuf);
    store->Put(kbuf, vbuf);
  }
  SLUICE_ASSIGN_OR_RETURN(auto fin, table.Finalize());
  std::vector<Batch> rows;
  if (complete) {
    if (nkeys > 0 || ex->any_input || store->NumKeys() > 0) rows.push_back(std::move(fin));
  } else if (part.num_rows > 0 && !(append && event_time_)) {
    SelectionVector sel(touched.begin(), touched.end());
    rows.push_back(fin.Gather(sel));
  }
  // Eviction: the stored groups at or behind the eviction watermark leave
  // the state (append mode: emitted now, their only output).
  int64_t removed = 0;
  if (event_time_ && evict_wm && !complete && store->NumKeys() > 0) {
    std::vector<std::string> stored;
    StateRowDecoder key_dec(key_types_);
    store->ForEach([&](std::string_view k, std::string_view) {
      if (!st.ok()) return;
      stored.emplace_back(k);
      st = key_dec.Add(k);
    });
    if (!st.ok()) return st.WithContext("reading state keys of " + provider->dir());
    std::vector<Vector> key_cols = key_dec.Finish();
    const Vector& times = key_cols[static_cast<size_t>(event_time_key_)];
    StateRowDecoder evicted(ex->state_types);
    std::vector<std::string_view> to_remove;
    for (size_t i = 0; i < stored.size(); ++i) {
      if (!event_time_->AtOrBehind(times, i, *evict_wm)) continue;
      to_remove.push_back(stored[i]);
      if (append) {
        const std::string* v = store->Get(stored[i]);
        if (v == nullptr) return Status::Internal("state key vanished during eviction in " + provider->dir());
        SLUICE_RETURN_NOT_OK(add_stored_to(evicted, stored[i], *v));
      }
    }
    if (append && evicted.rows() > 0) {
      AggregateHashTable out(key_types_, key_columns_, plain_calls_);
      size_t n = evicted.rows();
      SLUICE_RETURN_NOT_OK(out.MergeState(Batch(evicted.Finish(), n)));
      SLUICE_ASSIGN_OR_RETURN(auto emitted, out.Finalize());
      rows.push_back(std::move(emitted));
    }
    for (std::string_view k : to_remove) store->Remove(k);
    removed = static_cast<int64_t>(to_remove.size());
  }
  // The values of evicted groups leave the DISTINCT stores (same key time).
  for (size_t d = 0; d < distinct_.size(); ++d) {
    StateStore& ds = *distinct_stores[d];
    if (!(event_time_ && evict_wm && !complete && ds.NumKeys() > 0)) continue;
    std::vector<DataType> types = key_types_;
    types.push_back(calls_[distinct_[d]].input_type);
    std::vector<std::string> stored;
    StateRowDecoder pair_dec(types);
    ds.ForEach([&](std::string_view k, std::string_view) {
      if (!st.ok()) return;
      stored.emplace_back(k);
      st = pair_dec.Add(k);
    });
    if (!st.ok()) return st.WithContext("reading the distinct values of " + provider->dir());
    std::vector<Vector> cols = pair_dec.Finish();
    const Vector& times = cols[static_cast<size_t>(event_time_key_)];
    for (size_t i = 0; i < stored.size(); ++i) {
      if (event_time_->AtOrBehind(times, i, *evict_wm)) ds.Remove(stored[i]);
    }
  }
  auto num_keys = static_cast<int64_t>(store->NumKeys());
  auto memory = static_cast<int64_t>(store->MemoryUsedBytes());
  SLUICE_ASSIGN_OR_RETURN(int64_t committed, store->Commit());
  (void)committed;
  for (auto& ds : distinct_stores) {
    num_keys += static_cast<int64_t>(ds->NumKeys());
    memory += static_cast<int64_t>(ds->MemoryUsedBytes());
    SLUICE_ASSIGN_OR_RETURN(int64_t c, ds->Commit());
    (void)c;
  }
  ex->partitions[static_cast<size_t>(partition)]->rows = std::move(rows);  // the caller holds its lock

  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::lock_guard<std::mutex> l(ex->metrics_mu);
  ex->metrics.num_rows_total += num_keys;
  ex->metrics.num_rows_updated += static_cast<int64_t>(part.num_rows);
  ex->metrics.num_rows_removed += removed;
  ex->metrics.num_rows_dropped_by_watermark += dropped;
  ex->metrics.memory_used_bytes += memory;
  ex->metrics.commit_time_ms += ms;
  return Status::OK();
}

Status StatefulAggregateOperator::UpdateDistinct(int partition, size_t d, const Batch& pairs,
                                                 AggregateHashTable* table, std::unique_ptr<StateStore>* store) const {
  const StatefulOperatorStateInfo& info = state_info();
  const size_t call = distinct_[d];
  const std::string name = "distinct" + std::to_string(call);
  SLUICE_ASSIGN_OR_RETURN(auto* provider, info.batch.checkpoint->Provider(info.operator_id, partition, name));
  auto loaded = provider->Load(info.batch.batch_id);
  if (!loaded.ok()) {
    return loaded.status().WithContext("loading state version " + std::to_string(info.batch.batch_id) + " of " +
                                       provider->dir());
  }
  *store = std::move(loaded).value();
  // The pairs are distinct already: a pair is new if its store lacks it.
  SelectionVector fresh;
  std::string key;
  for (size_t i = 0; i < pairs.num_rows; ++i) {
    key.clear();
    EncodeStateRow(pairs, 0, num_keys_ + 1, i, &key);
    if ((*store)->Get(key) == nullptr) {
      (*store)->Put(key, "");
      fresh.push_back(static_cast<uint32_t>(i));
    }
  }
  if (fresh.empty()) return Status::OK();
  Batch added = pairs.Gather(fresh);
  // The new values through the aggregate's plain form, per group...
  AggregateCall plain = plain_calls_[call];
  plain.input_column = static_cast<int>(num_keys_);
  AggregateHashTable one(key_types_, key_columns_, {plain});
  SLUICE_RETURN_NOT_OK(one.Update(added));
  Batch x = one.ExportState();
  // ... laid out as the group state of every aggregate, the others NULL
  // (an empty state: every aggregate's merge skips NULL states), then
  // merged into the groups.
  std::vector<Vector> cols(x.columns.begin(), x.columns.begin() + static_cast<long>(num_keys_));
  for (size_t c = 0; c < plain_calls_.size(); ++c) {
    const std::vector<DataType> types = AggregateStateTypes(plain_calls_[c]);
    for (size_t s = 0; s < types.size(); ++s) {
      if (c == call) {
        cols.push_back(x.columns[num_keys_ + s]);
        continue;
      }
      Vector nulls(types[s], x.num_rows);
      for (size_t i = 0; i < x.num_rows; ++i) nulls.SetNull(i);
      cols.push_back(std::move(nulls));
    }
  }
  Batch e(std::move(cols), x.num_rows);
  return table->MergeState(e);
}

Result<std::unique_ptr<BatchStream>> StatefulAggregateOperator::Open(int partition, ExecContext* ctx) const {
  if (partition < 0 || partition >= num_partitions_) {
    return Status::Internal("StatefulAggregate has " + std::to_string(num_partitions_) + " partitions, not " +
                            std::to_string(partition));
  }
  SLUICE_ASSIGN_OR_RETURN(auto ex, Prepare(ctx));
  SLUICE_RETURN_NOT_OK(RunPartition(ex.get(), partition));
  Execution::Partition& part = *ex->partitions[static_cast<size_t>(partition)];
  std::lock_guard<std::mutex> lock(part.mu);
  return std::unique_ptr<BatchStream>(std::make_unique<VectorBatchStream>(std::move(part.rows)));
}

Result<StateOperatorMetrics> StatefulAggregateOperator::Finish(ExecContext* ctx) const {
  SLUICE_ASSIGN_OR_RETURN(auto ex, Prepare(ctx));
  for (int p = 0; p < num_partitions_; ++p) SLUICE_RETURN_NOT_OK(RunPartition(ex.get(), p));
  std::lock_guard<std::mutex> l(ex->metrics_mu);
  StateOperatorMetrics m = ex->metrics;
  m.operator_id = operator_id();
  m.operator_name = "stateStoreSave";
  m.num_shuffle_partitions = num_partitions_;
  return m;
}

}  // namespace sluice
