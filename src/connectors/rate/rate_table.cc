#include "connectors/rate/rate_table.h"

#include <algorithm>

#include "exec/expression_evaluator.h"

namespace sluice {

namespace {

class RateScanStream final : public BatchStream {
 public:
  RateScanStream(const RateGenerator& gen, int64_t from, int64_t to, std::vector<int> columns, ExprPtr filter,
                 const ExecContext* ctx)
      : gen_(gen), next_(from), end_(to), columns_(std::move(columns)), filter_(std::move(filter)), ctx_(ctx) {}

  Result<std::optional<Batch>> Next() override {
    while (next_ < end_) {
      // A filter may drop every row of many chunks in a row: the token is
      // checked per chunk, not per returned batch.
      if (ctx_->cancel->IsCancelled()) return ctx_->cancel->Check("rate scan");
      size_t n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(kBatchSize), end_ - next_));
      Batch batch = gen_.Generate(next_, n, columns_);
      next_ += static_cast<int64_t>(n);
      if (!filter_) return std::optional<Batch>(std::move(batch));
      SLUICE_ASSIGN_OR_RETURN(SelectionVector sel, ExpressionEvaluator::Select(*filter_, batch, nullptr, ctx_->eval));
      if (sel.empty()) continue;
      if (sel.size() == batch.num_rows) return std::optional<Batch>(std::move(batch));
      return std::optional<Batch>(batch.Gather(sel));
    }
    return std::optional<Batch>();
  }

 private:
  const RateGenerator gen_;
  int64_t next_;
  int64_t end_;
  const std::vector<int> columns_;
  const ExprPtr filter_;
  const ExecContext* ctx_;
};

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
    return std::unique_ptr<BatchStream>(std::make_unique<RateScanStream>(gen_, lo, hi, columns_, filter_, ctx));
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
