#include "connectors/memory/memory_sink.h"

namespace sluice {

MemorySink::MemorySink(Catalog* catalog, std::string table_name)
    : catalog_(catalog), table_name_(std::move(table_name)) {}

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
  if (catalog_ != nullptr && !table_name_.empty()) {
    SLUICE_RETURN_NOT_OK(
        catalog_->CreateTable(table_name_, std::make_shared<MemoryTable>(schema_, rows_, table_name_), true, false));
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

}  // namespace sluice
