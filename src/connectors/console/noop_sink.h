// NoopSink: format("noop"), Spark's sink that drops every row (benchmarks).
#pragma once

#include "connectors/sink.h"

namespace sluice {

class NoopSink : public Sink {
 public:
  std::string description() const override { return "NoopSink"; }
  Status AddBatch(int64_t, const Schema&, const std::vector<Batch>&, OutputMode) override { return Status::OK(); }
};

}  // namespace sluice
