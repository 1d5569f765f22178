#include "connectors/console/console_sink.h"

#include "connectors/console/noop_sink.h"
#include "render/table_renderer.h"

namespace sluice {

Result<std::shared_ptr<ConsoleSink>> ConsoleSink::Make(const SourceOptions& options, std::FILE* out) {
  SLUICE_ASSIGN_OR_RETURN(int64_t n, options.GetInt("numRows", 20, true));
  size_t truncate = 20;
  auto t = options.Get("truncate");
  if (t) {
    if (EqualsIgnoreCase(*t, "false")) {
      truncate = 0;
    } else if (EqualsIgnoreCase(*t, "true")) {
      truncate = 20;
    } else {
      SLUICE_ASSIGN_OR_RETURN(int64_t tn, options.GetInt("truncate", 20));
      truncate = static_cast<size_t>(tn);
    }
  }
  return std::make_shared<ConsoleSink>(static_cast<size_t>(n), truncate, out);
}

std::string ConsoleSink::Format(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches) const {
  std::string s = "-------------------------------------------\nBatch: " + std::to_string(batch_id) +
                  "\n-------------------------------------------\n";
  s += RenderTable(schema, batches, num_rows_, truncate_);  // says "only showing top N rows" when cut
  s += "\n";
  return s;
}

Status ConsoleSink::AddBatch(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches,
                             OutputMode mode) {
  std::string s = Format(batch_id, schema, batches);
  std::fwrite(s.data(), 1, s.size(), out_);
  std::fflush(out_);
  return Status::OK();
}

Result<std::unique_ptr<SinkWriter>> ConsoleSink::BeginBatch(const SinkBatchInfo& batch, const Schema& schema,
                                                            OutputMode mode, int num_partitions) {
  return std::unique_ptr<SinkWriter>(
      // The table prints at most numRows rows of the partitions in order, so
      // numRows + 1 per partition is all it can need: the extra row makes it
      // say "only showing top N rows".
      std::make_unique<internal::CollectingSinkWriter>(this, batch.id, schema, mode, num_partitions, num_rows_ + 1));
}

ConnectorSpec ConsoleSink::Spec() {
  ConnectorSpec spec;
  spec.name = "console";
  spec.kind = ConnectorKind::kSink;
  spec.description = "prints every micro-batch as a table on standard output";
  spec.output_modes = {OutputMode::kAppend, OutputMode::kUpdate, OutputMode::kComplete};
  spec.options.Add(OptionSpec::Int("numRows", "20", 1, std::numeric_limits<int32_t>::max(), "rows printed per batch"))
      .Add(OptionSpec::String("truncate", "true",
                              "true (cells cut at 20 characters), false, or the number of characters"));
  spec.make_sink = [](const SourceOptions& options, const SinkCreateContext&) -> Result<SinkPtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, ConsoleSink::Make(options));
    return SinkPtr(s);
  };
  return spec;
}

ConnectorSpec NoopSink::Spec() {
  ConnectorSpec spec;
  spec.name = "noop";
  spec.kind = ConnectorKind::kSink;
  spec.description = "drops every row (benchmarks)";
  spec.output_modes = {OutputMode::kAppend, OutputMode::kUpdate, OutputMode::kComplete};
  spec.make_sink = [](const SourceOptions&, const SinkCreateContext&) -> Result<SinkPtr> {
    return SinkPtr(std::make_shared<NoopSink>());
  };
  return spec;
}

}  // namespace sluice
