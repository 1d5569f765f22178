#include "exec/functions/function_table.h"

namespace sluice::fn {

void RegisterMathFunctions(FunctionTable& t) {}

}  // namespace sluice::fn
