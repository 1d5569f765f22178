// Source: a replayable streaming input (Spark's Source / MicroBatchStream).
//
// The micro-batch runner (src/stream) drives every source through the same
// protocol, once per trigger:
//   1. LatestOffset(start, limit): the newest offset the next batch may end at,
//      at most `limit` past `start` (maxFilesPerTrigger, rowsPerBatch...).
//   2. the runner writes offsets/<batchId> holding every source's end offset;
//   3. GetBatch(start, end): the data of exactly (start, end] as a table the
//      batch planner scans. Called again with the same range after a crash,
//      it must return the same rows: this is what makes replay exact;
//   4. after commits/<batchId>, Commit(end): data up to `end` may be forgotten.
//
// Offsets are opaque JSON strings (one line each in the offset log); nullopt
// means "before the first record". A source never sees another's offsets.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <charconv>
#include <string>

#include "common/cancellation.h"
#include "common/redaction.h"
#include "env/clock.h"
#include "env/env.h"
#include "exec/table_source.h"
#include "sluice/status.h"
#include "types/data_type.h"

namespace sluice {

// How much one batch may take from a source (Spark's ReadLimit).
struct ReadLimit {
  // -1: no limit. Each source interprets the limits it knows
  // (maxFilesPerTrigger -> max_files, rowsPerBatch / maxOffsetsPerTrigger -> max_rows).
  // The runner lowers max_rows below the source's own limit when the query
  // sets targetLatency (adaptive batch sizing, src/stream/batch_size_controller.h):
  // a source that honours max_rows takes at most that many rows in total,
  // over all its partitions.
  int64_t max_rows = -1;
  int64_t max_files = -1;
  static ReadLimit All() { return {}; }
  bool unlimited() const { return max_rows < 0 && max_files < 0; }
};

// What a source gets when a query starts.
struct SourceContext {
  Env* env = nullptr;
  Clock* clock = nullptr;
  // `<checkpoint>/sources/<i>`: the source's own logs (files seen, start time).
  std::string metadata_dir;
  // The first batch id whose file in metadata_dir must carry a checksum
  // (0: every file; more on a checkpoint written before checksums, see
  // CheckpointMetadata). Pass it to MetadataLog::Open.
  int64_t log_checksums_from = 0;
  // Cancelled when the query stops: blocking calls (broker metadata, waits)
  // must return within about a second of it (Status::Cancelled).
  const CancellationToken* cancel = &CancellationToken::Never();
};

// The rows of one batch range.
struct SourceBatch {
  TableSourcePtr table;
  // Rows in the range when the source knows it cheaply; -1 = count on scan.
  int64_t num_rows = -1;
  // With num_rows -1: a counter the table's scan adds every record it reads
  // to (numInputRows), for sources whose scan may drop records before any
  // operator sees them (Kafka: DROPMALFORMED, prefiltered JSON). Unset: the
  // runner counts the rows the scan produces.
  std::shared_ptr<std::atomic<int64_t>> rows_read;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual const Schema& schema() const = 0;
  // "RateStreamV2[rowsPerSecond=10, numPartitions=2]" (progress "description").
  virtual std::string description() const = 0;
  // Called once when the query starts, before any other call.
  virtual Status Open(const SourceContext& ctx) { return Status::OK(); }
  // The latest offset available now, limited by `limit` counted from `start`.
  // nullopt: no data at all yet.
  virtual Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                          const ReadLimit& limit) = 0;
  // Called once at start, after Open, when the checkpoint has logged a
  // batch: `offset` is this source's end offset in the newest offset-log
  // entry, the file `offset_log_file`. A source that keeps logs of its own
  // under SourceContext::metadata_dir checks that they cover it (a log
  // behind the offset log lost entries: reading on would lose or repeat
  // data) and fails with Corruption naming both files.
  virtual Status CheckRecoveredOffset(const std::optional<std::string>& offset,
                                      const std::string& offset_log_file) {
    return Status::OK();
  }
  // The rows in (start, end].
  virtual Result<SourceBatch> GetBatch(const std::optional<std::string>& start,
                                       const std::string& end) = 0;
  // Data up to `end` is committed and will never be asked for again.
  virtual Status Commit(const std::string& end) { return Status::OK(); }
  // The query stops; release resources.
  virtual void Stop() {}
  // Trigger.AvailableNow: from now on, LatestOffset never goes past what is
  // available at this call (the query stops once it has processed that).
  virtual Status PrepareForAvailableNow() { return Status::OK(); }
  // The rows past `start` that the last LatestOffset call found available,
  // before `limit` cut them (Spark's reportLatestOffset, as a count); -1
  // when the source cannot count them cheaply. Adaptive batch sizing reads
  // it after each LatestOffset to see whether the input backs up.
  virtual int64_t AvailableRows() const { return -1; }
  // The offset of everything available at the last LatestOffset call, before
  // `limit` cut it (Spark's reportLatestOffset): the progress record's
  // latestOffset, so that latestOffset - endOffset is how far the query is
  // behind (the Kafka lag). nullopt: the end LatestOffset returned is used.
  virtual std::optional<std::string> ReportLatestOffset() const { return std::nullopt; }
  // Read limit from the source's options (maxFilesPerTrigger...), used by
  // triggers that rate-limit (default, processing time, available-now).
  virtual ReadLimit DefaultReadLimit() const { return ReadLimit::All(); }
  // Source-specific figures of the batch just run, shown in the progress
  // report as sources[i].metrics (Spark's ReportsSourceMetrics), e.g. the
  // Kafka source's lost offset ranges and malformed record counts.
  virtual std::map<std::string, std::string> Metrics() const { return {}; }
};
using SourcePtr = std::shared_ptr<Source>;

// Options with Spark's names; keys compared case-insensitively (stored lower-case).
class SourceOptions {
 public:
  SourceOptions() = default;
  explicit SourceOptions(const std::map<std::string, std::string>& opts) {
    for (const auto& [k, v] : opts) Set(k, v);
  }
  void Set(const std::string& key, const std::string& value) { map_[ToLower(key)] = value; }
  std::optional<std::string> Get(const std::string& key) const {
    auto it = map_.find(ToLower(key));
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  std::string GetOr(const std::string& key, const std::string& def) const {
    auto v = Get(key);
    return v ? *v : def;
  }
  // A non-negative (or positive when `positive`) integer option; a clear
  // InvalidArgument naming the option otherwise.
  Result<int64_t> GetInt(const std::string& key, int64_t def, bool positive = false) const;
  Result<bool> GetBool(const std::string& key, bool def) const;
  const std::map<std::string, std::string>& map() const { return map_; }

 private:
  std::map<std::string, std::string> map_;
};

inline Result<int64_t> SourceOptions::GetInt(const std::string& key, int64_t def, bool positive) const {
  auto v = Get(key);
  if (!v) return def;
  int64_t x = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
  if (ec != std::errc() || end != v->data() + v->size()) {
    return Status::InvalidArgument("option '" + key + "' must be an integer, got '" + RedactValue(key, *v) + "'");
  }
  if (x < 0 || (positive && x == 0)) {
    return Status::InvalidArgument("option '" + key + "' must be " + (positive ? "positive" : "non-negative") +
                                   ", got '" + RedactValue(key, *v) + "'");
  }
  return x;
}

inline Result<bool> SourceOptions::GetBool(const std::string& key, bool def) const {
  auto v = Get(key);
  if (!v) return def;
  if (EqualsIgnoreCase(*v, "true")) return true;
  if (EqualsIgnoreCase(*v, "false")) return false;
  return Status::InvalidArgument("option '" + key + "' must be true or false, got '" + RedactValue(key, *v) + "'");
}

// Parses a non-negative decimal integer offset ("42"); Corruption naming the
// source when it is not one.
inline Result<int64_t> ParseLongOffset(const std::string& s, const std::string& source) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    return Status::Corruption(source + ": offset '" + s + "' is not a non-negative integer");
  }
  return static_cast<int64_t>(std::stoll(s));
}

}  // namespace sluice
