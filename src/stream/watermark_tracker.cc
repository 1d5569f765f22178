#include "stream/watermark_tracker.h"

#include <algorithm>

#include "types/data_type.h"

namespace sluice {

Result<WatermarkTracker::Policy> WatermarkTracker::ParsePolicy(const std::string& text) {
  if (EqualsIgnoreCase(text, "min")) return Policy::kMin;
  if (EqualsIgnoreCase(text, "max")) return Policy::kMax;
  return Status::InvalidArgument("spark.sql.streaming.multipleWatermarkPolicy must be 'min' or 'max', got '" + text +
                                 "'");
}

const char* WatermarkTracker::PolicyName(Policy p) { return p == Policy::kMin ? "min" : "max"; }

void WatermarkTracker::Observe(int node, int64_t max_event_time_ms, int64_t delay_ms) {
  int64_t wm = max_event_time_ms - delay_ms;
  auto [it, inserted] = node_watermarks_.emplace(node, wm);
  if (!inserted) it->second = std::max(it->second, wm);
}

bool WatermarkTracker::Advance() {
  if (node_watermarks_.empty()) return false;
  int64_t chosen = node_watermarks_.begin()->second;
  for (const auto& [node, wm] : node_watermarks_) {
    chosen = policy_ == Policy::kMin ? std::min(chosen, wm) : std::max(chosen, wm);
  }
  if (chosen <= watermark_ms_) return false;
  watermark_ms_ = chosen;
  return true;
}

}  // namespace sluice
