// CheckpointMetadata: `<checkpoint>/metadata`, the query's identity (Spark's
// StreamMetadata). Created once, on the first start on a checkpoint:
//
//   {"id":"6f1c1f9e-2f0b-4a53-9c43-6c6f2b0b8a11"}\n
//
// The query id stays the same across restarts; the run id is new (a random
// UUID v4) every time LoadOrCreate is called, i.e. per start.
#pragma once

#include <string>

#include "env/env.h"

namespace sluice {

struct CheckpointMetadata {
  std::string query_id;
  std::string run_id;

  // Reads `<checkpoint_dir>/metadata`, or creates it (atomically) with a new
  // query id if absent. Creates `checkpoint_dir` if needed. Absent while
  // offsets/ or commits/ hold batches is Corruption naming the file: the
  // query id cannot be made up again (exactly-once sinks are keyed by it).
  static Result<CheckpointMetadata> LoadOrCreate(Env* env, const std::string& checkpoint_dir);
};

// A random (version 4, RFC 4122) UUID in its 36-character text form, from the
// OS random source.
std::string NewUuidV4();
// True for "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in lowercase or uppercase hex.
bool IsUuid(std::string_view s);

}  // namespace sluice
