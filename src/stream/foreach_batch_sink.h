// ForeachBatchSink: hands every micro-batch to a C++ callback with its batch
// id (Spark's foreachBatch). The callback must itself be idempotent per batch
// id for exactly-once (a batch is offered again after a crash). The public
// foreachBatch (include/sluice/streaming.h) wraps the batches in a
// QueryResult (streaming_api.cc).
#pragma once

#include <functional>

#include "connectors/sink.h"
#include "vector/vector.h"

namespace sluice {

using ForeachBatchFunction =
    std::function<Status(const Schema& schema, const std::vector<Batch>& batches, int64_t batch_id)>;

class ForeachBatchSink : public CollectingSink {
 public:
  explicit ForeachBatchSink(ForeachBatchFunction fn) : fn_(std::move(fn)) {}
  std::string description() const override { return "ForeachBatchSink"; }
  Status AddBatch(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches,
                  OutputMode mode) override {
    return fn_(schema, batches, batch_id);
  }

 private:
  ForeachBatchFunction fn_;
};

}  // namespace sluice
