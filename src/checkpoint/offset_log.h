// OffsetLog: `<checkpoint>/offsets/<batchId>`, the write-ahead log of batch
// boundaries (Spark's OffsetSeqLog). Written before a batch runs; on restart
// the newest entry says exactly which offsets the batch covers.
//
//   v1 crc32=1a2b3c4d
//   {"batchWatermarkMs":0,"batchTimestampMs":1700000000000,"conf":{"k":"v"}}
//   {"topic":{"0":42}}          <- source 0's offset JSON
//   -                           <- source 1 has no offset yet
//
// Every line ends in '\n' (Spark omits the final one; Sluice requires it so
// that a truncated last line is detected).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/metadata_log.h"

namespace sluice {

// Spark's OffsetSeqMetadata.
struct OffsetSeqMetadata {
  int64_t batch_watermark_ms = 0;
  int64_t batch_timestamp_ms = 0;
  // Settings pinned for the life of the checkpoint (e.g. shuffle partitions).
  std::map<std::string, std::string> conf;

  bool operator==(const OffsetSeqMetadata&) const = default;
};

// One entry: metadata plus, per source in plan order, its end offset as an
// opaque JSON string (nullopt: the source has no data yet, written "-").
struct OffsetSeq {
  OffsetSeqMetadata metadata;
  std::vector<std::optional<std::string>> offsets;

  bool operator==(const OffsetSeq&) const = default;
};

// What a batch covers, in one short string that sinks store with the batch
// (SinkBatchInfo::offsets_digest): FNV-1a, 64 bits, of the text holding,
// for each source in plan order, its start offset then its end offset, each
// as its offset-log line (the JSON, or "-" for none) followed by '\n';
// written "fnv1a64:" and 16 lowercase hex digits. A batch run again with
// the offsets of its offset-log entry gets the same digest; a batch id
// re-planned over other offsets almost surely gets another.
std::string SourceOffsetsDigest(const std::vector<std::optional<std::string>>& start,
                                const std::vector<std::optional<std::string>>& end);

class OffsetLog {
 public:
  static constexpr int kVersion = 1;

  // Opens (creating if needed) `<checkpoint_dir>/offsets`. Files of batches
  // >= `checksums_from` must carry a checksum (CheckpointMetadata says where
  // checksums began; 0 for a checkpoint that always had them).
  static Result<OffsetLog> Open(Env* env, const std::string& checkpoint_dir, int64_t checksums_from = 0);

  Status Add(int64_t batch_id, const OffsetSeq& entry);
  Result<OffsetSeq> Get(int64_t batch_id) const;
  Result<std::optional<std::pair<int64_t, OffsetSeq>>> GetLatest() const;
  Result<std::optional<int64_t>> GetLatestBatchId() const { return log_.GetLatestBatchId(); }

  MetadataLog& log() { return log_; }
  const MetadataLog& log() const { return log_; }

  static std::vector<std::string> Serialize(const OffsetSeq& entry);
  // `lines` are the lines after the version line of file `path`.
  static Result<OffsetSeq> Parse(const std::string& path, const std::vector<std::string>& lines);

 private:
  explicit OffsetLog(MetadataLog log) : log_(std::move(log)) {}
  MetadataLog log_;
};

}  // namespace sluice
