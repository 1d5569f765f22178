#include "exec/physical_operator.h"

#include "common/parallel.h"

namespace sluice {

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
  SLUICE_ASSIGN_OR_RETURN(auto stream, op.Open(partition, ctx));
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
        SLUICE_ASSIGN_OR_RETURN(auto stream, op.Open(static_cast<int>(p), ctx));
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
