#include "connectors/memory/memory_sink.h"

#include "exec/operators/memory_table.h"

namespace sluice {

MemorySink::MemorySink(TablePublisher* publisher, std::string table_name)
    : publisher_(publisher), table_name_(std::move(table_name)) {}

Status MemorySink::AddBatch(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches,
                            OutputMode mode) {
  std::lock_guard<std::mutex> lock(mu_);
  if (batch_id <= latest_batch_) return Status::OK();  // replayed: already held
  schema_ = schema;
  if (mode == OutputMode::kComplete) rows_.clear();
  for (const auto& b : batches) {
    if (b.num_rows > 0) rows_.push_back(b);
  }
  latest_batch_ = batch_id;
  ++added_;
  if (publisher_ != nullptr && !table_name_.empty()) {
    SLUICE_RETURN_NOT_OK(
        publisher_->PublishTable(table_name_, std::make_shared<MemoryTable>(schema_, rows_, table_name_)));
  }
  return Status::OK();
}

std::vector<std::vector<Value>> MemorySink::AllRows() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::vector<Value>> out;
  for (const auto& b : rows_) {
    for (size_t i = 0; i < b.num_rows; ++i) out.push_back(b.Row(i));
  }
  return out;
}

Schema MemorySink::schema() const {
  std::lock_guard<std::mutex> lock(mu_);
  return schema_;
}

int64_t MemorySink::latest_batch_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_batch_;
}

int64_t MemorySink::batches_added() const {
  std::lock_guard<std::mutex> lock(mu_);
  return added_;
}

ConnectorSpec MemorySink::Spec() {
  ConnectorSpec spec;
  spec.name = "memory";
  spec.kind = ConnectorKind::kSink;
  spec.description = "keeps the result in memory as a table named after the query (queryName)";
  spec.output_modes = {OutputMode::kAppend, OutputMode::kUpdate, OutputMode::kComplete};
  spec.make_sink = [](const SourceOptions&, const SinkCreateContext& ctx) -> Result<SinkPtr> {
    if (ctx.query_name.empty()) {
      return Status::InvalidArgument("queryName must be specified for memory sink (it names the result table)");
    }
    auto make = [&ctx]() -> std::shared_ptr<MemorySink> {
      return std::make_shared<MemorySink>(ctx.tables, ctx.query_name);
    };
    if (ctx.tables == nullptr) return SinkPtr(make());
    // The session keeps the sink (and so its table and latest batch id)
    // under the query's name; "memory:" keeps the key to this connector.
    std::shared_ptr<void> kept = ctx.tables->KeepForSession("memory:" + ToLower(ctx.query_name), make);
    return SinkPtr(std::static_pointer_cast<MemorySink>(kept));
  };
  return spec;
}

}  // namespace sluice
