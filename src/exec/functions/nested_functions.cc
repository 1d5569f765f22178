#include "exec/functions/function_table.h"

namespace sluice::fn {

void RegisterNestedFunctions(FunctionTable& t) {}

}  // namespace sluice::fn
