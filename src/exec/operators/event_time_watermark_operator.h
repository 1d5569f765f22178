// EventTimeWatermarkOperator: the physical form of withWatermark (Spark's
// EventTimeWatermarkExec). It passes its child's rows through unchanged and
// records, per execution (one micro-batch), the min, max, sum and count of
// the non-NULL values of its event-time column (a TIMESTAMP, microseconds).
// The streaming runner reads them after the batch (Stats) to advance the
// query's watermark (stream/watermark_tracker.h) and to report the
// progress's eventTime; the stateful operators above drop late rows and
// evict state, not this one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "exec/physical_operator.h"

namespace sluice {

// Event times seen by one watermark node in one batch (microseconds).
struct EventTimeStats {
  int64_t count = 0;
  int64_t min_micros = 0;
  int64_t max_micros = 0;
  double sum_micros = 0;  // for the average
  void Add(const EventTimeStats& o);
};

class EventTimeWatermarkOperator final : public PhysicalOperator {
 public:
  EventTimeWatermarkOperator(PhysicalOperatorPtr child, int column, int64_t delay_ms);

  int num_partitions() const override { return children()[0]->num_partitions(); }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override { return "EventTimeWatermark"; }
  std::string details() const override;

  int column() const { return column_; }
  int64_t delay_ms() const { return delay_ms_; }
  // What the execution of `ctx` saw so far (all partitions).
  EventTimeStats Stats(ExecContext* ctx) const;

 private:
  struct Collector;
  int column_;
  int64_t delay_ms_;
};

// The watermark nodes of a physical plan, in plan order (depth first, left
// to right): the order the runner numbers them by.
std::vector<const EventTimeWatermarkOperator*> FindEventTimeWatermarks(const PhysicalOperator& plan);

}  // namespace sluice
