// ConsoleSink: prints every batch as a table (Spark's console sink):
//
//   -------------------------------------------
//   Batch: 3
//   -------------------------------------------
//   +---+---+
//   ...
//
// Options: numRows (default 20), truncate (default true: cells cut at 20
// characters). Output goes to a FILE* (stdout by default). Its writer keeps
// only the rows it will print (numRows + 1 per partition: the extra row says
// rows were left out), so a batch of any size prints in bounded memory.
#pragma once

#include <cstdio>

#include "connectors/connector_registry.h"
#include "connectors/sink.h"
#include "connectors/source.h"

namespace sluice {

class ConsoleSink : public CollectingSink {
 public:
  static Result<std::shared_ptr<ConsoleSink>> Make(const SourceOptions& options, std::FILE* out = stdout);
  static ConnectorSpec Spec();
  ConsoleSink(size_t num_rows, size_t truncate, std::FILE* out)
      : num_rows_(num_rows), truncate_(truncate), out_(out) {}

  std::string description() const override { return "org.apache.spark.sql.execution.streaming.ConsoleSink"; }
  Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo& batch, const Schema& schema, OutputMode mode,
                                                 int num_partitions) override;
  Status AddBatch(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches,
                  OutputMode mode) override;
  // The text AddBatch prints.
  std::string Format(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches) const;

 private:
  size_t num_rows_;
  size_t truncate_;
  std::FILE* out_;
};

}  // namespace sluice
