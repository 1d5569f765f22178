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
      const SelectionVector* sel = nullptr;
      size_t rows = in->num_rows;
      if (op_.filter() != nullptr) {
        SLUICE_ASSIGN_OR_RETURN(sel_, ExpressionEvaluator::Select(*op_.filter(), *in, nullptr, ctx_->eval));
        if (sel_.empty()) continue;
        rows = sel_.size();
        if (rows != in->num_rows) sel = &sel_;
      }
      Batch out;
      out.num_rows = rows;
      out.columns.reserve(op_.projections().size());
      for (const auto& p : op_.projections()) {
        SLUICE_ASSIGN_OR_RETURN(Vector v, ExpressionEvaluator::Evaluate(*p, *in, sel, ctx_->eval));
        out.columns.push_back(std::move(v));
      }
      return std::optional<Batch>(std::move(out));
    }
  }

 private:
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
  SLUICE_ASSIGN_OR_RETURN(auto child, children()[0]->Open(partition, ctx));
  return std::unique_ptr<BatchStream>(std::make_unique<FilterProjectStream>(*this, std::move(child), ctx));
}

}  // namespace sluice
