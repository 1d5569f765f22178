// The `nexmark` source: the Nexmark benchmark's events (nexmark_generator.h)
// as a stream, one row per event in the single-topic layout Flink's Nexmark
// uses: event_type INT (0 person, 1 auction, 2 bid) and the structs person,
// auction, bid, of which the two that do not apply are NULL.
//
// Offsets are event numbers: a batch (s, e] holds events s..e-1.
//   - numEvents N > 0: the stream ends after N events; 0: unbounded.
//   - eventsPerSecond R > 0: event time advances 1/R s per event, and a
//     live stream (default or processing-time trigger) releases no more
//     than R events per second of wall-clock time since the query first
//     started (the start time is kept in `sources/<i>/0`, as the rate
//     source keeps its own). R = 0: as fast as possible.
//   - AVAILABLE NOW / ONCE: everything up to numEvents at once, whatever R
//     (unbounded: what the rate released so far, or one batch at R = 0).
//   - maxEventsPerBatch M > 0 (and targetLatency's cap): at most M events
//     per batch; unbounded at R = 0 takes M (default 1,000,000) per batch.
// A batch's rows are never held in memory: the scan (NexmarkTable) has
// numPartitions partitions, contiguous ranges of event numbers, each
// generating 2048-event chunks on demand with only the projected columns
// and, when the pushed filter fixes event_type (the views' WHERE
// event_type = 2), only the events of that type.
#pragma once

#include "connectors/connector_registry.h"
#include "connectors/nexmark/nexmark_generator.h"
#include "connectors/source.h"

namespace sluice {

// The rows of events [from, to) as a table.
class NexmarkTable : public TableSource {
 public:
  NexmarkTable(NexmarkGenerator gen, int64_t from, int64_t to) : gen_(gen), from_(from), to_(to) {}
  const Schema& schema() const override { return schema_; }
  std::string description() const override { return "nexmark"; }
  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns, ExprPtr filter) const override;

 private:
  Schema schema_ = NexmarkSchema();
  NexmarkGenerator gen_;
  int64_t from_;
  int64_t to_;
};

class NexmarkSource : public Source {
 public:
  static Result<std::shared_ptr<NexmarkSource>> Make(const SourceOptions& options);
  static ConnectorSpec Spec();
  // The generator model of these (validated) options; also used by tools
  // (the loader) that generate the same events.
  static Result<NexmarkConfig> ConfigFromOptions(const SourceOptions& options);

  const Schema& schema() const override { return schema_; }
  std::string description() const override;
  Status Open(const SourceContext& ctx) override;
  Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                  const ReadLimit& limit) override;
  Result<SourceBatch> GetBatch(const std::optional<std::string>& start, const std::string& end) override;
  Status PrepareForAvailableNow() override {
    available_now_ = true;
    return Status::OK();
  }
  ReadLimit DefaultReadLimit() const override;

 private:
  Schema schema_ = NexmarkSchema();
  NexmarkConfig config_;
  int64_t num_events_ = 0;
  int64_t max_events_per_batch_ = 0;
  bool available_now_ = false;
  std::optional<int64_t> cap_;
  Clock* clock_ = nullptr;
  int64_t start_ms_ = 0;
};

}  // namespace sluice
