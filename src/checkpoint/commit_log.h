// CommitLog: `<checkpoint>/commits/<batchId>`, written after the sink took
// batch `batchId` (Spark's CommitLog):
//
//   v1 crc32=1a2b3c4d
//   {"nextBatchWatermarkMs":0}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/metadata_log.h"

namespace sluice {

struct CommitMetadata {
  int64_t next_batch_watermark_ms = 0;
  bool operator==(const CommitMetadata&) const = default;
};

class CommitLog {
 public:
  static constexpr int kVersion = 1;

  // Opens (creating if needed) `<checkpoint_dir>/commits`. Files of batches
  // >= `checksums_from` must carry a checksum (CheckpointMetadata says where
  // checksums began; 0 for a checkpoint that always had them).
  static Result<CommitLog> Open(Env* env, const std::string& checkpoint_dir, int64_t checksums_from = 0);

  Status Add(int64_t batch_id, const CommitMetadata& entry);
  Result<CommitMetadata> Get(int64_t batch_id) const;
  Result<std::optional<std::pair<int64_t, CommitMetadata>>> GetLatest() const;
  Result<std::optional<int64_t>> GetLatestBatchId() const { return log_.GetLatestBatchId(); }

  MetadataLog& log() { return log_; }
  const MetadataLog& log() const { return log_; }

  static Result<CommitMetadata> Parse(const std::string& path,
                                      const std::vector<std::string>& lines);

 private:
  explicit CommitLog(MetadataLog log) : log_(std::move(log)) {}
  MetadataLog log_;
};

}  // namespace sluice
