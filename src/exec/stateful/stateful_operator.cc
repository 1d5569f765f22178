#include "exec/stateful/stateful_operator.h"

#include <algorithm>

namespace sluice {

const char* StatefulOutputModeName(StatefulOutputMode mode) {
  switch (mode) {
    case StatefulOutputMode::kAppend: return "Append";
    case StatefulOutputMode::kUpdate: return "Update";
    case StatefulOutputMode::kComplete: return "Complete";
  }
  return "?";
}

namespace {
void Collect(const PhysicalOperator& op, std::vector<const StatefulOperator*>* out) {
  if (auto* s = dynamic_cast<const StatefulOperator*>(&op)) out->push_back(s);
  for (const auto& c : op.children()) Collect(*c, out);
}
}  // namespace

std::vector<const StatefulOperator*> FindStatefulOperators(const PhysicalOperator& plan) {
  std::vector<const StatefulOperator*> out;
  Collect(plan, &out);
  std::stable_sort(out.begin(), out.end(),
                   [](const StatefulOperator* a, const StatefulOperator* b) { return a->operator_id() < b->operator_id(); });
  return out;
}

Result<std::vector<StateOperatorMetrics>> FinishStatefulOperators(const PhysicalOperator& plan, ExecContext* ctx) {
  std::vector<StateOperatorMetrics> out;
  for (const StatefulOperator* op : FindStatefulOperators(plan)) {
    SLUICE_ASSIGN_OR_RETURN(auto m, op->Finish(ctx));
    out.push_back(m);
  }
  return out;
}

}  // namespace sluice
