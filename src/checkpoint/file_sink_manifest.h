// FileSinkManifest: `<output>/_sluice_metadata/`, the list of data files a
// file sink committed, per batch (Spark's FileStreamSinkLog). Readers trust
// only files listed here; a file in the output directory that is not listed
// (left by a batch that crashed before its manifest entry) does not exist.
//
// `<batchId>`:          v2 line; the batch's offsets digest (what the batch
// covered, given by the runner: SinkBatchInfo); one JSON line per file
// written by the batch, with its size and CRC-32 (zlib's crc32 of its bytes):
//   {"batchId":7,"offsetsDigest":"fnv1a64:0123456789abcdef"}
//   {"path":"part-00000-....json","size":1234,"modificationTime":1700000000000,"action":"add","crc32":"cbf43926"}
// `<batchId>.compact`:  same format, every live file of batches 0..batchId,
// and the digests of the last kDigestWindow batches.
// Version 1 files (no digest line, no crc32) stay readable: their batches'
// digests and their files' checksums are unknown, so not checked.
//
// Batch b is a compaction batch when (b + 1) % compact_interval == 0 (Spark's
// rule; default interval 10 as spark.sql.streaming.fileSink.log.compactInterval):
// its file is `<b>.compact`, holding the previous compact file's entries plus
// every batch since, after which the files it replaces are deleted. So a
// reader reads at most one compact file and interval - 1 batch files.
//
// A batch is written only after its data files are complete and synced, so
// HasBatch(b) tells a replayed batch (after a crash) that it is already done.
//
// Every file has MetadataLog's format, a version line with the file's
// checksum then the lines, checked on read. `checksums` (same format, one
// line {"checksumsFromBatch":N}) records the first batch whose file carries
// a checksum: the writer creates it before the first batch file it writes,
// with N = that batch (0 for a new query; for a manifest written before
// checksums, the next batch: its older files stay readable). A file without a checksum at
// or after N, or with one while `checksums` is missing, is Corruption.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "env/env.h"

namespace sluice {

struct SinkFileEntry {
  std::string path;  // as the sink chose to record it (normally relative to the output dir)
  int64_t size = 0;
  int64_t modification_time_ms = 0;
  std::string action = "add";  // "add" or "delete"
  // zlib's crc32 of the file's bytes (unknown in manifests written before
  // version 2).
  std::optional<uint32_t> crc32 = std::nullopt;

  bool operator==(const SinkFileEntry&) const = default;
};

class FileSinkManifest {
 public:
  // Written, and the newest readable; version 1 is read too.
  static constexpr int kVersion = 2;
  static constexpr int kDefaultCompactInterval = 10;
  // The file recording where checksums begin.
  static constexpr const char* kChecksumsFileName = "checksums";
  // A compact file keeps the offsets digests of this many newest batches
  // (older batches can no longer be replayed: the runner's offset log keeps
  // fewer entries by default, minBatchesToRetain = 100).
  static constexpr int64_t kDigestWindow = 100;

  // Opens `<output_dir>/_sluice_metadata`, creating it if needed.
  static Result<FileSinkManifest> Open(Env* env, const std::string& output_dir,
                                       int compact_interval = kDefaultCompactInterval);

  // Records batch `batch_id`. It must be the next batch (latest + 1; any id
  // when the manifest is empty); AlreadyExists if it was recorded before.
  // `offsets_digest` (SinkBatchInfo::offsets_digest; empty: none) is
  // recorded with it.
  Status AddBatch(int64_t batch_id, const std::vector<SinkFileEntry>& files,
                  const std::string& offsets_digest = {});
  // True if batch `batch_id` was recorded (its files are committed).
  Result<bool> HasBatch(int64_t batch_id) const;
  // The offsets digest recorded with batch `batch_id`; nullopt if the batch
  // is not recorded, was recorded without one (a version 1 manifest), or is
  // older than the digests a compact file keeps (kDigestWindow).
  Result<std::optional<std::string>> GetOffsetsDigest(int64_t batch_id) const;
  Result<std::optional<int64_t>> GetLatestBatchId() const;
  // Every live file: "add" entries not later deleted, in the order added.
  Result<std::vector<SinkFileEntry>> AllFiles() const;
  // Reads every manifest file a reader would (and `checksums`): OK if all
  // of them are intact, else the Corruption naming the first bad one.
  Status Validate() const;
  // Deletes temp files left by a crash. Only the writing sink may call it.
  Status CleanTempFiles();

  static bool IsCompactionBatch(int64_t batch_id, int interval) {
    return (batch_id + 1) % interval == 0;
  }
  const std::string& dir() const { return dir_; }
  std::string PathFor(int64_t batch_id) const;

 private:
  FileSinkManifest(Env* env, std::string dir, int interval)
      : env_(env), dir_(std::move(dir)), interval_(interval) {}

  // Files a reader needs: the newest compact file and the batches after it.
  struct Listing {
    std::optional<int64_t> compact;     // newest compact batch id
    std::vector<int64_t> batches;       // batch files after it, ascending
    std::vector<std::string> obsolete;  // names older than `compact`
    std::optional<int64_t> latest;
    bool has_checksums_file = false;
  };
  // One manifest file: its file entries and batch digests.
  struct Contents {
    std::vector<SinkFileEntry> files;
    std::map<int64_t, std::string> digests;  // batch id -> offsets digest
  };
  Result<Listing> List() const;
  // `file_id`: the batch the file is named after; `compact`: a compact file
  // (else a batch file, whose digest line must name `file_id`);
  // `checksums_from`: what `checksums` records (nullopt: no such file).
  Result<Contents> ReadFile(const std::string& path, int64_t file_id, bool compact,
                            std::optional<int64_t> checksums_from) const;
  Result<std::optional<int64_t>> ReadChecksumsFrom(const Listing& l) const;
  std::string ChecksumsFilePath() const;
  // Every entry and digest of the files of `l`, deletes applied.
  Result<Contents> ReadAll(const Listing& l) const;
  Result<std::vector<SinkFileEntry>> AllFilesOnce() const;

  Env* env_;
  std::string dir_;
  int interval_;
};

}  // namespace sluice
