#include "exec/operators/hash_aggregate_operator.h"

#include <algorithm>
#include <memory>

#include "common/parallel.h"
#include "exec/operators/aggregate_hash_table.h"

namespace sluice {

namespace {

// Emits one materialized batch in slices of kBatchSize rows.
class SlicingBatchStream : public BatchStream {
 public:
  using Producer = std::function<Result<Batch>()>;
  explicit SlicingBatchStream(Producer produce) : produce_(std::move(produce)) {}
  Result<std::optional<Batch>> Next() override {
    if (!produced_) {
      produced_ = true;
      SLUICE_ASSIGN_OR_RETURN(result_, produce_());
      produce_ = nullptr;
    }
    if (pos_ >= result_.num_rows) return std::optional<Batch>();
    size_t len = std::min(kBatchSize, result_.num_rows - pos_);
    Batch out = (pos_ == 0 && len == result_.num_rows) ? std::move(result_) : result_.Slice(pos_, len);
    pos_ += len;
    return std::optional<Batch>(std::move(out));
  }

 private:
  Producer produce_;
  bool produced_ = false;
  Batch result_;
  size_t pos_ = 0;
};

}  // namespace

HashAggregateOperator::HashAggregateOperator(PhysicalOperatorPtr child, std::vector<int> key_columns,
                                             std::vector<AggregateCall> aggs, Schema output)
    : PhysicalOperator(std::move(output), {std::move(child)}),
      key_columns_(std::move(key_columns)),
      aggs_(std::move(aggs)) {}

std::string HashAggregateOperator::details() const {
  std::string s = "keys=[";
  for (size_t i = 0; i < key_columns_.size(); ++i) {
    s += (i ? ", #" : "#") + std::to_string(key_columns_[i]);
  }
  s += "], aggs=[";
  for (size_t i = 0; i < aggs_.size(); ++i) {
    const auto& a = aggs_[i];
    if (i) s += ", ";
    s += a.name + "(" + (a.distinct ? "DISTINCT " : "") +
         (a.input_column < 0 ? std::string("*") : "#" + std::to_string(a.input_column)) + ")";
  }
  return s + "]";
}

Result<std::unique_ptr<BatchStream>> HashAggregateOperator::Open(int partition,
                                                                 ExecContext* ctx) const {
  if (partition != 0) return Status::Internal("HashAggregate has one partition");
  const PhysicalOperator& child = *children()[0];
  std::vector<DataType> key_types;
  for (int c : key_columns_) key_types.push_back(child.output_schema().field(static_cast<size_t>(c)).type);
  auto produce = [this, ctx, key_types, &child]() -> Result<Batch> {
    size_t parts = static_cast<size_t>(child.num_partitions());
    size_t threads = static_cast<size_t>(ParallelForConcurrency(ctx->max_threads));
    threads = std::max<size_t>(1, std::min(threads, parts));
    std::vector<std::unique_ptr<AggregateHashTable>> tables(threads);
    for (auto& t : tables) t = std::make_unique<AggregateHashTable>(key_types, key_columns_, aggs_);
    // Task t drains partitions t, t + threads, ... into its own table.
    SLUICE_RETURN_NOT_OK(ParallelFor(
        threads,
        [&](size_t t) -> Status {
          for (size_t p = t; p < parts; p += threads) {
            SLUICE_ASSIGN_OR_RETURN(auto stream, child.Execute(static_cast<int>(p), ctx));
            while (true) {
              SLUICE_ASSIGN_OR_RETURN(auto batch, stream->Next());
              if (!batch) break;
              SLUICE_RETURN_NOT_OK(tables[t]->Update(*batch));
            }
          }
          return Status::OK();
        },
        static_cast<int>(threads)));
    for (size_t t = 1; t < threads; ++t) {
      SLUICE_RETURN_NOT_OK(tables[0]->Merge(*tables[t]));
      tables[t].reset();
    }
    return tables[0]->Finalize();
  };
  return std::unique_ptr<BatchStream>(std::make_unique<SlicingBatchStream>(std::move(produce)));
}

}  // namespace sluice
