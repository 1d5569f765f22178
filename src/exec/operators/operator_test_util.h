// Test helpers for the operator tests: an in-memory source with N
// partitions that counts how many partitions were opened, and converters
// between rows of Values and batches.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "exec/physical_operator.h"
#include "types/value.h"

namespace sluice::testing {

using Row = std::vector<Value>;
using Rows = std::vector<Row>;

inline Batch MakeBatch(const Schema& schema, const Rows& rows) {
  Batch b = Batch::Empty(schema);
  for (const auto& r : rows) {
    for (size_t c = 0; c < schema.size(); ++c) b.columns[c].AppendValue(r[c]);
  }
  b.num_rows = rows.size();
  return b;
}

// A source whose partition p yields partitions[p] (each inner vector is a
// list of batches, given as rows).
class TestSourceOperator : public PhysicalOperator {
 public:
  TestSourceOperator(Schema schema, std::vector<std::vector<Rows>> partitions)
      : PhysicalOperator(schema, {}) {
    for (const auto& p : partitions) {
      std::vector<Batch> batches;
      for (const auto& rows : p) batches.push_back(MakeBatch(schema, rows));
      partitions_.push_back(std::move(batches));
    }
  }
  TestSourceOperator(Schema schema, std::vector<std::vector<Batch>> partitions)
      : PhysicalOperator(std::move(schema), {}), partitions_(std::move(partitions)) {}

  int num_partitions() const override { return static_cast<int>(partitions_.size()); }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext*) const override {
    opened_++;
    return std::unique_ptr<BatchStream>(
        std::make_unique<VectorBatchStream>(partitions_[static_cast<size_t>(partition)]));
  }
  std::string name() const override { return "TestSource"; }
  int opened() const { return opened_.load(); }

 private:
  std::vector<std::vector<Batch>> partitions_;
  mutable std::atomic<int> opened_{0};
};

inline std::shared_ptr<TestSourceOperator> Source(Schema schema, std::vector<std::vector<Rows>> parts) {
  return std::make_shared<TestSourceOperator>(std::move(schema), std::move(parts));
}

inline Rows ToRows(const std::vector<Batch>& batches) {
  Rows out;
  for (const auto& b : batches) {
    for (size_t i = 0; i < b.num_rows; ++i) out.push_back(b.Row(i));
  }
  return out;
}

inline std::string RowString(const Row& r) {
  std::string s = "(";
  for (size_t i = 0; i < r.size(); ++i) s += (i ? ", " : "") + r[i].ToSqlLiteral();
  return s + ")";
}

// Rows rendered and sorted: for comparing results whose order is unspecified.
inline std::vector<std::string> Sorted(const Rows& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(RowString(r));
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<std::string> InOrder(const Rows& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(RowString(r));
  return out;
}

inline Result<Rows> Execute(const PhysicalOperator& op, int max_threads = 4) {
  ExecContext ctx;
  ctx.max_threads = max_threads;
  SLUICE_ASSIGN_OR_RETURN(auto batches, CollectAll(op, &ctx));
  for (const auto& b : batches) {
    if (b.num_rows == 0) return Status::Internal("operator returned an empty batch");
    for (const auto& c : b.columns) {
      if (c.size() != b.num_rows) return Status::Internal("column size differs from num_rows");
    }
  }
  return ToRows(batches);
}

inline Value I(int32_t v) { return Value::Int(v); }
inline Value L(int64_t v) { return Value::Bigint(v); }
inline Value D(double v) { return Value::Double(v); }
inline Value S(std::string v) { return Value::String(std::move(v)); }
inline Value NullOf(DataType t) { return Value::Null(std::move(t)); }

}  // namespace sluice::testing
