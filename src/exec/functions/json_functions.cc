#include "exec/functions/function_table.h"

namespace sluice::fn {

void RegisterJsonFunctions(FunctionTable& t) {}

}  // namespace sluice::fn
