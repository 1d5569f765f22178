// BatchSizeController: adaptive batch sizing for one source of a query run
// with the `targetLatency` option (docs/streaming.md, "Batch size").
//
// Without the option a batch takes everything available up to the source's
// own limit (maxOffsetsPerTrigger...): small when input is small, big when it
// backs up. With it, the controller sets the source's ReadLimit::max_rows:
//
//   - rate cap: what the recent batches' measured processing rate (rows per
//     second over the last kRateWindow batches that read rows, time from the
//     trigger's start to the sink's commit) finishes within targetLatency,
//     at least one row;
//   - the input backs up (rows were left behind and more than after the
//     batch before): the cap doubles, up to the source's limit;
//   - rows left behind but fewer than before (the backlog drains): the cap
//     holds;
//   - nothing left behind: back to the rate cap.
//
// Rows left behind come from Source::AvailableRows; a source that cannot
// count them (-1) is taken as backed up when a batch filled its cap.
// Before the first measured batch there is no cap (the default).
//
// Pure arithmetic, no clock: the runner measures and calls Observe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace sluice {

class BatchSizeController {
 public:
  static constexpr size_t kRateWindow = 8;

  explicit BatchSizeController(int64_t target_latency_micros) : target_micros_(target_latency_micros) {}

  // The max_rows of the next batch, given the source's own limit
  // (`source_max_rows`, -1: none): -1 when there is no cap.
  int64_t NextLimit(int64_t source_max_rows) const;

  // After a batch that read from the source: `rows` it read,
  // `available_rows` the source had past the batch's start when its end
  // was chosen (-1: unknown), `limit` the max_rows it was given (-1: none),
  // `micros` the batch's processing time.
  void Observe(int64_t rows, int64_t available_rows, int64_t limit, int64_t micros, int64_t source_max_rows);

  // Rows per second over the window (0: no batch read rows yet).
  double rate() const;

 private:
  int64_t RateCap() const;

  int64_t target_micros_;
  std::deque<std::pair<int64_t, int64_t>> window_;  // rows, micros
  int64_t cap_ = -1;
  int64_t prev_backlog_ = 0;
};

}  // namespace sluice
