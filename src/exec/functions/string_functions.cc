#include "exec/functions/function_table.h"

namespace sluice::fn {

void RegisterStringFunctions(FunctionTable& t) {}

}  // namespace sluice::fn
