#include "exec/functions/function_table.h"

namespace sluice::fn {

void RegisterHashFunctions(FunctionTable& t) {}

}  // namespace sluice::fn
