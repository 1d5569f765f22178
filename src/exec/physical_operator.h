// PhysicalOperator: a node of the physical plan. Plans are immutable and may
// be executed many times (every micro-batch); the state of one execution
// lives in the BatchStream that Open returns.
//
// Parallelism follows Spark's model: an operator's output is split into
// num_partitions() independent streams. Scans have one partition per split;
// pipelined operators (filter/project) keep their child's partitioning;
// blocking operators (aggregate, sort, join build) drain all child
// partitions in parallel and usually produce one partition.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "common/phase_times.h"
#include "exec/eval_context.h"
#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

// One execution of a physical plan (a batch query, or one micro-batch). It
// outlives every stream opened with it.
class PhysicalOperator;

// What each operator of one execution did: the rows its partition streams
// returned and the time spent in its own Open and Next calls (not in its
// children's calls made from the same thread), summed over its partitions.
// Each stream counts in plain fields and adds them here once, when it ends
// or is destroyed, so the cost per batch of rows is two clock reads.
struct OperatorStats {
  int64_t num_output_rows = 0;
  int64_t num_output_batches = 0;
  int64_t time_nanos = 0;
  int64_t partitions_opened = 0;
};

class OperatorMetrics {
 public:
  struct Slot {
    std::atomic<int64_t> rows{0}, batches{0}, nanos{0}, partitions{0};
  };
  // The slot of `op`, created at first use (a lock: once per partition opened).
  Slot* For(const PhysicalOperator* op);
  // What `op` did so far (zeros if it never ran).
  OperatorStats Get(const PhysicalOperator* op) const;

 private:
  mutable std::mutex mu_;
  std::map<const PhysicalOperator*, std::unique_ptr<Slot>> slots_;
};

struct ExecContext {
  EvalContext eval;
  // Threads a blocking operator may use to drain its children (0 = all of the
  // process-wide thread pool, common/thread_pool.h).
  int max_threads = 0;
  // Checked between batches: a cancelled query stops producing rows.
  const CancellationToken* cancel = &CancellationToken::Never();
  // Where operators and scans add the time of their phases (a Kafka scan's
  // fetch waits); null: not measured (batch queries).
  PhaseTimes* phase_times = nullptr;
  // Where Execute() counts each operator's rows and time; null: not counted
  // (batch queries). Micro-batches count (the plan of the last batch, with
  // these, is what the monitoring UI shows).
  OperatorMetrics* metrics = nullptr;

  // State that all partitions of one operator share within this execution
  // (a hash join's build side): created by `make` on first use, then the same
  // object for every later call with the same owner, until the context dies.
  template <typename T, typename Make>
  std::shared_ptr<T> Shared(const void* owner, Make make) {
    std::lock_guard<std::mutex> lock(shared_mu_);
    auto& slot = shared_[owner];
    if (!slot) slot = make();
    return std::static_pointer_cast<T>(slot);
  }

 private:
  std::mutex shared_mu_;
  std::map<const void*, std::shared_ptr<void>> shared_;
};

class BatchStream {
 public:
  virtual ~BatchStream() = default;
  // The next non-empty batch, or nullopt at the end.
  virtual Result<std::optional<Batch>> Next() = 0;
};

class PhysicalOperator;
using PhysicalOperatorPtr = std::shared_ptr<const PhysicalOperator>;

class PhysicalOperator {
 public:
  PhysicalOperator(Schema output, std::vector<PhysicalOperatorPtr> children)
      : output_(std::move(output)), children_(std::move(children)) {}
  virtual ~PhysicalOperator() = default;

  const Schema& output_schema() const { return output_; }
  const std::vector<PhysicalOperatorPtr>& children() const { return children_; }

  virtual int num_partitions() const = 0;
  // Operators implement Open; whoever runs a partition (a parent operator,
  // CollectAll, ForEachBatch) calls Execute, which is Open plus the counts of
  // ctx->metrics when it is set.
  virtual Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const = 0;
  Result<std::unique_ptr<BatchStream>> Execute(int partition, ExecContext* ctx) const;

  // "HashAggregate", "FileScan json"...
  virtual std::string name() const = 0;
  // One-line details: "keys=[#0], aggs=[count(#1)]".
  virtual std::string details() const { return ""; }
  // The subtree, one operator per line, children indented.
  std::string ToTreeString(int indent = 0) const;

 private:
  Schema output_;
  std::vector<PhysicalOperatorPtr> children_;
};

// Drains every partition of `op` (partitions in parallel) and returns the
// batches in partition order.
Result<std::vector<Batch>> CollectAll(const PhysicalOperator& op, ExecContext* ctx);
// Drains every partition of `op` (partitions in parallel), handing each batch
// to `fn(partition, batch)` as soon as it is produced, from the partition's
// thread: nothing is kept, so memory stays that of the batches in flight.
// Stops at the first error of a partition or of `fn`.
Status ForEachBatch(const PhysicalOperator& op, ExecContext* ctx,
                    const std::function<Status(int partition, Batch batch)>& fn);
// Drains one partition.
Result<std::vector<Batch>> CollectPartition(const PhysicalOperator& op, int partition,
                                            ExecContext* ctx);

// A stream over batches already in memory.
class VectorBatchStream : public BatchStream {
 public:
  explicit VectorBatchStream(std::vector<Batch> batches) : batches_(std::move(batches)) {}
  Result<std::optional<Batch>> Next() override {
    while (pos_ < batches_.size()) {
      Batch& b = batches_[pos_++];
      if (b.num_rows > 0) return std::optional<Batch>(std::move(b));
    }
    return std::optional<Batch>();
  }

 private:
  std::vector<Batch> batches_;
  size_t pos_ = 0;
};

}  // namespace sluice
