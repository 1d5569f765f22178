// MetadataLog: a directory of small text files, one per batch id, written
// atomically and never overwritten (Spark's HDFSMetadataLog). OffsetLog and
// CommitLog are built on it; the format is in docs/checkpoint-format.md.
//
// File `<dir>/<batchId>` (decimal, no leading zeros):
//   "v<version> crc32=<8 lowercase hex digits>\n" then one line per entry
//   line, each ending in "\n". The checksum is zlib's CRC-32 of the file as
//   it reads without " crc32=...": "v<version>\n<lines>".
// Reading is strict: an empty file, a missing final newline, a bad or
// too-new version line, a checksum that does not match, a gap in the batch
// ids, or a stray file name is Status::Corruption naming the file (or
// directory) and the problem. A file without a checksum (written by a Sluice
// from before checksums) is read only below `checksums_from`, the first batch
// id whose file carries one (recorded in the checkpoint's `metadata` when
// the checkpoint was first opened by a Sluice with checksums); from there on
// a missing checksum is Corruption too, so stripping it does not help.
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
  // Files of batches >= `checksums_from` must carry a checksum (0: all). The
  // directory is created if missing.
  static Result<MetadataLog> Open(Env* env, std::string dir, int version = 1, int64_t checksums_from = 0);

  // Writes batch `batch_id` (atomically). Fails with AlreadyExists if the
  // batch is present, and with InvalidArgument if the log is not empty and
  // `batch_id` is not latest + 1. Lines must not contain '\n'.
  //
  // Add and PurgeBefore are the writer's calls (the holder of the
  // checkpoint's lock, one thread at a time): they list the directory once
  // and then keep the newest and oldest batch ids themselves, so that a
  // batch costs no directory listing (a stream writes two logs and purges
  // both every batch). Readers (Get, ListBatchIds, GetLatest...) always
  // look at the directory. A failed Add or PurgeBefore forgets what it kept.
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

  int64_t checksums_from() const { return checksums_from_; }

  // The whole-file codec, shared by every text file of a checkpoint
  // (`metadata`, offsets, commits, source logs) and the file sink manifest.
  // Serialize writes the version line with its checksum.
  static std::string Serialize(int version, const std::vector<std::string>& lines);
  // A file read back: the lines after the version line, and whether it
  // carried a checksum (which was then verified).
  struct ParsedFile {
    int version = 0;
    bool has_checksum = false;
    std::vector<std::string> lines;
  };
  // Reads a file that may lack a checksum (one written before checksums):
  // the caller decides whether that is allowed. A checksum present must
  // match. `what` names the kind of file in messages ("log file").
  static Result<ParsedFile> ParseFile(const std::string& path, std::string_view contents, int max_version,
                                      std::string_view what = "log file");
  // Reads a file that must carry a checksum.
  static Result<std::vector<std::string>> Parse(const std::string& path, std::string_view contents,
                                                int max_version, std::string_view what = "log file");
  // The Corruption for a file without a checksum where one is required;
  // `rule` says why ("every file of <dir> carries one").
  static Status MissingChecksum(const std::string& path, std::string_view what, std::string_view first_line,
                                const std::string& rule);
  // zlib's CRC-32 of `data`, continuing from `crc` (0 to start).
  static uint32_t Crc32(std::string_view data, uint32_t crc = 0);
  // Parses a canonical non-negative decimal batch id ("0", "17"; not "017").
  static std::optional<int64_t> ParseBatchId(std::string_view s);

 private:
  MetadataLog(Env* env, std::string dir, int version, int64_t checksums_from)
      : env_(env), dir_(std::move(dir)), version_(version), checksums_from_(checksums_from) {}

  // The writer's view (see Add), valid once `known_` is set: the newest
  // batch id (none: the log is empty) and the lowest id that may still be
  // present (every id below it was purged or never written).
  struct Known {
    std::optional<int64_t> latest;
    int64_t oldest = 0;
  };
  Result<Known> KnownIds();

  Env* env_;
  std::string dir_;
  int version_;
  int64_t checksums_from_;
  std::optional<Known> known_;
};

}  // namespace sluice
