// MetadataLog: a directory of small text files, one per batch id, written
// atomically and never overwritten (Spark's HDFSMetadataLog). OffsetLog and
// CommitLog are built on it; the format is in docs/checkpoint-format.md.
//
// File `<dir>/<batchId>` (decimal, no leading zeros):
//   "v<version>\n" then one line per entry line, each ending in "\n".
// Reading is strict: an empty file, a missing final newline, a bad or
// too-new version line, a gap in the batch ids, or a stray file name is
// Status::Corruption naming the file (or directory) and the problem.
//
// Temp files of interrupted atomic writes (".<name>.<hex>.tmp") are ignored
// by readers and deleted by CleanTempFiles(), which only the owner of the
// checkpoint (the holder of its CheckpointLock) may call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "env/env.h"

namespace sluice {

class MetadataLog {
 public:
  // `version` is written to new files and is the newest version readable.
  // The directory is created if missing.
  static Result<MetadataLog> Open(Env* env, std::string dir, int version = 1);

  // Writes batch `batch_id` (atomically). Fails with AlreadyExists if the
  // batch is present, and with InvalidArgument if the log is not empty and
  // `batch_id` is not latest + 1. Lines must not contain '\n'.
  Status Add(int64_t batch_id, const std::vector<std::string>& lines);
  // The lines after the version line. NotFound if the batch is absent.
  Result<std::vector<std::string>> Get(int64_t batch_id) const;
  // Batch ids present, ascending and contiguous (else Corruption).
  Result<std::vector<int64_t>> ListBatchIds() const;
  Result<std::optional<int64_t>> GetLatestBatchId() const;
  // The newest batch and its lines, if any.
  Result<std::optional<std::pair<int64_t, std::vector<std::string>>>> GetLatest() const;
  // Deletes every batch file with id < threshold (Spark's purge).
  Status PurgeBefore(int64_t threshold);
  // Deletes all but the newest `keep` batches.
  Status PurgeKeepLast(int64_t keep);
  // Deletes temp files left by a crash. Owner only.
  Status CleanTempFiles();

  std::string PathFor(int64_t batch_id) const;
  const std::string& dir() const { return dir_; }
  Env* env() const { return env_; }

  // The whole-file codec, shared with FileSinkManifest.
  static std::string Serialize(int version, const std::vector<std::string>& lines);
  static Result<std::vector<std::string>> Parse(const std::string& path, std::string_view contents,
                                                int max_version);
  // Parses a canonical non-negative decimal batch id ("0", "17"; not "017").
  static std::optional<int64_t> ParseBatchId(std::string_view s);

 private:
  MetadataLog(Env* env, std::string dir, int version)
      : env_(env), dir_(std::move(dir)), version_(version) {}

  Env* env_;
  std::string dir_;
  int version_;
};

}  // namespace sluice
