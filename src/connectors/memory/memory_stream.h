// MemoryStream: a source fed by the program (Spark's MemoryStream), for
// tests and examples. Every AddData call appends one "block" of rows and
// advances the offset by one: offset N = the first N blocks. Data lives in
// the process only, so a restarted query must use the same object.
#pragma once

#include <mutex>
#include <vector>

#include "connectors/source.h"

namespace sluice {

class MemoryStream : public Source {
 public:
  explicit MemoryStream(Schema schema, std::string name = "MemoryStream");

  // Appends a block; returns the offset that includes it.
  int64_t AddData(Batch batch);
  // Appends rows given as values (slow path for tests).
  Result<int64_t> AddRows(const std::vector<std::vector<Value>>& rows);
  int64_t current_offset() const;

  const Schema& schema() const override { return schema_; }
  std::string description() const override { return name_; }
  Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                  const ReadLimit& limit) override;
  Result<SourceBatch> GetBatch(const std::optional<std::string>& start, const std::string& end) override;
  Status PrepareForAvailableNow() override;

 private:
  std::optional<int64_t> cap_;  // GUARDED_BY(mu_)
  Schema schema_;
  std::string name_;
  mutable std::mutex mu_;
  std::vector<Batch> blocks_;  // GUARDED_BY(mu_)
};

}  // namespace sluice
