// The rate sources (Spark's "rate" and "rate-micro-batch"): generated rows
// (timestamp TIMESTAMP, value BIGINT), values 0, 1, 2, ... Columns are filled
// a vector at a time (no per-row calls), so a stateless pipeline is limited
// by what it does with the rows, not by the generator.
//
// A batch's rows are not materialised: GetBatch returns a RateTable whose
// scan generates them a chunk at a time (rate_table.h), so memory stays
// bounded whatever rowsPerSecond or rowsPerBatch (both at most 1e9).
//
// rate: rowsPerSecond (default 1), numPartitions (default 1). The offset is
//   the number of whole seconds since the query first started (the start time
//   is kept in `sources/<i>/0` so that replays see the same timestamps);
//   seconds (s0, s1] hold values [s0*rps, s1*rps), value v has timestamp
//   start + floor(v * 1000 / rps) ms.
// rate-micro-batch: rowsPerBatch (required, > 0), numPartitions (default 1),
//   startTimestamp (ms, default 0), advanceMillisPerBatch (default 1000).
//   Every batch takes exactly rowsPerBatch new values, independent of time;
//   the offset is the number of values produced. Value v has timestamp
//   startTimestamp + (v / rowsPerBatch) * advanceMillisPerBatch ms.
//
// Both keep every value in int64 and every timestamp at or before
// 9999-12-31T23:59:59.999Z: a batch that would pass either (after centuries
// of rate, or ~1e9 batches of rate-micro-batch) is an error naming the
// source, and so is an offset beyond them read from an (edited) offset log.
#pragma once

#include "connectors/connector_registry.h"
#include "connectors/rate/rate_generator.h"
#include "connectors/source.h"

namespace sluice {

Schema RateSchema();

class RateSource : public Source {
 public:
  static Result<std::shared_ptr<RateSource>> Make(const SourceOptions& options);
  static ConnectorSpec Spec();
  const Schema& schema() const override { return schema_; }
  std::string description() const override;
  Status Open(const SourceContext& ctx) override;
  Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                  const ReadLimit& limit) override;
  Result<SourceBatch> GetBatch(const std::optional<std::string>& start, const std::string& end) override;
  Status PrepareForAvailableNow() override;

 private:
  // The largest offset (seconds) whose rows keep values in int64 and
  // timestamps in range.
  int64_t MaxSeconds() const;
  std::optional<int64_t> cap_seconds_;
  Schema schema_ = RateSchema();
  int64_t rows_per_second_ = 1;
  int partitions_ = 1;
  Clock* clock_ = nullptr;
  int64_t start_ms_ = 0;
};

class RatePerMicroBatchSource : public Source {
 public:
  static Result<std::shared_ptr<RatePerMicroBatchSource>> Make(const SourceOptions& options);
  static ConnectorSpec Spec();
  const Schema& schema() const override { return schema_; }
  std::string description() const override;
  Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                  const ReadLimit& limit) override;
  Result<SourceBatch> GetBatch(const std::optional<std::string>& start, const std::string& end) override;
  // Available-now: one batch (the source never runs dry otherwise).
  Status PrepareForAvailableNow() override {
    available_now_ = true;
    return Status::OK();
  }

 private:
  // OK if a batch may end at offset `to` (values below it keep their
  // timestamps in range and the offset fits the log); else an error, of
  // `code`, naming the source.
  Status CheckEnd(int64_t to, StatusCode code) const;
  bool available_now_ = false;
  std::optional<int64_t> cap_;
  Schema schema_ = RateSchema();
  RateGenerator gen_;
};

}  // namespace sluice
