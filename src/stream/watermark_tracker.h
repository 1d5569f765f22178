// WatermarkTracker: the query's event-time watermark across micro-batches
// (Spark's WatermarkTracker).
//
// After each batch the runner reports, for every watermark node of the plan
// (withWatermark / WATERMARK clause; numbered in plan order), the max event
// time the node saw in the batch, if it saw any row. A node's watermark is
// the max event time it has seen so far minus its delay; only nodes that
// have seen data count. The global watermark is the min over them (policy
// "min", Spark's default) or the max ("max";
// spark.sql.streaming.multipleWatermarkPolicy), and never goes backwards.
// Batch 0 runs with watermark 0. The watermark a batch runs with is logged in
// offsets/<id> (batchWatermarkMs), the one computed after it in commits/<id>
// (nextBatchWatermarkMs); at restart the tracker is set from those (the
// per-node maxima are not persisted, as in Spark: they start afresh).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sluice/status.h"

namespace sluice {

class WatermarkTracker {
 public:
  enum class Policy : uint8_t { kMin, kMax };
  // "min" / "max" (any case); InvalidArgument naming the setting otherwise.
  static Result<Policy> ParsePolicy(const std::string& text);
  static const char* PolicyName(Policy p);

  explicit WatermarkTracker(Policy policy = Policy::kMin) : policy_(policy) {}

  // Node `node` (delay `delay_ms`) saw rows up to `max_event_time_ms` in the
  // batch just run.
  void Observe(int node, int64_t max_event_time_ms, int64_t delay_ms);
  // Recomputes the global watermark from the nodes observed so far; true if
  // it moved forward.
  bool Advance();
  // Restores the watermark read from the checkpoint.
  void Set(int64_t watermark_ms) { watermark_ms_ = watermark_ms; }
  int64_t watermark_ms() const { return watermark_ms_; }
  Policy policy() const { return policy_; }

 private:
  Policy policy_;
  int64_t watermark_ms_ = 0;
  std::map<int, int64_t> node_watermarks_;  // node -> max event time - delay
};

}  // namespace sluice
