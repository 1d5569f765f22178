// NoopSink: format("noop"), Spark's sink that drops every row (benchmarks).
// Its writer drops each batch as it comes, so a micro-batch costs no more
// memory than its batches in flight.
#pragma once

#include "connectors/connector_registry.h"
#include "connectors/sink.h"

namespace sluice {

class NoopSink : public Sink {
 public:
  static ConnectorSpec Spec();  // defined in console_sink.cc
  std::string description() const override { return "NoopSink"; }
  Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo&, const Schema&, OutputMode, int) override {
    return std::unique_ptr<SinkWriter>(std::make_unique<Writer>());
  }

 private:
  class Writer final : public SinkWriter {
   public:
    Status Write(int, Batch) override { return Status::OK(); }
    Status Commit() override { return Status::OK(); }
  };
};

}  // namespace sluice
