#include "connectors/memory/memory_stream.h"
#include "exec/operators/memory_table.h"

#include <algorithm>

namespace sluice {

MemoryStream::MemoryStream(Schema schema, std::string name) : schema_(std::move(schema)), name_(std::move(name)) {}

int64_t MemoryStream::AddData(Batch batch) {
  std::lock_guard<std::mutex> lock(mu_);
  blocks_.push_back(std::move(batch));
  return static_cast<int64_t>(blocks_.size());
}

Result<int64_t> MemoryStream::AddRows(const std::vector<std::vector<Value>>& rows) {
  std::vector<Vector> cols;
  for (const auto& f : schema_.fields()) cols.emplace_back(f.type, 0);
  for (const auto& r : rows) {
    if (r.size() != schema_.size()) {
      return Status::InvalidArgument("MemoryStream row has " + std::to_string(r.size()) + " values, schema has " +
                                     std::to_string(schema_.size()));
    }
    for (size_t c = 0; c < r.size(); ++c) cols[c].AppendValue(r[c]);
  }
  return AddData(Batch(std::move(cols), rows.size()));
}

int64_t MemoryStream::current_offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(blocks_.size());
}

Result<std::optional<std::string>> MemoryStream::LatestOffset(const std::optional<std::string>& start,
                                                              const ReadLimit& limit) {
  int64_t n = current_offset();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cap_) n = std::min(n, *cap_);
  }
  if (n == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::to_string(n));
}

Status MemoryStream::PrepareForAvailableNow() {
  std::lock_guard<std::mutex> lock(mu_);
  cap_ = static_cast<int64_t>(blocks_.size());
  return Status::OK();
}

Result<SourceBatch> MemoryStream::GetBatch(const std::optional<std::string>& start, const std::string& end) {
  int64_t from = 0;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(from, ParseLongOffset(*start, name_));
  }
  SLUICE_ASSIGN_OR_RETURN(int64_t to, ParseLongOffset(end, name_));
  std::lock_guard<std::mutex> lock(mu_);
  if (to > static_cast<int64_t>(blocks_.size()) || from > to) {
    return Status::InvalidArgument(name_ + ": offsets (" + std::to_string(from) + ", " + std::to_string(to) +
                                   "] are not available (it holds " + std::to_string(blocks_.size()) +
                                   " blocks); a MemoryStream does not survive its process");
  }
  std::vector<Batch> out(blocks_.begin() + from, blocks_.begin() + to);
  int64_t rows = 0;
  for (const auto& b : out) rows += static_cast<int64_t>(b.num_rows);
  return SourceBatch{std::make_shared<MemoryTable>(schema_, std::move(out), name_), rows, nullptr};
}

}  // namespace sluice
