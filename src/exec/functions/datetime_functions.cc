#include "exec/functions/function_table.h"

namespace sluice::fn {

void RegisterDatetimeFunctions(FunctionTable& t) {}

}  // namespace sluice::fn
