#include "exec/stateful/stateful_operator.h"

#include <algorithm>

#include "exec/operators/event_time_watermark_operator.h"
#include "exec/operators/key_hasher.h"

namespace sluice {

const char* StatefulOutputModeName(StatefulOutputMode mode) {
  switch (mode) {
    case StatefulOutputMode::kAppend: return "Append";
    case StatefulOutputMode::kUpdate: return "Update";
    case StatefulOutputMode::kComplete: return "Complete";
  }
  return "?";
}

namespace {
void Collect(const PhysicalOperator& op, std::vector<const StatefulOperator*>* out) {
  if (auto* s = dynamic_cast<const StatefulOperator*>(&op)) out->push_back(s);
  for (const auto& c : op.children()) Collect(*c, out);
}
}  // namespace

namespace {
// The watermark the rows of `op` carry: a stateful operator's output
// watermark for its own input watermark (`late` picks which of the two), the
// global one below an EventTimeWatermark, else the smallest of its inputs'
// (nullopt: no input path has a watermark).
std::optional<int64_t> PathWatermark(const PhysicalOperator& op, std::optional<int64_t> global, bool late) {
  if (auto* s = dynamic_cast<const StatefulOperator*>(&op)) {
    const StatefulBatchInfo& b = s->state_info().batch;
    return s->OutputWatermarkMs(late ? b.watermark_for_late_events_ms : b.watermark_for_eviction_ms);
  }
  if (dynamic_cast<const EventTimeWatermarkOperator*>(&op)) return global;
  std::optional<int64_t> out;
  for (const auto& c : op.children()) {
    std::optional<int64_t> w = PathWatermark(*c, global, late);
    if (w) out = out ? std::min(*out, *w) : *w;
  }
  return out;
}

std::optional<int64_t> InputWatermark(const std::vector<PhysicalOperatorPtr>& inputs, std::optional<int64_t> global,
                                      bool late) {
  if (!global) return global;  // the query defines no watermark
  std::optional<int64_t> out;
  for (const auto& in : inputs) {
    std::optional<int64_t> w = PathWatermark(*in, global, late);
    if (w) out = out ? std::min(*out, *w) : *w;
  }
  return out ? out : global;
}
}  // namespace

StatefulBatchInfo PropagateWatermarks(const StatefulBatchInfo& batch, const std::vector<PhysicalOperatorPtr>& inputs) {
  StatefulBatchInfo out = batch;
  out.watermark_for_late_events_ms = InputWatermark(inputs, batch.watermark_for_late_events_ms, true);
  out.watermark_for_eviction_ms = InputWatermark(inputs, batch.watermark_for_eviction_ms, false);
  return out;
}

std::vector<SelectionVector> SplitByStatePartition(const Batch& batch, const std::vector<int>& key_columns,
                                                   int num_partitions) {
  const auto n = static_cast<uint64_t>(std::max(1, num_partitions));
  std::vector<SelectionVector> sel(n);
  if (n == 1 || key_columns.empty()) {
    for (size_t i = 0; i < batch.num_rows; ++i) sel[0].push_back(static_cast<uint32_t>(i));
    return sel;
  }
  if (batch.num_rows == 0) return sel;
  std::vector<const Vector*> keys;
  for (int k : key_columns) keys.push_back(&batch.columns[static_cast<size_t>(k)]);
  KeyHasher hasher;
  hasher.Prepare(keys, batch.num_rows);
  for (size_t i = 0; i < batch.num_rows; ++i) sel[HashMix64(hasher.hashes()[i]) % n].push_back(static_cast<uint32_t>(i));
  return sel;
}

std::vector<const StatefulOperator*> FindStatefulOperators(const PhysicalOperator& plan) {
  std::vector<const StatefulOperator*> out;
  Collect(plan, &out);
  std::stable_sort(out.begin(), out.end(),
                   [](const StatefulOperator* a, const StatefulOperator* b) { return a->operator_id() < b->operator_id(); });
  return out;
}

Result<std::vector<StateOperatorMetrics>> FinishStatefulOperators(const PhysicalOperator& plan, ExecContext* ctx) {
  std::vector<StateOperatorMetrics> out;
  for (const StatefulOperator* op : FindStatefulOperators(plan)) {
    SLUICE_ASSIGN_OR_RETURN(auto m, op->Finish(ctx));
    out.push_back(m);
  }
  return out;
}

}  // namespace sluice
