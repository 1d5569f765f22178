// Sink: where a streaming query's result goes (Spark's Sink).
//
// AddBatch(batchId, ...) is called once per micro-batch, after the offset log
// holds the batch and before the commit log does. After a crash the same
// batch may be offered again with the same data: a sink must be idempotent
// per batchId (skip a batch it already holds, or overwrite it exactly).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "env/env.h"
#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

// Spark's OutputMode.
enum class OutputMode : uint8_t { kAppend, kUpdate, kComplete };
const char* OutputModeName(OutputMode m);

struct SinkContext {
  Env* env = nullptr;
  std::string query_name;  // may be empty
  std::string query_id;
  std::string checkpoint_dir;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // "MemorySink", "FileSink[/out]" (progress "sink.description").
  virtual std::string description() const = 0;
  virtual Status Open(const SinkContext& ctx) { return Status::OK(); }
  // The result rows of batch `batch_id` (in update/append mode the new or
  // changed rows; in complete mode the whole result).
  virtual Status AddBatch(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches,
                          OutputMode mode) = 0;
  virtual void Stop() {}
};
using SinkPtr = std::shared_ptr<Sink>;

inline const char* OutputModeName(OutputMode m) {
  switch (m) {
    case OutputMode::kAppend: return "Append";
    case OutputMode::kUpdate: return "Update";
    case OutputMode::kComplete: return "Complete";
  }
  return "?";
}

}  // namespace sluice
