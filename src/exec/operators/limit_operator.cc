#include "exec/operators/limit_operator.h"

#include <algorithm>

namespace sluice {

namespace {

class LimitStream : public BatchStream {
 public:
  LimitStream(const PhysicalOperator& child, int64_t limit, int64_t offset, ExecContext* ctx)
      : child_(child), remaining_(std::max<int64_t>(0, limit)), skip_(std::max<int64_t>(0, offset)), ctx_(ctx) {}

  Result<std::optional<Batch>> Next() override {
    while (remaining_ > 0) {
      if (!stream_) {
        if (partition_ >= child_.num_partitions()) break;
        SLUICE_ASSIGN_OR_RETURN(stream_, child_.Execute(partition_++, ctx_));
      }
      SLUICE_ASSIGN_OR_RETURN(auto b, stream_->Next());
      if (!b) {
        stream_.reset();
        continue;
      }
      auto rows = static_cast<int64_t>(b->num_rows);
      if (skip_ >= rows) {
        skip_ -= rows;
        continue;
      }
      int64_t take = std::min(rows - skip_, remaining_);
      Batch out = (skip_ == 0 && take == rows) ? std::move(*b)
                                               : b->Slice(static_cast<size_t>(skip_), static_cast<size_t>(take));
      skip_ = 0;
      remaining_ -= take;
      if (remaining_ == 0) stream_.reset();
      return std::optional<Batch>(std::move(out));
    }
    return std::optional<Batch>();
  }

 private:
  const PhysicalOperator& child_;
  int64_t remaining_;
  int64_t skip_;
  ExecContext* ctx_;
  int partition_ = 0;
  std::unique_ptr<BatchStream> stream_;
};

}  // namespace

LimitOperator::LimitOperator(PhysicalOperatorPtr child, int64_t limit, int64_t offset)
    : PhysicalOperator(child->output_schema(), {child}), limit_(limit), offset_(offset) {}

std::string LimitOperator::details() const {
  return std::to_string(limit_) + (offset_ ? ", offset=" + std::to_string(offset_) : "");
}

Result<std::unique_ptr<BatchStream>> LimitOperator::Open(int partition, ExecContext* ctx) const {
  if (partition != 0) return Status::Internal("Limit has one partition");
  return std::unique_ptr<BatchStream>(std::make_unique<LimitStream>(*children()[0], limit_, offset_, ctx));
}

}  // namespace sluice
