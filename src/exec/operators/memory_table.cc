#include "exec/operators/memory_table.h"

#include "exec/operators/filter_project_operator.h"
#include "exec/operators/values_operator.h"

namespace sluice {

Result<PhysicalOperatorPtr> MemoryTable::CreateScan(const std::vector<int>& columns,
                                                    ExprPtr filter) const {
  Schema out;
  std::vector<Batch> projected;
  for (int c : columns) out.Add(schema_.field(static_cast<size_t>(c)));
  for (const auto& b : batches_) {
    Batch p;
    p.num_rows = b.num_rows;
    for (int c : columns) p.columns.push_back(b.columns[static_cast<size_t>(c)]);
    projected.push_back(std::move(p));
  }
  PhysicalOperatorPtr op = std::make_shared<ValuesOperator>(out, std::move(projected));
  if (filter) {
    std::vector<ExprPtr> identity;
    for (size_t i = 0; i < out.size(); ++i) {
      identity.push_back(MakeColumnRef(static_cast<int>(i), out.field(i).type, out.field(i).name));
    }
    op = std::make_shared<FilterProjectOperator>(op, filter, identity, out);
  }
  return op;
}

}  // namespace sluice
