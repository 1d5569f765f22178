#include "exec/operators/union_all_operator.h"

namespace sluice {

UnionAllOperator::UnionAllOperator(std::vector<PhysicalOperatorPtr> children)
    : PhysicalOperator(children.empty() ? Schema() : children[0]->output_schema(), children) {}

int UnionAllOperator::num_partitions() const {
  int n = 0;
  for (const auto& c : children()) n += c->num_partitions();
  return n;
}

Result<std::unique_ptr<BatchStream>> UnionAllOperator::Open(int partition, ExecContext* ctx) const {
  int p = partition;
  for (const auto& c : children()) {
    if (p < c->num_partitions()) return c->Execute(p, ctx);
    p -= c->num_partitions();
  }
  return Status::Internal("UnionAll has no partition " + std::to_string(partition));
}

}  // namespace sluice
