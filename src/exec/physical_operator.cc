#include "exec/physical_operator.h"

#include <chrono>

#include "common/parallel.h"

namespace sluice {

namespace {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The time spent in nested metered calls (children's Open/Next) of the
// metered call running on this thread; null outside one.
thread_local int64_t* tls_nested_nanos = nullptr;

// Times one call of an operator's Open or Next: its elapsed time goes to the
// caller's nested time (the caller is the parent, when it runs on this
// thread), and the elapsed time minus its own nested calls is its self time.
class MeteredCall {
 public:
  MeteredCall() : outer_(tls_nested_nanos), start_(NowNanos()) { tls_nested_nanos = &nested_; }
  // Restores the caller's frame (also when the call throws); the self time.
  ~MeteredCall() { End(); }
  int64_t End() {
    if (done_) return 0;
    done_ = true;
    int64_t elapsed = NowNanos() - start_;
    tls_nested_nanos = outer_;
    if (outer_ != nullptr) *outer_ += elapsed;
    return elapsed - nested_;
  }
  MeteredCall(const MeteredCall&) = delete;
  MeteredCall& operator=(const MeteredCall&) = delete;

 private:
  int64_t* outer_;
  int64_t start_;
  int64_t nested_ = 0;
  bool done_ = false;
};

class MeteredStream : public BatchStream {
 public:
  MeteredStream(std::unique_ptr<BatchStream> in, OperatorMetrics::Slot* slot, int64_t open_nanos)
      : in_(std::move(in)), slot_(slot), nanos_(open_nanos) {}
  ~MeteredStream() override { Flush(); }
  Result<std::optional<Batch>> Next() override {
    Result<std::optional<Batch>> r = std::optional<Batch>();
    {
      MeteredCall call;
      r = in_->Next();
      nanos_ += call.End();
    }
    if (r.ok() && r->has_value()) {
      rows_ += static_cast<int64_t>((*r)->num_rows);
      ++batches_;
    } else {
      Flush();
    }
    return r;
  }

 private:
  void Flush() {
    if (rows_ != 0) slot_->rows.fetch_add(rows_, std::memory_order_relaxed);
    if (batches_ != 0) slot_->batches.fetch_add(batches_, std::memory_order_relaxed);
    if (nanos_ != 0) slot_->nanos.fetch_add(nanos_, std::memory_order_relaxed);
    rows_ = batches_ = nanos_ = 0;
  }
  std::unique_ptr<BatchStream> in_;
  OperatorMetrics::Slot* slot_;
  int64_t rows_ = 0, batches_ = 0, nanos_ = 0;
};

}  // namespace

OperatorMetrics::Slot* OperatorMetrics::For(const PhysicalOperator* op) {
  std::lock_guard<std::mutex> l(mu_);
  auto& slot = slots_[op];
  if (!slot) slot = std::make_unique<Slot>();
  return slot.get();
}

OperatorStats OperatorMetrics::Get(const PhysicalOperator* op) const {
  std::lock_guard<std::mutex> l(mu_);
  OperatorStats s;
  auto it = slots_.find(op);
  if (it == slots_.end()) return s;
  s.num_output_rows = it->second->rows.load(std::memory_order_relaxed);
  s.num_output_batches = it->second->batches.load(std::memory_order_relaxed);
  s.time_nanos = it->second->nanos.load(std::memory_order_relaxed);
  s.partitions_opened = it->second->partitions.load(std::memory_order_relaxed);
  return s;
}

Result<std::unique_ptr<BatchStream>> PhysicalOperator::Execute(int partition, ExecContext* ctx) const {
  if (ctx->metrics == nullptr) return Open(partition, ctx);
  OperatorMetrics::Slot* slot = ctx->metrics->For(this);
  slot->partitions.fetch_add(1, std::memory_order_relaxed);
  Result<std::unique_ptr<BatchStream>> opened = std::unique_ptr<BatchStream>();
  int64_t open_nanos = 0;
  {
    MeteredCall call;
    opened = Open(partition, ctx);
    open_nanos = call.End();
  }
  if (!opened.ok()) {
    slot->nanos.fetch_add(open_nanos, std::memory_order_relaxed);
    return opened;
  }
  return std::unique_ptr<BatchStream>(std::make_unique<MeteredStream>(std::move(*opened), slot, open_nanos));
}

std::string PhysicalOperator::ToTreeString(int indent) const {
  std::string s(static_cast<size_t>(indent) * 2, ' ');
  s += indent == 0 ? "" : "+- ";
  s += name();
  std::string d = details();
  if (!d.empty()) s += " " + d;
  s += "\n";
  for (const auto& c : children_) s += c->ToTreeString(indent + 1);
  return s;
}

Result<std::vector<Batch>> CollectPartition(const PhysicalOperator& op, int partition,
                                            ExecContext* ctx) {
  std::vector<Batch> out;
  SLUICE_ASSIGN_OR_RETURN(auto stream, op.Execute(partition, ctx));
  while (true) {
    if (ctx->cancel->IsCancelled()) return ctx->cancel->Check("query execution");
    SLUICE_ASSIGN_OR_RETURN(auto next, stream->Next());
    if (!next) break;
    out.push_back(std::move(*next));
  }
  return out;
}

Status ForEachBatch(const PhysicalOperator& op, ExecContext* ctx,
                    const std::function<Status(int partition, Batch batch)>& fn) {
  return ParallelFor(
      static_cast<size_t>(op.num_partitions()),
      [&](size_t p) -> Status {
        SLUICE_ASSIGN_OR_RETURN(auto stream, op.Execute(static_cast<int>(p), ctx));
        while (true) {
          if (ctx->cancel->IsCancelled()) return ctx->cancel->Check("query execution");
          SLUICE_ASSIGN_OR_RETURN(auto next, stream->Next());
          if (!next) return Status::OK();
          SLUICE_RETURN_NOT_OK(fn(static_cast<int>(p), std::move(*next)));
        }
      },
      ctx->max_threads);
}

Result<std::vector<Batch>> CollectAll(const PhysicalOperator& op, ExecContext* ctx) {
  int n = op.num_partitions();
  std::vector<std::vector<Batch>> parts(static_cast<size_t>(n));
  SLUICE_RETURN_NOT_OK(ParallelFor(
      static_cast<size_t>(n),
      [&](size_t p) -> Status {
        SLUICE_ASSIGN_OR_RETURN(parts[p], CollectPartition(op, static_cast<int>(p), ctx));
        return Status::OK();
      },
      ctx->max_threads));
  std::vector<Batch> out;
  for (auto& p : parts) {
    for (auto& b : p) out.push_back(std::move(b));
  }
  return out;
}

}  // namespace sluice
