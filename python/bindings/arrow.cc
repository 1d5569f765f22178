// Results to Arrow (the Arrow PyCapsule protocol, __arrow_c_stream__) and
// Arrow data into results.
#include "bindings.h"

namespace sluice::python {

void BindArrow(nb::module_& m) { (void)m; }

}  // namespace sluice::python
