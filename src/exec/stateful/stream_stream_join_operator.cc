#include "exec/stateful/stream_stream_join_operator.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "exec/expression_evaluator.h"
#include "env/kill_point.h"
#include "exec/stateful/state_row_codec.h"

namespace sluice {

namespace {

constexpr const char* kStoreNames[2] = {"left", "right"};

// A stored key ends with its index, a BIGINT column as EncodeStateRow writes
// it when not NULL: a 0 byte, then 8 bytes little-endian.
constexpr size_t kIndexBytes = 9;
void AppendIndex(std::string* out, int64_t index) {
  out->push_back(0);
  out->append(reinterpret_cast<const char*>(&index), sizeof(index));
}
int64_t IndexOf(std::string_view key) {
  int64_t v = 0;
  std::memcpy(&v, key.data() + key.size() - sizeof(v), sizeof(v));
  return v;
}
// A stored value ends with `matched`, a BOOLEAN column: a 0 byte, then 0 or 1.
void AppendMatched(std::string* out, bool matched) {
  out->push_back(0);
  out->push_back(matched ? 1 : 0);
}
bool MatchedOf(std::string_view value) { return value.size() >= 2 && value.back() != 0; }

// Row i's event time in microseconds: a TIMESTAMP, or a window STRUCT's
// `end`. False when NULL (NULL <= watermark is not true: never late, never evicted).
bool EventTimeMicros(const Vector& v, size_t i, int64_t* out) {
  if (v.IsNull(i)) return false;
  if (v.type().id() == TypeId::kStruct) {
    if (v.num_children() < 2 || v.child(1).type().id() != TypeId::kTimestamp || v.child(1).IsNull(i)) return false;
    *out = v.child(1).data<int64_t>()[i];
    return true;
  }
  if (v.type().id() != TypeId::kTimestamp) return false;
  *out = v.data<int64_t>()[i];
  return true;
}

// One row of NULLs of `schema`'s types.
Batch NullRow(const Schema& schema) {
  std::vector<Vector> cols;
  for (const auto& f : schema.fields()) {
    Vector v(f.type, 1);
    v.SetNull(0);
    cols.push_back(std::move(v));
  }
  return Batch(std::move(cols), 1);
}

std::vector<DataType> StoredTypes(const Schema& schema) {
  std::vector<DataType> out;
  for (const auto& f : schema.fields()) out.push_back(f.type);
  out.push_back(DataType::Boolean());  // matched
  return out;
}

// Left columns then right columns.
Batch Beside(Batch left, const Batch& right) {
  for (const auto& c : right.columns) left.columns.push_back(c);
  return left;
}

void AppendSliced(Batch b, std::vector<Batch>* out) {
  for (size_t off = 0; off < b.num_rows; off += kBatchSize) {
    out->push_back(off == 0 && b.num_rows <= kBatchSize ? b : b.Slice(off, std::min(kBatchSize, b.num_rows - off)));
  }
}

StateValueColumn Column(const std::string& name, const std::string& type) {
  StateValueColumn v;
  v.name = name;
  v.sql = name;
  v.result_type = type;
  v.state_types = {type};
  return v;
}

}  // namespace

std::optional<int64_t> StreamJoinSide::StateWatermarkMs(std::optional<int64_t> eviction_ms) const {
  if (!eviction_ms || bounds.empty()) return std::nullopt;
  std::optional<int64_t> out;
  for (const auto& b : bounds) {
    // Spark: (watermark * 1000 + offset_us) / 1000 as a long (truncated).
    int64_t v = (*eviction_ms * 1000 + b.offset_us) / 1000 - (b.inclusive ? 1 : 0);
    out = out ? std::min(*out, v) : v;
  }
  return out;
}

std::optional<int64_t> StreamStreamJoinOperator::OutputWatermarkMs(std::optional<int64_t> input_ms) const {
  std::optional<int64_t> out;
  for (const auto& side : sides_) {
    std::optional<int64_t> w = side.StateWatermarkMs(input_ms);
    if (w) out = out ? std::min(*out, *w) : *w;
  }
  return out ? out : input_ms;
}

// One execution (one micro-batch): each side's new rows split by state
// partition, then each partition's join and state update.
struct StreamStreamJoinOperator::Execution {
  std::mutex mu;
  bool prepared = false;  // GUARDED_BY(mu)
  Status status;          // GUARDED_BY(mu)

  // Written once by PrepareInput, read-only afterwards.
  std::vector<Batch> parts[2];  // per side, per state partition: the new rows hashing to it
  int64_t dropped = 0;          // late rows of both sides

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

StreamStreamJoinOperator::StreamStreamJoinOperator(PhysicalOperatorPtr left, PhysicalOperatorPtr right, JoinType type,
                                                   StreamJoinSide l, StreamJoinSide r, ExprPtr residual, Schema output,
                                                   StatefulOperatorStateInfo info, StateSchema schema,
                                                   ExprPtr left_filter, ExprPtr right_filter)
    : StatefulOperator(std::move(output), {std::move(left), std::move(right)}, info, std::move(schema)),
      type_(type),
      sides_{std::move(l), std::move(r)},
      residual_(std::move(residual)),
      pre_filters_{std::move(left_filter), std::move(right_filter)},
      num_partitions_(std::max(1, info.batch.num_partitions)) {}

Status StreamStreamJoinOperator::Validate(JoinType type, const Schema& left, const Schema& right) {
  if (type != JoinType::kInner && type != JoinType::kLeftOuter && type != JoinType::kRightOuter &&
      type != JoinType::kFullOuter && type != JoinType::kLeftSemi) {
    return Status::AnalysisError("Join type " + std::string(JoinTypeName(type)) +
                                 " is not supported with streaming DataFrame/Dataset");
  }
  const Schema* sides[2] = {&left, &right};
  for (int s = 0; s < 2; ++s) {
    for (const auto& f : sides[s]->fields()) {
      SLUICE_RETURN_NOT_OK(
          CheckStateType(f.type, "column " + f.name + " of the " + kStoreNames[s] + " side of a stream-stream join"));
    }
  }
  return Status::OK();
}

StateSchema StreamStreamJoinOperator::MakeStateSchema(const Schema& left, const Schema& right,
                                                      const std::vector<int>& left_keys,
                                                      const std::vector<std::string>& key_names) {
  StateSchema s;
  s.operator_name = "StreamingSymmetricHashJoin";
  for (size_t k = 0; k < left_keys.size(); ++k) {
    s.keys.push_back({key_names[k], left.field(static_cast<size_t>(left_keys[k])).type.ToString()});
  }
  s.keys.push_back({"index", "BIGINT"});
  const Schema* sides[2] = {&left, &right};
  for (int side = 0; side < 2; ++side) {
    StateStoreSchema st;
    st.name = kStoreNames[side];
    st.keys = s.keys;
    for (const auto& f : sides[side]->fields()) st.values.push_back(Column(f.name, f.type.ToString()));
    st.values.push_back(Column("matched", "BOOLEAN"));
    for (const auto& v : st.values) s.values.push_back(Column(st.name + "." + v.name, v.result_type));
    s.stores.push_back(std::move(st));
  }
  return s;
}

std::string StreamStreamJoinOperator::details() const {
  std::string s = std::string(JoinTypeName(type_)) + ", keys=[";
  for (size_t i = 0; i < sides_[0].keys.size(); ++i) {
    s += (i ? ", #" : "#") + std::to_string(sides_[0].keys[i]) + " = #" + std::to_string(sides_[1].keys[i]);
  }
  s += "]";
  if (residual_) s += ", condition=" + residual_->ToString();
  for (int side = 0; side < 2; ++side) {
    if (pre_filters_[side]) s += std::string(", ") + kStoreNames[side] + "Filter=" + pre_filters_[side]->ToString();
  }
  const auto& info = state_info();
  for (int side = 0; side < 2; ++side) {
    auto wm = sides_[side].StateWatermarkMs(info.batch.watermark_for_eviction_ms);
    if (wm) s += std::string(", ") + kStoreNames[side] + "StateWatermark=" + std::to_string(*wm);
  }
  return s + ", operator=" + std::to_string(info.operator_id) + ", stateVersion=" +
         std::to_string(info.batch.batch_id) + ", partitions=" + std::to_string(num_partitions_);
}

Result<std::shared_ptr<StreamStreamJoinOperator::Execution>> StreamStreamJoinOperator::Prepare(
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

Status StreamStreamJoinOperator::PrepareInput(ExecContext* ctx, Execution* ex) const {
  const StatefulOperatorStateInfo& info = state_info();
  if (info.batch.checkpoint == nullptr) {
    return Status::Internal("StreamingSymmetricHashJoin planned without a state checkpoint");
  }
  // Nothing of the state is read before its schema is known to fit.
  SLUICE_RETURN_NOT_OK(info.batch.checkpoint->EnsureSchema(info.operator_id, state_schema()));
  const std::optional<int64_t> late_ms = info.batch.watermark_for_late_events_ms;
  for (int s = 0; s < 2; ++s) {
    const PhysicalOperator& input = *children()[static_cast<size_t>(s)];
    std::vector<std::vector<Batch>> per(static_cast<size_t>(input.num_partitions()));
    SLUICE_RETURN_NOT_OK(ForEachBatch(input, ctx, [&](int p, Batch b) -> Status {
      if (b.num_rows > 0) per[static_cast<size_t>(p)].push_back(std::move(b));
      return Status::OK();
    }));
    std::vector<Batch> all;
    for (auto& v : per) {
      for (auto& b : v) all.push_back(std::move(b));
    }
    Batch rows = all.empty() ? Batch::Empty(input.output_schema()) : Batch::Concat(all);
    all.clear();
    const StreamJoinSide& side = sides_[s];
    // Late rows: event time <= the late-events watermark.
    if (late_ms && side.watermark_column >= 0 && rows.num_rows > 0) {
      const Vector& t = rows.columns[static_cast<size_t>(side.watermark_column)];
      const int64_t limit = *late_ms * 1000;
      SelectionVector keep;
      for (size_t i = 0; i < rows.num_rows; ++i) {
        int64_t us = 0;
        if (EventTimeMicros(t, i, &us) && us <= limit) {
          ++ex->dropped;
        } else {
          keep.push_back(static_cast<uint32_t>(i));
        }
      }
      if (keep.size() != rows.num_rows) rows = rows.Gather(keep);
    }
    std::vector<SelectionVector> sel = SplitByStatePartition(rows, side.keys, num_partitions_);
    for (int p = 0; p < num_partitions_; ++p) ex->parts[s].push_back(rows.Gather(sel[static_cast<size_t>(p)]));
  }
  for (int p = 0; p < num_partitions_; ++p) ex->partitions.push_back(std::make_unique<Execution::Partition>());
  return Status::OK();
}

Status StreamStreamJoinOperator::RunPartition(Execution* ex, ExecContext* ctx, int partition) const {
  Execution::Partition& part = *ex->partitions[static_cast<size_t>(partition)];
  std::lock_guard<std::mutex> lock(part.mu);
  if (!part.done) {
    part.status = UpdatePartition(ex, ctx, partition);
    part.done = true;
  }
  return part.status;
}

Status StreamStreamJoinOperator::UpdatePartition(Execution* ex, ExecContext* ctx, int partition) const {
  const auto t0 = std::chrono::steady_clock::now();
  const StatefulOperatorStateInfo& info = state_info();
  const int64_t version = info.batch.batch_id;
  const bool semi = type_ == JoinType::kLeftSemi;
  const bool preserved[2] = {type_ == JoinType::kLeftOuter || type_ == JoinType::kFullOuter,
                             type_ == JoinType::kRightOuter || type_ == JoinType::kFullOuter};
  const Schema* schemas[2] = {&children()[0]->output_schema(), &children()[1]->output_schema()};

  std::unique_ptr<StateStore> stores[2];
  std::string dirs[2];
  for (int s = 0; s < 2; ++s) {
    SLUICE_ASSIGN_OR_RETURN(auto* provider, info.batch.checkpoint->Provider(info.operator_id, partition, kStoreNames[s]));
    dirs[s] = provider->dir();
    auto loaded = provider->Load(version);
    if (!loaded.ok()) {
      return loaded.status().WithContext("loading state version " + std::to_string(version) + " of " + dirs[s]);
    }
    stores[s] = std::move(loaded).value();
  }

  const Batch* in[2] = {&ex->parts[0][static_cast<size_t>(partition)], &ex->parts[1][static_cast<size_t>(partition)]};
  const size_t n[2] = {in[0]->num_rows, in[1]->num_rows};
  std::optional<int64_t> state_wm[2];
  for (int s = 0; s < 2; ++s) state_wm[s] = sides_[s].StateWatermarkMs(info.batch.watermark_for_eviction_ms);

  // The new rows' encoded join keys. A row with a NULL key, or failing its
  // side's pre-join filter, can never match: it is excluded (neither joined
  // nor stored).
  std::vector<std::string> keys[2];
  std::vector<uint8_t> excluded[2];
  for (int s = 0; s < 2; ++s) {
    excluded[s].assign(n[s], 0);
    if (pre_filters_[s] && n[s] > 0) {
      std::vector<uint8_t> pass(n[s], 0);
      SLUICE_ASSIGN_OR_RETURN(SelectionVector ok, ExpressionEvaluator::Select(*pre_filters_[s], *in[s], nullptr, ctx->eval));
      for (uint32_t i : ok) pass[i] = 1;
      for (size_t i = 0; i < n[s]; ++i) excluded[s][i] = pass[i] ? 0 : 1;
    }
    std::vector<Vector> kcols;
    for (int k : sides_[s].keys) kcols.push_back(in[s]->columns[static_cast<size_t>(k)]);
    Batch kb(std::move(kcols), n[s]);
    keys[s].resize(n[s]);
    for (size_t i = 0; i < n[s]; ++i) {
      for (const auto& c : kb.columns) excluded[s][i] |= c.IsNull(i) ? 1 : 0;
      if (!excluded[s][i]) EncodeStateRow(kb, 0, kb.num_columns(), i, &keys[s][i]);
    }
  }

  // Per join key of the new rows: the new rows and the stored rows of each side.
  struct Stored {
    std::string key;  // with its index
    std::string value;
    bool matched = false;
    bool dirty = false;  // matched by this batch
  };
  struct KeyRows {
    std::vector<uint32_t> fresh[2];
    std::vector<uint32_t> stored[2];
    int64_t count[2] = {0, 0};  // stored rows of the key, then the next index
  };
  std::vector<Stored> stored[2];
  std::unordered_map<std::string, KeyRows> by_key;
  for (int s = 0; s < 2; ++s) {
    for (size_t i = 0; i < n[s]; ++i) {
      if (!excluded[s][i]) by_key[keys[s][i]].fresh[s].push_back(static_cast<uint32_t>(i));
    }
  }
  // The stored rows of a key are read only when the other side has new
  // rows of it; otherwise only counted (the next index to store at).
  std::string probe;
  for (auto& [key, rows] : by_key) {
    for (int s = 0; s < 2; ++s) {
      const bool needed = !rows.fresh[1 - s].empty();
      int64_t idx = 0;
      for (;; ++idx) {
        probe = key;
        AppendIndex(&probe, idx);
        const std::string* v = stores[s]->Get(probe);
        if (v == nullptr) break;
        if (!needed) continue;
        rows.stored[s].push_back(static_cast<uint32_t>(stored[s].size()));
        stored[s].push_back({probe, *v, MatchedOf(*v), false});
      }
      rows.count[s] = idx;
    }
  }

  // Each side's rows as one batch: the new rows, the stored rows found, a NULL row.
  Batch pool[2];
  uint32_t null_row[2];
  for (int s = 0; s < 2; ++s) {
    StateRowDecoder dec(StoredTypes(*schemas[s]));
    for (const auto& st : stored[s]) {
      Status added = dec.Add(st.value);
      if (!added.ok()) return added.WithContext("reading state of " + dirs[s]);
    }
    size_t rows = dec.rows();
    std::vector<Vector> cols = dec.Finish();
    cols.pop_back();  // matched
    pool[s] = Batch::Concat({*in[s], Batch(std::move(cols), rows), NullRow(*schemas[s])});
    null_row[s] = static_cast<uint32_t>(n[s] + rows);
  }

  // Whether a new row is behind its side's state watermark (removed again
  // at the end of this batch if stored).
  auto behind = [&](int s, size_t i) {
    const int col = sides_[s].bounds.empty() ? -1 : sides_[s].bounds[0].column;
    int64_t us = 0;
    return state_wm[s] && col >= 0 && EventTimeMicros(in[s]->columns[static_cast<size_t>(col)], i, &us) &&
           us <= *state_wm[s] * 1000;
  };

  // Which candidate pairs (left pool row, right pool row) the residual
  // condition holds for.
  auto evaluate = [&](const std::vector<uint32_t>& cl,
                      const std::vector<uint32_t>& cr) -> Result<std::vector<uint8_t>> {
    std::vector<uint8_t> pass(cl.size(), 1);
    if (!residual_) return pass;
    for (size_t off = 0; off < cl.size(); off += kBatchSize) {
      size_t m = std::min(kBatchSize, cl.size() - off);
      SelectionVector sl(cl.begin() + static_cast<long>(off), cl.begin() + static_cast<long>(off + m));
      SelectionVector sr(cr.begin() + static_cast<long>(off), cr.begin() + static_cast<long>(off + m));
      Batch cand = Beside(pool[0].Gather(sl), pool[1].Gather(sr));
      cand.num_rows = m;
      SLUICE_ASSIGN_OR_RETURN(SelectionVector ok, ExpressionEvaluator::Select(*residual_, cand, nullptr, ctx->eval));
      std::fill(pass.begin() + static_cast<long>(off), pass.begin() + static_cast<long>(off + m), 0);
      for (uint32_t k : ok) pass[off + k] = 1;
    }
    return pass;
  };
  std::vector<uint8_t> fresh_matched[2] = {std::vector<uint8_t>(n[0], 0), std::vector<uint8_t>(n[1], 0)};
  auto matched = [&](int s, uint32_t row) {
    return row < n[s] ? fresh_matched[s][row] != 0 : stored[s][row - n[s]].matched;
  };
  auto mark = [&](int s, uint32_t row) {
    if (row < n[s]) {
      fresh_matched[s][row] = 1;
    } else {
      Stored& st = stored[s][row - n[s]];
      if (!st.matched) st.matched = st.dirty = true;
    }
  };
  // Output rows as pool rows; a left semi join outputs each left row once,
  // when it first matches, and its left rows only.
  std::vector<uint32_t> out_l, out_r;
  auto emit = [&](const std::vector<uint32_t>& cl, const std::vector<uint32_t>& cr, const std::vector<uint8_t>& pass) {
    for (size_t k = 0; k < cl.size(); ++k) {
      if (!pass[k]) continue;
      if (semi && matched(0, cl[k])) continue;
      out_l.push_back(cl[k]);
      out_r.push_back(cr[k]);
      mark(0, cl[k]);
      mark(1, cr[k]);
    }
  };
  // As Spark: the new left rows with the stored right rows, then the new
  // right rows with the stored left rows and the new left rows (which Spark
  // has stored by then; a semi join's already matched ones excepted).
  std::vector<uint32_t> cl, cr;
  for (size_t i = 0; i < n[0]; ++i) {
    if (excluded[0][i]) continue;
    const KeyRows& kr = by_key[keys[0][i]];
    for (uint32_t j : kr.stored[1]) {
      cl.push_back(static_cast<uint32_t>(i));
      cr.push_back(static_cast<uint32_t>(n[1]) + j);
    }
  }
  SLUICE_ASSIGN_OR_RETURN(auto pass, evaluate(cl, cr));
  emit(cl, cr, pass);
  const std::vector<uint8_t> matched_by_stored_right = fresh_matched[0];
  cl.clear();
  cr.clear();
  for (size_t j = 0; j < n[1]; ++j) {
    if (excluded[1][j]) continue;
    const KeyRows& kr = by_key[keys[1][j]];
    for (uint32_t i : kr.stored[0]) {
      if (semi && stored[0][i].matched) continue;
      cl.push_back(static_cast<uint32_t>(n[0]) + i);
      cr.push_back(static_cast<uint32_t>(j));
    }
    for (uint32_t i : kr.fresh[0]) {
      if (semi && matched_by_stored_right[i]) continue;
      cl.push_back(i);
      cr.push_back(static_cast<uint32_t>(j));
    }
  }
  SLUICE_ASSIGN_OR_RETURN(pass, evaluate(cl, cr));
  emit(cl, cr, pass);

  // Store the new rows, as Spark: every left row (it has met the new right
  // rows only now); a right row unless the eviction below would remove it at
  // once, when it matched or its side is not preserved (else its eviction
  // outputs it with NULLs). An excluded row is output with NULLs now on a
  // preserved side.
  int64_t updated = 0;
  std::string kbuf, vbuf;
  for (int s = 0; s < 2; ++s) {
    for (size_t i = 0; i < n[s]; ++i) {
      bool store = !excluded[s][i] && (s == 0 ? !(semi && matched_by_stored_right[i])
                                              : !behind(s, i) || (preserved[s] && !fresh_matched[s][i]));
      if (store) {
        KeyRows& kr = by_key[keys[s][i]];
        kbuf = keys[s][i];
        AppendIndex(&kbuf, kr.count[s]++);
        vbuf.clear();
        EncodeStateRow(*in[s], 0, in[s]->num_columns(), i, &vbuf);
        AppendMatched(&vbuf, fresh_matched[s][i] != 0);
        stores[s]->Put(kbuf, vbuf);
        ++updated;
      } else if (excluded[s][i] && preserved[s]) {
        out_l.push_back(s == 0 ? static_cast<uint32_t>(i) : null_row[0]);
        out_r.push_back(s == 1 ? static_cast<uint32_t>(i) : null_row[1]);
      }
    }
    for (auto& st : stored[s]) {
      if (!st.dirty) continue;
      st.value.back() = 1;
      stores[s]->Put(st.key, st.value);
    }
  }
  std::vector<Batch> out;
  if (!out_l.empty()) {
    SelectionVector sl(out_l.begin(), out_l.end()), sr(out_r.begin(), out_r.end());
    Batch joined = semi ? pool[0].Gather(sl) : Beside(pool[0].Gather(sl), pool[1].Gather(sr));
    joined.num_rows = sl.size();
    AppendSliced(std::move(joined), &out);
  }

  // Evict the state behind each side's state watermark; on a preserved side
  // the evicted rows that never matched are output with NULLs.
  int64_t removed = 0;
  for (int s = 0; s < 2; ++s) {
    if (!state_wm[s]) continue;
    const int col = sides_[s].bounds[0].column;
    std::vector<std::pair<std::string, std::string>> all;
    stores[s]->ForEach([&](std::string_view k, std::string_view v) { all.emplace_back(k, v); });
    if (all.empty()) continue;
    StateRowDecoder dec(StoredTypes(*schemas[s]));
    for (const auto& [k, v] : all) {
      Status added = dec.Add(v);
      if (!added.ok()) return added.WithContext("reading state of " + dirs[s]);
    }
    const size_t count = dec.rows();
    std::vector<Vector> cols = dec.Finish();
    cols.pop_back();  // matched
    const Vector& t = cols[static_cast<size_t>(col)];
    const int64_t limit = *state_wm[s] * 1000;
    std::vector<uint8_t> evict(count, 0);
    bool any = false;
    for (size_t e = 0; e < count; ++e) {
      int64_t us = 0;
      if (EventTimeMicros(t, e, &us) && us <= limit) evict[e] = 1, any = true;
    }
    if (!any) continue;
    // Rewrite each join key with evicted rows so that its indexes stay 0..m-1.
    std::unordered_map<std::string_view, std::vector<uint32_t>> groups;
    for (size_t e = 0; e < count; ++e) {
      std::string_view k = all[e].first;
      if (k.size() < kIndexBytes) return Status::Corruption("a key of the join state in " + dirs[s] + " is too short");
      groups[k.substr(0, k.size() - kIndexBytes)].push_back(static_cast<uint32_t>(e));
    }
    SelectionVector emit;
    for (auto& [prefix, entries] : groups) {
      bool touched = false;
      for (uint32_t e : entries) touched |= evict[e] != 0;
      if (!touched) continue;
      std::sort(entries.begin(), entries.end(),
                [&](uint32_t a, uint32_t b) { return IndexOf(all[a].first) < IndexOf(all[b].first); });
      int64_t m = 0;
      for (uint32_t e : entries) {
        if (evict[e]) {
          ++removed;
          if (preserved[s] && !MatchedOf(all[e].second)) emit.push_back(e);
          continue;
        }
        if (IndexOf(all[e].first) != m) {
          kbuf.assign(prefix);
          AppendIndex(&kbuf, m);
          stores[s]->Put(kbuf, all[e].second);
        }
        ++m;
      }
      for (auto idx = m; idx < static_cast<int64_t>(entries.size()); ++idx) {
        kbuf.assign(prefix);
        AppendIndex(&kbuf, idx);
        stores[s]->Remove(kbuf);
      }
    }
    if (!emit.empty()) {
      std::sort(emit.begin(), emit.end());
      Batch rows = Batch(std::move(cols), count).Gather(emit);
      Batch nulls = NullRow(*schemas[1 - s]).Gather(SelectionVector(emit.size(), 0));
      Batch padded = s == 0 ? Beside(std::move(rows), nulls) : Beside(std::move(nulls), rows);
      padded.num_rows = emit.size();
      AppendSliced(std::move(padded), &out);
    }
  }

  int64_t total = 0, memory = 0;
  for (int s = 0; s < 2; ++s) {
    total += static_cast<int64_t>(stores[s]->NumKeys());
    memory += static_cast<int64_t>(stores[s]->MemoryUsedBytes());
  }
  for (int s = 0; s < 2; ++s) {
    auto committed = stores[s]->Commit();
    if (!committed.ok()) return committed.status().WithContext("committing the state of " + dirs[s]);
    // A crash here leaves the left store at N + 1 and the right one at N:
    // the re-run of batch N loads N of both and rewrites N + 1.
    if (s == 0) SLUICE_KILL_POINT("stream_join:between_store_commits");
  }
  ex->partitions[static_cast<size_t>(partition)]->rows = std::move(out);  // the caller holds its lock

  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::lock_guard<std::mutex> l(ex->metrics_mu);
  ex->metrics.num_rows_total += total;
  ex->metrics.num_rows_updated += updated;
  ex->metrics.num_rows_removed += removed;
  ex->metrics.memory_used_bytes += memory;
  ex->metrics.commit_time_ms += ms;
  return Status::OK();
}

Result<std::unique_ptr<BatchStream>> StreamStreamJoinOperator::Open(int partition, ExecContext* ctx) const {
  if (partition < 0 || partition >= num_partitions_) {
    return Status::Internal("StreamingSymmetricHashJoin has " + std::to_string(num_partitions_) +
                            " partitions, not " + std::to_string(partition));
  }
  SLUICE_ASSIGN_OR_RETURN(auto ex, Prepare(ctx));
  SLUICE_RETURN_NOT_OK(RunPartition(ex.get(), ctx, partition));
  Execution::Partition& part = *ex->partitions[static_cast<size_t>(partition)];
  std::lock_guard<std::mutex> lock(part.mu);
  return std::unique_ptr<BatchStream>(std::make_unique<VectorBatchStream>(std::move(part.rows)));
}

Result<StateOperatorMetrics> StreamStreamJoinOperator::Finish(ExecContext* ctx) const {
  SLUICE_ASSIGN_OR_RETURN(auto ex, Prepare(ctx));
  for (int p = 0; p < num_partitions_; ++p) SLUICE_RETURN_NOT_OK(RunPartition(ex.get(), ctx, p));
  std::lock_guard<std::mutex> l(ex->metrics_mu);
  StateOperatorMetrics m = ex->metrics;
  m.operator_id = operator_id();
  m.operator_name = "symmetricHashJoin";
  m.num_rows_dropped_by_watermark = ex->dropped;
  m.num_shuffle_partitions = num_partitions_;
  return m;
}

}  // namespace sluice
