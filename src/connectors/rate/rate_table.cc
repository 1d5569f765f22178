#include "connectors/rate/rate_table.h"

#include <algorithm>

#include "connectors/generated_source.h"

namespace sluice {

namespace {

// The scan of a RateTable: values [from, to) in gen.partitions partitions.
class RateScanOperator final : public PhysicalOperator {
 public:
  RateScanOperator(Schema output, std::string name, RateGenerator gen, int64_t from, int64_t to,
                   std::vector<int> columns, ExprPtr filter)
      : PhysicalOperator(std::move(output), {}),
        name_(std::move(name)),
        gen_(gen),
        from_(from),
        to_(to),
        columns_(std::move(columns)),
        filter_(std::move(filter)) {}

  int num_partitions() const override { return std::max(1, gen_.partitions); }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override {
    if (partition < 0 || partition >= num_partitions()) {
      return Status::Internal("RateScan has " + std::to_string(num_partitions()) + " partitions, asked for " +
                              std::to_string(partition));
    }
    int64_t lo = gen_.PartitionStart(from_, to_, partition), hi = gen_.PartitionStart(from_, to_, partition + 1);
    RateGenerator gen = gen_;
    return MakeGeneratedScanStream(
        [gen, columns = columns_](int64_t first, size_t n) { return gen.Generate(first, n, columns); }, lo, hi,
        filter_, ctx, "rate scan");
  }
  std::string name() const override { return "RateScan " + name_; }
  std::string details() const override {
    std::string s = "values=[" + std::to_string(from_) + ", " + std::to_string(to_) + ")";
    s += ", partitions=" + std::to_string(num_partitions());
    if (filter_) s += ", filter=" + filter_->ToString();
    return s;
  }

 private:
  std::string name_;
  RateGenerator gen_;
  int64_t from_;
  int64_t to_;
  std::vector<int> columns_;
  ExprPtr filter_;
};

}  // namespace

Result<PhysicalOperatorPtr> RateTable::CreateScan(const std::vector<int>& columns, ExprPtr filter) const {
  Schema out;
  for (int c : columns) {
    if (c != RateGenerator::kTimestampColumn && c != RateGenerator::kValueColumn) {
      return Status::Internal(name_ + " scan: no column " + std::to_string(c));
    }
    out.Add(schema_.field(static_cast<size_t>(c)));
  }
  if (filter && filter->type.id() != TypeId::kBoolean) {
    return Status::Internal(name_ + " scan: pushed filter must be BOOLEAN, got " + filter->type.ToString());
  }
  return PhysicalOperatorPtr(
      std::make_shared<RateScanOperator>(std::move(out), name_, gen_, from_, to_, columns, std::move(filter)));
}

}  // namespace sluice
