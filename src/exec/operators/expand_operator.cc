#include "exec/operators/expand_operator.h"

#include <deque>

#include "exec/expression_evaluator.h"

namespace sluice {

namespace {

class ExpandStream : public BatchStream {
 public:
  ExpandStream(const ExpandOperator& op, std::unique_ptr<BatchStream> child, ExecContext* ctx)
      : op_(op), child_(std::move(child)), ctx_(ctx) {}

  Result<std::optional<Batch>> Next() override {
    while (pending_.empty()) {
      SLUICE_ASSIGN_OR_RETURN(auto in, child_->Next());
      if (!in) return std::optional<Batch>();
      if (in->num_rows == 0) continue;
      for (const auto& set : op_.sets()) {
        Batch out;
        out.num_rows = in->num_rows;
        for (const auto& e : set) {
          SLUICE_ASSIGN_OR_RETURN(Vector v, ExpressionEvaluator::Evaluate(*e, *in, nullptr, ctx_->eval));
          out.columns.push_back(std::move(v));
        }
        pending_.push_back(std::move(out));
      }
    }
    Batch b = std::move(pending_.front());
    pending_.pop_front();
    return std::optional<Batch>(std::move(b));
  }

 private:
  const ExpandOperator& op_;
  std::unique_ptr<BatchStream> child_;
  ExecContext* ctx_;
  std::deque<Batch> pending_;
};

}  // namespace

ExpandOperator::ExpandOperator(PhysicalOperatorPtr child, std::vector<std::vector<ExprPtr>> sets, Schema output)
    : PhysicalOperator(std::move(output), {std::move(child)}), sets_(std::move(sets)) {}

std::string ExpandOperator::details() const {
  std::string s;
  for (size_t i = 0; i < sets_.size(); ++i) {
    s += i ? ", [" : "[";
    for (size_t j = 0; j < sets_[i].size(); ++j) s += (j ? ", " : "") + sets_[i][j]->ToString();
    s += "]";
  }
  return s;
}

Result<std::unique_ptr<BatchStream>> ExpandOperator::Open(int partition, ExecContext* ctx) const {
  SLUICE_ASSIGN_OR_RETURN(auto child, children()[0]->Execute(partition, ctx));
  return std::unique_ptr<BatchStream>(std::make_unique<ExpandStream>(*this, std::move(child), ctx));
}

}  // namespace sluice
