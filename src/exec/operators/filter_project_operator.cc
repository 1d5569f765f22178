#include "exec/operators/filter_project_operator.h"

#include "exec/expression_evaluator.h"

namespace sluice {

namespace {

class FilterProjectStream : public BatchStream {
 public:
  FilterProjectStream(const FilterProjectOperator& op, std::unique_ptr<BatchStream> child, ExecContext* ctx)
      : op_(op), child_(std::move(child)), ctx_(ctx) {}

  Result<std::optional<Batch>> Next() override {
    while (true) {
      SLUICE_ASSIGN_OR_RETURN(auto in, child_->Next());
      if (!in) return std::optional<Batch>();
      Result<std::optional<Batch>> out = FilterAndProject(*in);
      if (!out.ok() && out.status().code() == StatusCode::kExecutionError) {
        return FirstErrorInRowOrder(*in, out.status());
      }
      if (!out.ok() || out->has_value()) return out;
    }
  }

 private:
  // The batch filtered and projected column by column; nullopt when the
  // filter keeps no row.
  Result<std::optional<Batch>> FilterAndProject(const Batch& in) {
    const SelectionVector* sel = nullptr;
    size_t rows = in.num_rows;
    if (op_.filter() != nullptr) {
      SLUICE_ASSIGN_OR_RETURN(sel_, ExpressionEvaluator::Select(*op_.filter(), in, nullptr, ctx_->eval));
      if (sel_.empty()) return std::optional<Batch>();
      rows = sel_.size();
      if (rows != in.num_rows) sel = &sel_;
    }
    Batch out;
    out.num_rows = rows;
    out.columns.reserve(op_.projections().size());
    for (const auto& p : op_.projections()) {
      SLUICE_ASSIGN_OR_RETURN(Vector v, ExpressionEvaluator::Evaluate(*p, in, sel, ctx_->eval));
      out.columns.push_back(std::move(v));
    }
    return std::optional<Batch>(std::move(out));
  }

  // A data error in a batch: which one Spark reports. Spark runs a row at a
  // time (the filter, then the select list left to right) and stops at the
  // first failure; column by column, the first failing column may hold a
  // later row's failure. So the batch is evaluated again one row at a time,
  // only on this error path, and the first failure in that order is
  // returned (`vectorized` when none shows up row by row).
  Status FirstErrorInRowOrder(const Batch& in, const Status& vectorized) {
    for (size_t r = 0; r < in.num_rows; ++r) {
      Batch row = in.Slice(r, 1);
      if (op_.filter() != nullptr) {
        auto kept = ExpressionEvaluator::Select(*op_.filter(), row, nullptr, ctx_->eval);
        if (!kept.ok()) return kept.status();
        if (kept->empty()) continue;
      }
      for (const auto& p : op_.projections()) {
        auto v = ExpressionEvaluator::Evaluate(*p, row, nullptr, ctx_->eval);
        if (!v.ok()) return v.status();
      }
    }
    return vectorized;
  }

  const FilterProjectOperator& op_;
  std::unique_ptr<BatchStream> child_;
  ExecContext* ctx_;
  SelectionVector sel_;
};

}  // namespace

FilterProjectOperator::FilterProjectOperator(PhysicalOperatorPtr child, ExprPtr filter,
                                             std::vector<ExprPtr> projections, Schema output)
    : PhysicalOperator(std::move(output), {std::move(child)}),
      filter_(std::move(filter)),
      projections_(std::move(projections)) {}

std::string FilterProjectOperator::details() const {
  std::string s;
  if (filter_) s += "filter=" + filter_->ToString() + ", ";
  s += "[";
  for (size_t i = 0; i < projections_.size(); ++i) s += (i ? ", " : "") + projections_[i]->ToString();
  return s + "]";
}

Result<std::unique_ptr<BatchStream>> FilterProjectOperator::Open(int partition, ExecContext* ctx) const {
  SLUICE_ASSIGN_OR_RETURN(auto child, children()[0]->Execute(partition, ctx));
  return std::unique_ptr<BatchStream>(std::make_unique<FilterProjectStream>(*this, std::move(child), ctx));
}

}  // namespace sluice
