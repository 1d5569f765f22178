#include "stream/stateful_aggregate.h"

#include <chrono>

#include "exec/operators/aggregate_hash_table.h"
#include "exec/operators/key_hasher.h"
#include "stream/state_row_codec.h"

namespace sluice {

StatefulAggregate::StatefulAggregate(Env* env, std::string checkpoint_dir, int operator_id, int num_partitions,
                                     std::vector<DataType> key_types, std::vector<AggregateCall> calls)
    : env_(env),
      checkpoint_dir_(std::move(checkpoint_dir)),
      operator_id_(operator_id),
      num_partitions_(key_types.empty() ? 1 : num_partitions),
      key_types_(std::move(key_types)),
      calls_(std::move(calls)) {
  providers_.resize(static_cast<size_t>(num_partitions_));
}

Status StatefulAggregate::Validate(const std::vector<DataType>& key_types, const std::vector<AggregateCall>& calls) {
  for (size_t i = 0; i < key_types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(CheckStateType(key_types[i], "streaming aggregation key " + std::to_string(i + 1)));
  }
  for (const auto& c : calls) {
    if (c.distinct) {
      return Status::AnalysisError("Distinct aggregations are not supported on streaming DataFrames/Datasets: " +
                                   c.name + "(DISTINCT ...)");
    }
    for (const auto& t : AggregateStateTypes(c)) {
      SLUICE_RETURN_NOT_OK(CheckStateType(t, "the state of " + c.name));
    }
  }
  return Status::OK();
}

Result<FileStateStoreProvider*> StatefulAggregate::Provider(int partition) {
  auto& p = providers_[static_cast<size_t>(partition)];
  if (!p) {
    SLUICE_ASSIGN_OR_RETURN(p, FileStateStoreProvider::Open(env_, StateStoreDir(checkpoint_dir_, operator_id_, partition)));
  }
  return p.get();
}

Result<std::vector<Batch>> StatefulAggregate::Run(int64_t batch_id, const PhysicalOperator& input, ExecContext* ctx,
                                                  OutputMode mode, StateOperatorProgress* progress) {
  const size_t nkeys = key_types_.size();
  std::vector<int> key_cols;
  for (size_t k = 0; k < nkeys; ++k) key_cols.push_back(static_cast<int>(k));

  // 1. Partial aggregation of this batch: one table per input partition,
  // fed as the partition produces rows, then merged (in partition order).
  std::vector<std::unique_ptr<AggregateHashTable>> per_partition(static_cast<size_t>(input.num_partitions()));
  SLUICE_RETURN_NOT_OK(ForEachBatch(input, ctx, [&](int p, Batch b) -> Status {
    if (b.num_rows == 0) return Status::OK();
    auto& t = per_partition[static_cast<size_t>(p)];
    if (!t) t = std::make_unique<AggregateHashTable>(key_types_, key_cols, calls_);
    return t->Update(b);
  }));
  // From here on (merging, state load/update/commit): commitTimeMs.
  const auto t0 = std::chrono::steady_clock::now();
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
  const bool any_input = merged != nullptr;
  if (!merged) merged = std::make_unique<AggregateHashTable>(key_types_, key_cols, calls_);
  AggregateHashTable& partial = *merged;
  Batch partial_state = partial.ExportState();
  if (nkeys == 0 && !any_input) partial_state = partial_state.Slice(0, 0);  // nothing touched
  Schema state_schema = partial.StateSchema();
  std::vector<DataType> state_types;
  for (const auto& f : state_schema.fields()) state_types.push_back(f.type);
  std::vector<DataType> value_types(state_types.begin() + static_cast<long>(nkeys), state_types.end());
  const size_t nvals = value_types.size();

  // 2. Split by key hash.
  std::vector<SelectionVector> parts(static_cast<size_t>(num_partitions_));
  if (nkeys == 0) {
    for (size_t i = 0; i < partial_state.num_rows; ++i) parts[0].push_back(static_cast<uint32_t>(i));
  } else if (partial_state.num_rows > 0) {
    KeyHasher hasher;
    std::vector<const Vector*> keys;
    for (size_t k = 0; k < nkeys; ++k) keys.push_back(&partial_state.columns[k]);
    hasher.Prepare(keys, partial_state.num_rows);
    for (size_t i = 0; i < partial_state.num_rows; ++i) {
      parts[HashMix64(hasher.hashes()[i]) % static_cast<uint64_t>(num_partitions_)].push_back(static_cast<uint32_t>(i));
    }
  }

  std::vector<Batch> out;
  int64_t total = 0, updated = 0, memory = 0;
  std::string kbuf, vbuf;
  for (int p = 0; p < num_partitions_; ++p) {
    SLUICE_ASSIGN_OR_RETURN(auto* provider, Provider(p));
    auto loaded = provider->Load(batch_id);
    if (!loaded.ok()) {
      return loaded.status().WithContext("loading state version " + std::to_string(batch_id) + " of " +
                                         provider->dir());
    }
    std::unique_ptr<StateStore> store = std::move(loaded).value();
    Batch part = partial_state.Gather(parts[static_cast<size_t>(p)]);

    AggregateHashTable table(key_types_, key_cols, calls_);
    StateRowDecoder dec(state_types);
    std::string row;
    auto add_stored = [&](std::string_view k, std::string_view v) -> Status {
      row.assign(k);
      row.append(v);
      return dec.Add(row);
    };
    Status st;
    if (mode == OutputMode::kComplete) {
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
    Batch exported = table.ExportState();
    for (size_t i = 0; i < part.num_rows; ++i) {
      size_t g = touched[i];
      kbuf.clear();
      vbuf.clear();
      EncodeStateRow(exported, 0, nkeys, g, &kbuf);
      EncodeStateRow(exported, nkeys, nvals, g, &vbuf);
      store->Put(kbuf, vbuf);
    }
    updated += static_cast<int64_t>(part.num_rows);
    total += static_cast<int64_t>(store->NumKeys());
    memory += static_cast<int64_t>(store->MemoryUsedBytes());
    SLUICE_ASSIGN_OR_RETURN(auto fin, table.Finalize());
    if (mode == OutputMode::kComplete) {
      if (nkeys > 0 || any_input || store->NumKeys() > 0) out.push_back(std::move(fin));
    } else if (part.num_rows > 0) {
      SelectionVector sel(touched.begin(), touched.end());
      out.push_back(fin.Gather(sel));
    }
    SLUICE_ASSIGN_OR_RETURN(int64_t v, store->Commit());
    (void)v;
  }
  if (progress != nullptr) {
    progress->numRowsTotal = total;
    progress->numRowsUpdated = updated;
    progress->memoryUsedBytes = memory;
    progress->numShufflePartitions = num_partitions_;
    progress->commitTimeMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  }
  return out;
}

}  // namespace sluice
