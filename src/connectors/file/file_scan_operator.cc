#include "connectors/file/file_scan_operator.h"

#include "exec/expression_evaluator.h"

namespace sluice {

namespace {

class FilteringStream final : public BatchStream {
 public:
  FilteringStream(std::unique_ptr<BatchStream> in, ExprPtr filter, const ExecContext* ctx)
      : in_(std::move(in)), filter_(std::move(filter)), ctx_(ctx) {}

  Result<std::optional<Batch>> Next() override {
    while (true) {
      SLUICE_ASSIGN_OR_RETURN(auto batch, in_->Next());
      if (!batch || !filter_) return batch;
      SLUICE_ASSIGN_OR_RETURN(SelectionVector sel,
                              ExpressionEvaluator::Select(*filter_, *batch, nullptr, ctx_->eval));
      if (sel.empty()) continue;
      if (sel.size() == batch->num_rows) return batch;
      return std::optional<Batch>(batch->Gather(sel));
    }
  }

 private:
  std::unique_ptr<BatchStream> in_;
  ExprPtr filter_;
  const ExecContext* ctx_;
};

}  // namespace

FileScanOperator::FileScanOperator(std::shared_ptr<FileScan> scan, ExprPtr filter)
    : PhysicalOperator(scan->output_schema(), {}), scan_(std::move(scan)), filter_(std::move(filter)) {}

Result<std::shared_ptr<FileScanOperator>> FileScanOperator::Make(
    Env* env, FileFormat format, std::vector<std::string> paths, Schema data_schema, FileFormatOptions options,
    std::vector<int> projection, ExprPtr filter, Schema partition_schema, std::vector<int> output) {
  if (filter && filter->type.id() != TypeId::kBoolean) {
    return Status::InvalidArgument("pushed filter must be BOOLEAN, got " + filter->type.ToString());
  }
  SLUICE_ASSIGN_OR_RETURN(auto scan, FileScan::Make(env, format, std::move(paths), std::move(data_schema),
                                                    std::move(options), std::move(projection),
                                                    std::move(partition_schema), std::move(output), filter));
  return std::shared_ptr<FileScanOperator>(new FileScanOperator(std::move(scan), std::move(filter)));
}

Result<std::unique_ptr<BatchStream>> FileScanOperator::Open(int partition, ExecContext* ctx) const {
  SLUICE_ASSIGN_OR_RETURN(auto stream, scan_->OpenSplit(static_cast<size_t>(partition)));
  if (!filter_) return stream;
  return std::unique_ptr<BatchStream>(new FilteringStream(std::move(stream), filter_, ctx));
}

std::string FileScanOperator::name() const {
  return std::string("FileScan ") + FileFormatName(scan_->format());
}

std::string FileScanOperator::details() const {
  std::string s = "paths=[";
  for (size_t i = 0; i < scan_->paths().size(); ++i) s += (i ? ", " : "") + scan_->paths()[i];
  s += "], columns=[";
  const Schema out = scan_->output_schema();
  for (size_t i = 0; i < out.size(); ++i) s += (i ? ", " : "") + out.field(i).name;
  s += "]";
  if (filter_) s += ", filter=" + filter_->ToString();
  s += ", splits=" + std::to_string(scan_->splits().size());
  if (scan_->files_pruned() > 0) s += ", files pruned=" + std::to_string(scan_->files_pruned());
  return s;
}

}  // namespace sluice
