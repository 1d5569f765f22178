// CheckpointMetadata: `<checkpoint>/metadata`, the query's identity (Spark's
// StreamMetadata), created once, on the first start on a checkpoint:
//
//   v1 crc32=1a2b3c4d
//   {"id":"6f1c1f9e-2f0b-4a53-9c43-6c6f2b0b8a11"}
//
// (MetadataLog's codec: a version line with the file's checksum, then one
// JSON line.) A checkpoint written before log files had checksums has
// `{"id":"..."}` alone; the first start of this Sluice on it rewrites the
// file, recording for each log directory holding files without a checksum
// the first batch id whose file carries one:
//
//   {"id":"...","checksumsFrom":{"commits":8,"offsets":8,"sources/0":8}}
//
// so that old files stay readable while a checksum stripped from a newer
// one is still caught. The format is in docs/checkpoint-format.md.
//
// The query id stays the same across restarts; the run id is new (a random
// UUID v4) every time LoadOrCreate is called, i.e. per start.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "env/env.h"

namespace sluice {

struct CheckpointMetadata {
  static constexpr int kVersion = 1;

  std::string query_id;
  std::string run_id;
  // Log directory, relative to the checkpoint ("offsets", "commits",
  // "sources/0"), -> the first batch id whose file in it must carry a
  // checksum. A directory not listed: every file.
  std::map<std::string, int64_t> checksums_from;

  int64_t ChecksumsFrom(const std::string& log_dir) const {
    auto it = checksums_from.find(log_dir);
    return it == checksums_from.end() ? 0 : it->second;
  }

  // Reads `<checkpoint_dir>/metadata`, or creates it (atomically) with a new
  // query id if absent. Creates `checkpoint_dir` if needed. Absent while
  // offsets/ or commits/ hold batches is Corruption naming the file: the
  // query id cannot be made up again (exactly-once sinks are keyed by it).
  // A file from before checksums is rewritten in the current format (see
  // above). Only the holder of the checkpoint's lock may call it.
  static Result<CheckpointMetadata> LoadOrCreate(Env* env, const std::string& checkpoint_dir);
  // Parses the contents of a metadata file (either format); `path` names it
  // in errors. `legacy` is set when the file has the format from before
  // checksums.
  static Result<CheckpointMetadata> Parse(const std::string& path, std::string_view contents, bool* legacy);
  // The file's contents.
  std::string Serialize() const;
};

// A random (version 4, RFC 4122) UUID in its 36-character text form, from the
// OS random source.
std::string NewUuidV4();
// True for "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in lowercase or uppercase hex.
bool IsUuid(std::string_view s);

}  // namespace sluice
