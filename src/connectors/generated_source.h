// What the generator sources (rate, nexmark) share: a partition's scan that
// makes rows chunk by chunk and applies a pushed filter, and the wall-clock
// start time their rate limit counts from, kept in the source's metadata log.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "checkpoint/metadata_log.h"
#include "connectors/source.h"
#include "exec/expression_evaluator.h"
#include "exec/physical_operator.h"

namespace sluice {

// One partition of a generator's scan: rows [from, to) made kBatchSize at a
// time by `generate(first, n)` (a Batch; it may hold fewer than n rows, or
// none), then filtered by `filter` when there is one. `what` names the scan
// in a cancellation error.
template <typename Generate>
class GeneratedScanStream final : public BatchStream {
 public:
  GeneratedScanStream(Generate generate, int64_t from, int64_t to, ExprPtr filter, const ExecContext* ctx,
                      const char* what)
      : generate_(std::move(generate)), next_(from), end_(to), filter_(std::move(filter)), ctx_(ctx), what_(what) {}

  Result<std::optional<Batch>> Next() override {
    while (next_ < end_) {
      // A filter may drop every row of many chunks in a row: the token is
      // checked per chunk, not per returned batch.
      if (ctx_->cancel->IsCancelled()) return ctx_->cancel->Check(what_);
      size_t n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(kBatchSize), end_ - next_));
      Batch batch = generate_(next_, n);
      next_ += static_cast<int64_t>(n);
      if (batch.num_rows == 0) continue;
      if (!filter_) return std::optional<Batch>(std::move(batch));
      SLUICE_ASSIGN_OR_RETURN(SelectionVector sel, ExpressionEvaluator::Select(*filter_, batch, nullptr, ctx_->eval));
      if (sel.empty()) continue;
      if (sel.size() == batch.num_rows) return std::optional<Batch>(std::move(batch));
      return std::optional<Batch>(batch.Gather(sel));
    }
    return std::optional<Batch>();
  }

 private:
  Generate generate_;
  int64_t next_;
  const int64_t end_;
  const ExprPtr filter_;
  const ExecContext* ctx_;
  const char* what_;
};

template <typename Generate>
std::unique_ptr<BatchStream> MakeGeneratedScanStream(Generate generate, int64_t from, int64_t to, ExprPtr filter,
                                                     const ExecContext* ctx, const char* what) {
  return std::make_unique<GeneratedScanStream<Generate>>(std::move(generate), from, to, std::move(filter), ctx,
                                                         what);
}

// The start of a generator source's rate limit: the clock's time at the
// query's first run, written as entry 0 of the source's metadata log and read
// back on every restart, so that an offset keeps standing for the same rows.
// `log_path` (when given) receives the entry's file, for errors about it.
inline Result<int64_t> RecordedStartMillis(const SourceContext& ctx, std::string* log_path = nullptr) {
  SLUICE_ASSIGN_OR_RETURN(auto log, MetadataLog::Open(ctx.env, ctx.metadata_dir, 1, ctx.log_checksums_from));
  if (log_path) *log_path = log.PathFor(0);
  auto entry = log.Get(0);
  if (entry.ok()) {
    if (entry->size() != 1) return Status::Corruption(log.PathFor(0) + ": expected one line with the start time");
    return ParseLongOffset((*entry)[0], log.PathFor(0));
  }
  if (entry.status().code() != StatusCode::kNotFound) return entry.status();
  int64_t now = ctx.clock->NowMillis();
  SLUICE_RETURN_NOT_OK(log.Add(0, {std::to_string(now)}));
  return now;
}

}  // namespace sluice
